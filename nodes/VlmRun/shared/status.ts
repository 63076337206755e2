/** The statuses after which a prediction or execution never changes again (one definition for polls, callbacks and errors). */
export const TERMINAL_STATUSES: readonly string[] = ['completed', 'failed', 'cancelled'];

export function isTerminal(status: unknown): boolean {
	return TERMINAL_STATUSES.includes(String(status));
}

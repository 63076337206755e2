export type RequestKind = 'read' | 'create';

export interface RetryPolicy {
	maxAttempts: number;
	baseDelayMs: number;
	maxDelayMs: number;
	maxTotalMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
	maxAttempts: 6,
	baseDelayMs: 500,
	maxDelayMs: 20_000,
	maxTotalMs: 120_000,
};

const RETRYABLE_READ_STATUSES = new Set([429, 500, 502, 503, 504]);

// These codes mean the TCP connection was never established, so the request never reached
// VLM Run and even a job-creating call can be sent again without creating a duplicate.
const NOT_SENT_CODES = new Set([
	'ECONNREFUSED',
	'ENOTFOUND',
	'EAI_AGAIN',
	'EHOSTUNREACH',
	'ENETUNREACH',
	'EADDRNOTAVAIL',
]);

export interface AttemptOutcome {
	status?: number;
	errorCode?: string;
}

/** Whether a failed attempt may be repeated without risking a duplicate job. */
export function isRetryable(kind: RequestKind, outcome: AttemptOutcome): boolean {
	if (outcome.status !== undefined) {
		if (kind === 'create') return outcome.status === 429;
		return RETRYABLE_READ_STATUSES.has(outcome.status);
	}
	if (outcome.errorCode === undefined) return false;
	if (kind === 'create') return NOT_SENT_CODES.has(outcome.errorCode);
	return true;
}

/** Parses a Retry-After header given in seconds or as an HTTP date; undefined when absent or invalid. */
export function parseRetryAfter(value: unknown, now = Date.now()): number | undefined {
	if (typeof value !== 'string' || value.trim() === '') return undefined;
	const trimmed = value.trim();
	if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
	const date = Date.parse(trimmed);
	if (Number.isNaN(date)) return undefined;
	return Math.max(0, date - now);
}

/** Exponential backoff with full jitter; a server's Retry-After wins when it asks for longer. */
export function retryDelay(
	attempt: number,
	policy: RetryPolicy,
	retryAfterMs: number | undefined,
	random: () => number = Math.random,
): number {
	const exponential = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
	const jittered = exponential / 2 + random() * (exponential / 2);
	if (retryAfterMs === undefined) return Math.round(jittered);
	return Math.min(policy.maxDelayMs, Math.max(retryAfterMs, Math.round(jittered)));
}

/** Finds a Node/axios error code (e.g. ECONNRESET) anywhere in an error's cause chain. */
export function findErrorCode(error: unknown): string | undefined {
	let current: unknown = error;
	for (let depth = 0; depth < 5 && current && typeof current === 'object'; depth++) {
		const code = (current as { code?: unknown }).code;
		if (typeof code === 'string' && /^E[A-Z_]+$/.test(code)) return code;
		current = (current as { cause?: unknown }).cause;
	}
	return undefined;
}

import { abortableSleep } from './stop';

/**
 * Request pacing per VLM Run account, shared by every node and execution in this n8n process
 * that uses the same API key at the same Base URL. Each request takes a turn; turns are spaced
 * so the account's limit is met by waiting rather than by failed requests:
 *
 * - Requests per Minute from the credential sets the narrowest spacing (empty: no floor).
 * - A 429 widens the spacing (the limit is lower than we thought, or unknown) and a Retry-After
 *   pauses every request of the account; each success narrows it again, slowly, back to the floor.
 */
interface Pace {
	floorMs: number;
	spacingMs: number;
	nextTurn: number;
	pausedUntil: number;
	widenedAt: number;
	/** Requests waiting for a turn: the queue a 429 retry budget grows with. */
	waiting: number;
}

// Spacing after the first 429 when no rate is configured: 20 requests per second, so an
// unconfigured account finds its limit within a few refusals.
const FIRST_SPACING_MS = 50;
const WIDEN = 1.25;
const NARROW = 0.9;
const MAX_SPACING_MS = 60_000;

const paces = new Map<string, Pace>();

function paceOf(account: string, requestsPerMinute: number): Pace {
	const floorMs = requestsPerMinute > 0 ? 60_000 / requestsPerMinute : 0;
	let pace = paces.get(account);
	if (!pace) {
		pace = { floorMs, spacingMs: floorMs, nextTurn: 0, pausedUntil: 0, widenedAt: 0, waiting: 0 };
		paces.set(account, pace);
	}
	if (pace.floorMs !== floorMs) {
		pace.floorMs = floorMs;
		pace.spacingMs = Math.max(pace.spacingMs, floorMs);
	}
	return pace;
}

/** Waits for this request's turn on the account. */
export async function takeTurn(
	account: string,
	requestsPerMinute: number,
	signal?: AbortSignal,
): Promise<void> {
	const pace = paceOf(account, requestsPerMinute);
	pace.waiting++;
	try {
		for (;;) {
			const now = Date.now();
			const turn = Math.max(now, pace.nextTurn, pace.pausedUntil);
			pace.nextTurn = turn + pace.spacingMs;
			if (turn <= now) return;
			await abortableSleep(turn - now, signal);
			// A Retry-After that arrived while this request slept moves its turn.
			if (Date.now() >= pace.pausedUntil) return;
		}
	} finally {
		pace.waiting--;
	}
}

/** The account answered 429: widen the spacing, and pause it when VLM Run said for how long. */
export function rateLimited(
	account: string,
	requestsPerMinute: number,
	retryAfterMs?: number,
): void {
	const pace = paceOf(account, requestsPerMinute);
	const now = Date.now();
	// Requests in flight together are refused together: that is one signal, not several.
	if (now - pace.widenedAt >= pace.spacingMs) {
		pace.widenedAt = now;
		pace.spacingMs = Math.min(
			MAX_SPACING_MS,
			Math.max(pace.floorMs, FIRST_SPACING_MS, pace.spacingMs * WIDEN),
		);
	}
	if (retryAfterMs !== undefined) pace.pausedUntil = Math.max(pace.pausedUntil, now + retryAfterMs);
}

/** A request went through: narrow the spacing a little, never below the configured rate. */
export function accepted(account: string, requestsPerMinute: number): void {
	const pace = paceOf(account, requestsPerMinute);
	if (pace.spacingMs <= pace.floorMs) return;
	const narrowed = pace.spacingMs * NARROW;
	pace.spacingMs = narrowed < Math.max(pace.floorMs, 1) ? pace.floorMs : narrowed;
}

/** How long the requests queued on the account will take to get their turns. */
export function queuedMs(account: string, requestsPerMinute: number): number {
	const pace = paceOf(account, requestsPerMinute);
	return pace.waiting * pace.spacingMs + Math.max(0, pace.pausedUntil - Date.now());
}

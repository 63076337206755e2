/**
 * When to look at a running job again. A job is seen finished at the first status request after
 * its end, so polls at elapsed times that grow by `factor` see any job longer than `firstMs`
 * finished within `factor` × its duration (plus one request's latency), at
 * ⌈log(duration / firstMs) / log(factor)⌉ + 1 status requests: 1 for 0.3 s, 10 for 1.5 s,
 * 17 for 5 s, 27 for 30 s, 34 for 2 min, 43 for 10 min.
 *
 * Jobs of one kind and size tend to take as long as each other, so the schedule also learns:
 * after the first look, it jumps to just before the shortest recent job of the same class would
 * have ended, and continues from there; a batch of similar jobs then costs 2 or 3 polls each.
 */
export interface PollSchedule {
	firstMs: number;
	factor: number;
	maxMs: number;
}

export const DEFAULT_POLL_SCHEDULE: PollSchedule = { firstMs: 300, factor: 1.2, maxMs: 120_000 };

/** The delay before the next status request, `elapsedMs` after the job was submitted. */
export function nextPollDelay(
	elapsedMs: number,
	schedule: PollSchedule,
	expectedMs?: number,
): number {
	if (elapsedMs < schedule.firstMs) return schedule.firstMs - elapsedMs;
	if (expectedMs !== undefined && elapsedMs < expectedMs) return expectedMs - elapsedMs;
	return Math.min(schedule.maxMs, Math.max(1, Math.round(elapsedMs * (schedule.factor - 1))));
}

const RECENT = 8;
// A little early rather than late: the first poll then misses by one short step at worst.
const EARLY = 0.9;
const recent = new Map<string, number[]>();

/** Where to put the first poll for a job of this class, from the jobs of the class seen so far. */
export function expectedDuration(jobClass: string | undefined): number | undefined {
	const durations = jobClass ? recent.get(jobClass) : undefined;
	return durations?.length ? Math.min(...durations) * EARLY : undefined;
}

/** Remembers how long a finished job of this class took (this n8n process, last few jobs). */
export function recordDuration(jobClass: string | undefined, durationMs: number): void {
	if (!jobClass || !(durationMs > 0)) return;
	const durations = recent.get(jobClass) ?? [];
	durations.push(durationMs);
	if (durations.length > RECENT) durations.shift();
	recent.set(jobClass, durations);
}

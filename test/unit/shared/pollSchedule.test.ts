import {
	DEFAULT_POLL_SCHEDULE,
	expectedDuration,
	nextPollDelay,
	recordDuration,
} from '../../../nodes/VlmRun/shared/pollSchedule';

/** The elapsed times of the status requests until a job of `jobMs` is seen finished. */
function pollTimes(jobMs: number, expectedMs?: number): number[] {
	const times: number[] = [];
	let elapsed = 0;
	do {
		elapsed += nextPollDelay(elapsed, DEFAULT_POLL_SCHEDULE, expectedMs);
		times.push(elapsed);
	} while (elapsed < jobMs);
	return times;
}

describe('poll schedule', () => {
	it('sees every job from 0.3 s to 10 min finished within 1.25 × its duration', () => {
		for (let jobMs = 300; jobMs <= 600_000; jobMs = Math.ceil(jobMs * 1.013)) {
			const seenAt = pollTimes(jobMs).at(-1) as number;
			expect(seenAt / jobMs).toBeLessThanOrEqual(1.2 + 1e-9);
		}
	});

	it('needs few status requests: 1 for 0.3 s, 10 for 1.5 s, 27 for 30 s, 43 for 10 min', () => {
		expect(pollTimes(300)).toHaveLength(1);
		expect(pollTimes(1_500)).toHaveLength(10);
		expect(pollTimes(5_000)).toHaveLength(17);
		expect(pollTimes(30_000)).toHaveLength(27);
		expect(pollTimes(600_000)).toHaveLength(43);
	});

	it('jumps to where a job of the same class ended before, after one early look', () => {
		expect(pollTimes(30_000, 29_500)).toEqual([300, 29_500, 35_400]);
		expect(pollTimes(29_000, 29_500)).toEqual([300, 29_500]);
		// A shorter job than the class's is still caught by the first look.
		expect(pollTimes(250, 29_500)).toEqual([300]);
	});

	it('learns the shortest recent duration per class, a little early', () => {
		expect(expectedDuration('test:a')).toBeUndefined();
		recordDuration('test:a', 10_000);
		recordDuration('test:a', 8_000);
		recordDuration('test:b', 1_000);
		expect(expectedDuration('test:a')).toBe(7_200);
		for (let i = 0; i < 8; i++) recordDuration('test:a', 20_000);
		expect(expectedDuration('test:a')).toBe(18_000);
		expect(expectedDuration(undefined)).toBeUndefined();
	});
});

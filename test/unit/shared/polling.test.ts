import {
	DEFAULT_POLL_SCHEDULE,
	jobFailureReason,
	nextPollDelay,
} from '../../../nodes/VlmRun/shared/polling';

function pollTimes(jobSeconds: number): number[] {
	const times: number[] = [];
	let delay: number | undefined;
	let elapsed = 0;
	do {
		delay = nextPollDelay(delay, DEFAULT_POLL_SCHEDULE);
		elapsed += delay;
		times.push(elapsed);
	} while (elapsed < jobSeconds * 1000);
	return times;
}

describe('poll schedule', () => {
	it('first looks after one second', () => {
		expect(nextPollDelay(undefined, DEFAULT_POLL_SCHEDULE)).toBe(1000);
	});

	it('backs off to the cap', () => {
		let delay: number | undefined;
		for (let i = 0; i < 20; i++) delay = nextPollDelay(delay, DEFAULT_POLL_SCHEDULE);
		expect(delay).toBe(DEFAULT_POLL_SCHEDULE.maxMs);
	});

	it('needs at most 6 status requests for a 120 s job and 1 for a 1 s job', () => {
		expect(pollTimes(120).length).toBeLessThanOrEqual(6);
		expect(pollTimes(1).length).toBe(1);
	});
});

describe('jobFailureReason', () => {
	it('prefers message, then error, then usage.message', () => {
		expect(jobFailureReason({ message: 'bad scan', error: 'x' })).toBe('bad scan');
		expect(jobFailureReason({ error: 'corrupt' })).toBe('corrupt');
		expect(jobFailureReason({ usage: { message: 'quota' } })).toBe('quota');
		expect(jobFailureReason({})).toBe('VLM Run gave no reason.');
	});
});

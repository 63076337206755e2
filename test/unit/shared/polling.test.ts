import { jobFailureReason } from '../../../nodes/VlmRun/shared/polling';

describe('jobFailureReason', () => {
	it('prefers message, then error, then usage.message', () => {
		expect(jobFailureReason({ message: 'bad scan', error: 'x' })).toBe('bad scan');
		expect(jobFailureReason({ error: 'corrupt' })).toBe('corrupt');
		expect(jobFailureReason({ usage: { message: 'quota' } })).toBe('quota');
		expect(jobFailureReason({})).toBe('VLM Run gave no reason.');
	});
});

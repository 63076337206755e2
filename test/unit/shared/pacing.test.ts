import { accepted, queuedMs, rateLimited, takeTurn } from '../../../nodes/VlmRun/shared/pacing';
import { apiRequest } from '../../../nodes/VlmRun/shared/transport';
import { scriptedContext } from '../fakeContext';

/** Start times of `count` turns taken at once on `account`, relative to the first. */
async function turns(account: string, rpm: number, count: number): Promise<number[]> {
	const started: number[] = [];
	await Promise.all(
		Array.from({ length: count }, async () => {
			await takeTurn(account, rpm);
			started.push(Date.now());
		}),
	);
	return started.map((time) => time - started[0]);
}

describe('pacing', () => {
	it('spaces the turns of an account by its Requests per Minute', async () => {
		const times = await turns('rpm-600', 600, 4);
		expect(times[3]).toBeGreaterThanOrEqual(3 * 100 - 5);
		expect(times[3]).toBeLessThan(3 * 100 + 250);
	});

	it('does not space an account without a limit until it is refused', async () => {
		const times = await turns('free', 0, 20);
		expect(times[19]).toBeLessThan(50);
	});

	it('widens the spacing once per refusal burst, pauses for Retry-After, and narrows back', async () => {
		rateLimited('adaptive', 0);
		rateLimited('adaptive', 0); // the same burst: one signal
		expect(queuedMs('adaptive', 0)).toBe(0);
		const times = await turns('adaptive', 0, 3);
		expect(times[2]).toBeGreaterThanOrEqual(2 * 50 - 5);
		for (let i = 0; i < 300; i++) accepted('adaptive', 0);
		expect((await turns('adaptive', 0, 5))[4]).toBeLessThan(30);

		rateLimited('paused', 600, 200);
		const before = Date.now();
		await takeTurn('paused', 600);
		expect(Date.now() - before).toBeGreaterThanOrEqual(190);
	});

	it('never narrows below the configured rate', () => {
		rateLimited('floor', 600);
		for (let i = 0; i < 1000; i++) accepted('floor', 600);
		// One queued request waits one spacing of 100 ms.
		void takeTurn('floor', 600);
		void takeTurn('floor', 600);
		expect(queuedMs('floor', 600)).toBe(100);
	});

	it('is shared by every node run using the same API key and Base URL', async () => {
		const runs = [1, 2, 3].map(() =>
			scriptedContext([{ statusCode: 200, body: {} }], { baseUrl: 'http://shared.test/v1' }),
		);
		for (const { ctx } of runs) {
			jest.spyOn(ctx, 'getCredentials').mockResolvedValue({
				apiKey: 'k',
				baseUrl: 'http://shared.test/v1',
				requestsPerMinute: 600,
			});
		}
		const started: number[] = [];
		await Promise.all(
			runs.map(async ({ ctx }) => {
				await apiRequest(ctx, { method: 'GET', path: '/a' });
				started.push(Date.now());
			}),
		);
		started.sort((a, b) => a - b);
		expect(started[2] - started[0]).toBeGreaterThanOrEqual(2 * 100 - 5);
	});
});

import { startEmulator, type Emulator } from './index';
import { RateLimiter } from './ratelimit';
import { call } from './test-helpers';

describe('rate limit', () => {
	it('lets a burst through, then one request per interval, per key', () => {
		const limiter = new RateLimiter();
		limiter.configure({ perMinute: 60, burst: 3, retryAfter: true });
		const t0 = 1_000_000;
		for (let i = 0; i < 3; i++) limiter.take('a', t0);
		expect(() => limiter.take('a', t0)).toThrow(
			expect.objectContaining({ status: 429, headers: { 'Retry-After': '1' } }),
		);
		limiter.take('b', t0); // another key has its own bucket
		expect(() => limiter.take('a', t0 + 500)).toThrow(expect.objectContaining({ status: 429 }));
		limiter.take('a', t0 + 1000); // one token back after 60 s / 60
		expect(() => limiter.take('a', t0 + 1000)).toThrow(expect.objectContaining({ status: 429 }));
	});

	it('says how long to wait in whole seconds, or nothing when Retry-After is off', () => {
		const limiter = new RateLimiter();
		limiter.configure({ perMinute: 6, burst: 1, retryAfter: true });
		limiter.take('a', 0);
		expect(() => limiter.take('a', 1000)).toThrow(
			expect.objectContaining({ headers: { 'Retry-After': '9' } }),
		);
		limiter.configure({ perMinute: 6, burst: 1, retryAfter: false });
		limiter.take('a', 0);
		expect(() => limiter.take('a', 1000)).toThrow(expect.objectContaining({ headers: {} }));
	});

	describe('over HTTP', () => {
		let emu: Emulator;
		beforeAll(async () => {
			emu = await startEmulator({ rateLimit: { perMinute: 60, burst: 2, retryAfter: true } });
		});
		afterAll(() => emu.close());

		it('answers 429 with Retry-After once the burst is spent, polls included, and logs the status', async () => {
			emu.clearRequests();
			const statuses: number[] = [];
			for (let i = 0; i < 3; i++) statuses.push((await call(emu, 'GET', '/predictions')).status);
			expect(statuses).toEqual([200, 200, 429]);
			const refused = await call(emu, 'GET', '/predictions');
			expect(refused.json).toEqual({ detail: 'Rate limit exceeded' });
			expect(refused.headers.get('retry-after')).toBe('1');
			expect(emu.requests().map((entry) => entry.status)).toEqual([200, 200, 429, 429]);
		});

		it('is configured through the control API, without Retry-After and switched off', async () => {
			const configure = async (body: unknown) =>
				await fetch(`${emu.origin}/__emulator/config`, {
					method: 'POST',
					body: JSON.stringify(body),
				});
			expect(
				(await configure({ rateLimit: { perMinute: 60, burst: 1, retryAfter: false } })).status,
			).toBe(200);
			expect((await call(emu, 'GET', '/predictions')).status).toBe(200);
			const refused = await call(emu, 'GET', '/predictions');
			expect([refused.status, refused.headers.get('retry-after')]).toEqual([429, null]);
			await configure({ rateLimit: null });
			for (let i = 0; i < 5; i++) expect((await call(emu, 'GET', '/predictions')).status).toBe(200);
		});

		it('counts only authenticated API calls: a wrong key gets 401, not 429', async () => {
			emu.configure({ rateLimit: { perMinute: 60, burst: 1, retryAfter: true } });
			expect((await call(emu, 'GET', '/predictions', { key: 'wrong' })).status).toBe(401);
			expect((await call(emu, 'GET', '/predictions')).status).toBe(200);
			emu.configure({ rateLimit: null });
		});
	});
});

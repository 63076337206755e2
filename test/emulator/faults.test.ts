import { startEmulator, type Emulator } from './index';
import { call } from './test-helpers';

const GENERATE = { url: 'https://x/a.pdf', domain: 'document.invoice', batch: true };

async function statusOrReset(
	emu: Emulator,
	method: string,
	path: string,
	body?: unknown,
): Promise<number | 'reset'> {
	try {
		return (await call(emu, method, path, { body })).status;
	} catch {
		return 'reset';
	}
}

describe('fault injection', () => {
	let emu: Emulator;
	beforeEach(async () => {
		emu = await startEmulator();
	});
	afterEach(() => emu.close());

	it('answers the next N matching calls with a status and Retry-After', async () => {
		emu.injectFault({ method: 'GET', path: '/domains', status: 429, retryAfter: '2', count: 2 });
		const first = await call(emu, 'GET', '/domains');
		expect([first.status, first.headers.get('retry-after'), first.json]).toEqual([
			429,
			'2',
			{ detail: 'Rate limit exceeded' },
		]);
		expect((await call(emu, 'GET', '/domains')).status).toBe(429);
		expect((await call(emu, 'GET', '/domains')).status).toBe(200);
	});

	it('matches prefixes and methods, and uses a custom body', async () => {
		emu.injectFault({
			path: '/predictions/*',
			status: 503,
			body: { detail: 'down for maintenance' },
		});
		expect((await call(emu, 'GET', '/predictions')).status).toBe(200);
		const res = await call(emu, 'GET', '/predictions/abc');
		expect([res.status, res.json]).toEqual([503, { detail: 'down for maintenance' }]);
		emu.injectFault({ method: 'POST', path: '/health', status: 500 });
		expect((await call(emu, 'GET', '/health')).status).toBe(200);
	});

	it('resets the socket without answering', async () => {
		emu.injectFault({ path: '/health', reset: true });
		await expect(call(emu, 'GET', '/health')).rejects.toThrow();
		expect((await call(emu, 'GET', '/health')).status).toBe(200);
	});

	it('answers malformed bodies with 200 or 201', async () => {
		emu.injectFault({ path: '/domains', malformed: true });
		const get = await call(emu, 'GET', '/domains');
		expect(get.status).toBe(200);
		expect(() => JSON.parse(get.text)).toThrow();
		emu.injectFault({ path: '/document/generate', malformed: true });
		const post = await call(emu, 'POST', '/document/generate', { body: GENERATE });
		expect(post.status).toBe(201);
		expect(post.json).toBeUndefined();
	});

	it('delays matching calls', async () => {
		emu.injectFault({ path: '/health', delayMs: 120 });
		const started = Date.now();
		expect((await call(emu, 'GET', '/health')).status).toBe(200);
		expect(Date.now() - started).toBeGreaterThanOrEqual(110);
	});

	it('refuses job-creating POSTs before creating the job', async () => {
		emu.injectFault({ method: 'POST', path: '/document/generate', status: 500, count: 1 });
		emu.injectFault({ method: 'POST', path: '/agent/execute', reset: true });
		emu.injectFault({ method: 'POST', path: '/files', status: 503 });
		expect((await call(emu, 'POST', '/document/generate', { body: GENERATE })).status).toBe(500);
		await expect(
			call(emu, 'POST', '/agent/execute', {
				body: { name: 'invoice-extractor', inputs: {}, batch: true },
			}),
		).rejects.toThrow();
		const form = new FormData();
		form.append('file', new Blob(['x']), 'x.txt');
		expect((await call(emu, 'POST', '/files', { form })).status).toBe(503);
		expect(emu.jobsCreated()).toEqual({ predictions: 0, executions: 0, chats: 0, uploads: 0 });
		expect((await call(emu, 'GET', '/predictions')).json).toEqual([]);
		expect((await call(emu, 'POST', '/document/generate', { body: GENERATE })).status).toBe(201);
		expect(emu.jobsCreated().predictions).toBe(1);
	});

	it('can fault the presigned PUT target', async () => {
		const { url } = (
			await call(emu, 'POST', '/files/presigned-url', { body: { filename: 'a.bin' } })
		).json;
		emu.injectFault({ method: 'PUT', path: '/__emulator/upload/*', status: 500 });
		expect((await fetch(url, { method: 'PUT', body: 'x' })).status).toBe(500);
		expect((await fetch(url, { method: 'PUT', body: 'x' })).status).toBe(200);
	});

	it('is driven over HTTP too', async () => {
		const add = await fetch(`${emu.origin}/__emulator/faults`, {
			method: 'POST',
			body: JSON.stringify([{ path: '/health', status: 502, count: 5 }]),
		});
		expect(add.status).toBe(200);
		expect((await call(emu, 'GET', '/health')).status).toBe(502);
		await fetch(`${emu.origin}/__emulator/faults`, { method: 'DELETE' });
		expect((await call(emu, 'GET', '/health')).status).toBe(200);
		const bad = await fetch(`${emu.origin}/__emulator/faults`, {
			method: 'POST',
			body: JSON.stringify({ status: 500 }),
		});
		expect(bad.status).toBe(422);
	});

	describe('faultMix', () => {
		const mix = {
			seed: 42,
			rate429: 0.2,
			rate503Reads: 0.2,
			rateResetReads: 0.1,
			retryAfterSeconds: 3,
		};

		async function runScript(target: Emulator) {
			const outcomes: Array<number | 'reset'> = [];
			for (let i = 0; i < 40; i++) {
				outcomes.push(await statusOrReset(target, 'GET', '/health'));
				outcomes.push(await statusOrReset(target, 'POST', '/document/generate', GENERATE));
			}
			return outcomes;
		}

		it('is deterministic for a seed and counts only real job creations', async () => {
			emu.configure({ faultMix: mix });
			const other = await startEmulator();
			other.configure({ faultMix: mix });
			try {
				const a = await runScript(emu);
				const b = await runScript(other);
				expect(a).toEqual(b);
				expect(a).toContain(429);
				expect(a).toContain(503);
				expect(a).toContain('reset');
				const posts = a.filter((_, i) => i % 2 === 1);
				expect(posts).not.toContain(503);
				expect(posts).not.toContain('reset');
				expect(emu.jobsCreated().predictions).toBe(posts.filter((s) => s === 201).length);
			} finally {
				await other.close();
			}
		});

		it('puts Retry-After on mix 429s', async () => {
			emu.configure({ faultMix: { seed: 1, rate429: 1, retryAfterSeconds: 7 } });
			const res = await call(emu, 'GET', '/health');
			expect([res.status, res.headers.get('retry-after')]).toEqual([429, '7']);
			emu.configure({ faultMix: null });
			expect((await call(emu, 'GET', '/health')).status).toBe(200);
		});

		it('fails a fraction of created jobs', async () => {
			emu.configure({ faultMix: { seed: 7, rateJobFail: 0.5 } });
			const statuses: string[] = [];
			for (let i = 0; i < 30; i++) {
				statuses.push(
					(await call(emu, 'POST', '/document/generate', { body: { ...GENERATE, batch: false } }))
						.json.status,
				);
			}
			expect(statuses).toContain('failed');
			expect(statuses).toContain('completed');
		});

		it('answers exactly one GET with a malformed body', async () => {
			emu.configure({ faultMix: { seed: 3, malformedOnce: true } });
			let malformed = 0;
			for (let i = 0; i < 20; i++) {
				const res = await call(emu, 'GET', '/health');
				if (res.json === undefined) malformed += 1;
			}
			expect(malformed).toBe(1);
		});

		it('is configurable over HTTP', async () => {
			const res = await fetch(`${emu.origin}/__emulator/config`, {
				method: 'POST',
				body: JSON.stringify({ faultMix: { seed: 5, rate429: 1 } }),
			});
			expect(res.status).toBe(200);
			expect((await call(emu, 'GET', '/health')).status).toBe(429);
			const invalid = await fetch(`${emu.origin}/__emulator/config`, {
				method: 'POST',
				body: JSON.stringify({ jobMode: 'warp' }),
			});
			expect(invalid.status).toBe(422);
		});
	});
});

import { startEmulator, type Emulator } from './index';
import { call, type Json } from './test-helpers';

describe('control endpoints', () => {
	let emu: Emulator;
	beforeAll(async () => {
		emu = await startEmulator();
	});
	afterAll(() => emu.close());

	const control = async (method: string, path: string, body?: unknown) => {
		const res = await fetch(`${emu.origin}/__emulator${path}`, {
			method,
			body: body === undefined ? undefined : JSON.stringify(body),
		});
		return { status: res.status, json: (await res.json()) as Json };
	};

	it('needs no key and is not recorded', async () => {
		await control('DELETE', '/requests');
		expect((await control('GET', '/stats')).status).toBe(200);
		expect(emu.requests()).toHaveLength(0);
	});

	it('filters and clears the request log', async () => {
		await call(emu, 'GET', '/health');
		await call(emu, 'POST', '/schema', { body: { domain: 'image.caption' } });
		expect((await control('GET', '/requests?method=POST')).json).toHaveLength(1);
		expect((await control('GET', '/requests?path=/health')).json[0]).toMatchObject({
			method: 'GET',
			path: '/health',
			query: {},
		});
		await control('DELETE', '/requests');
		expect((await control('GET', '/requests')).json).toEqual([]);
	});

	it('reports job creation stats', async () => {
		await call(emu, 'POST', '/document/generate', {
			body: { url: 'https://x/a.pdf', domain: 'document.invoice' },
		});
		expect((await control('GET', '/stats')).json).toMatchObject({ predictions: 1, executions: 0 });
		expect(emu.jobsCreated().predictions).toBe(1);
	});

	it('switches job modes and poll counts through /config', async () => {
		expect(
			(await control('POST', '/config', { jobMode: 'polls', pollsToComplete: 3 })).status,
		).toBe(200);
		const { id } = (
			await call(emu, 'POST', '/audio/generate', {
				body: { url: 'https://x/a.mp3', domain: 'audio.transcription' },
			})
		).json;
		const seen = [];
		for (let i = 0; i < 3; i++)
			seen.push((await call(emu, 'GET', `/predictions/${id}`)).json.status);
		expect(seen).toEqual(['running', 'running', 'completed']);
		await control('POST', '/config', { pollsToComplete: 2 });
	});

	it('advances jobs and validates the target', async () => {
		await control('POST', '/config', { jobMode: 'manual' });
		const { id } = (
			await call(emu, 'POST', '/document/generate', {
				body: { url: 'https://x/a.pdf', domain: 'document.invoice' },
			})
		).json;
		expect((await control('POST', `/jobs/${id}/advance`, { to: 'done' })).status).toBe(422);
		expect((await control('POST', `/jobs/${id}/advance`, { to: 'running' })).json.status).toBe(
			'running',
		);
		await control('POST', '/config', { jobMode: 'polls' });
	});

	it('answers 404 for unknown blobs and control paths', async () => {
		expect((await control('GET', '/blob/nope')).status).toBe(404);
		expect((await control('GET', '/nothing')).status).toBe(404);
	});

	it('lists webhook deliveries (empty without callbacks)', async () => {
		expect((await control('GET', '/webhooks')).json).toEqual([]);
	});
});

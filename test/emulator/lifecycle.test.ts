import { startEmulator, type Emulator } from './index';
import { call, sleep, upload, type Json } from './test-helpers';

describe('async prediction lifecycle', () => {
	let emu: Emulator;
	beforeAll(async () => {
		emu = await startEmulator();
	});
	afterAll(() => emu.close());
	afterEach(() => emu.configure({ jobMode: 'polls', pollsToComplete: 2 }));

	const generate = (route: string, body: unknown) => call(emu, 'POST', route, { body });

	it('polls mode: pending -> running -> completed, one step per GET', async () => {
		const file = await upload(emu, 'doc.pdf');
		const created = await generate('/document/generate', {
			file_id: file.id,
			domain: 'document.invoice',
			batch: true,
		});
		expect(created.status).toBe(201);
		expect(created.json).toMatchObject({
			status: 'pending',
			response: null,
			completed_at: null,
			usage: { elements_processed: 0, element_type: 'page', credits_used: 0, duration_seconds: 0 },
		});
		const id = created.json.id;
		const first = await call(emu, 'GET', `/predictions/${id}`);
		expect(first.json).toMatchObject({ status: 'running', response: null });
		const second = await call(emu, 'GET', `/predictions/${id}`);
		expect(second.json.status).toBe('completed');
		expect(second.json.completed_at).toEqual(expect.any(String));
		expect(second.json.usage.credits_used).toBeGreaterThan(0);
		expect(second.json.usage.elements_processed).toBeGreaterThan(0);
		expect(second.json.response.invoice_id).toBeDefined();
	});

	it('time mode: jobs complete after jobDurationMs', async () => {
		emu.configure({ jobMode: 'time', jobDurationMs: 600 });
		const { id } = (
			await generate('/audio/generate', {
				url: 'https://x/a.mp3',
				domain: 'audio.transcription',
				batch: true,
			})
		).json;
		expect((await call(emu, 'GET', `/predictions/${id}`)).json.status).toBe('pending');
		await sleep(300);
		expect((await call(emu, 'GET', `/predictions/${id}`)).json.status).toBe('running');
		await sleep(350);
		const done = await call(emu, 'GET', `/predictions/${id}`);
		expect(done.json.status).toBe('completed');
		expect(done.json.usage.duration_seconds).toBeGreaterThanOrEqual(0.59);
	});

	it('manual mode: only advance moves jobs, via the API and over HTTP', async () => {
		emu.configure({ jobMode: 'manual' });
		const { id } = (
			await generate('/video/generate', {
				url: 'https://x/v.mp4',
				domain: 'video.transcription',
				batch: true,
			})
		).json;
		await call(emu, 'GET', `/predictions/${id}`);
		expect((await call(emu, 'GET', `/predictions/${id}`)).json.status).toBe('pending');
		await emu.advanceJob(id);
		expect((await call(emu, 'GET', `/predictions/${id}`)).json.status).toBe('running');
		const http = await fetch(`${emu.origin}/__emulator/jobs/${id}/advance`, {
			method: 'POST',
			body: '{"to":"completed"}',
		});
		expect(((await http.json()) as Json).status).toBe('completed');
		await expect(emu.advanceJob(id)).rejects.toThrow(/already completed/);
		const again = await fetch(`${emu.origin}/__emulator/jobs/${id}/advance`, { method: 'POST' });
		expect(again.status).toBe(409);
		expect(
			(await fetch(`${emu.origin}/__emulator/jobs/nope/advance`, { method: 'POST' })).status,
		).toBe(404);
	});

	it('advancing to failed fills message, error and usage.message', async () => {
		emu.configure({ jobMode: 'manual' });
		const { id } = (
			await generate('/document/generate', {
				url: 'https://x/a.pdf',
				domain: 'document.invoice',
				batch: true,
			})
		).json;
		await emu.advanceJob(id, 'failed');
		const res = (await call(emu, 'GET', `/predictions/${id}`)).json;
		expect(res).toMatchObject({
			status: 'failed',
			response: null,
			message: expect.any(String),
			error: expect.any(String),
		});
		expect(res.usage.message).toBe(res.error);
	});

	it.each([
		['domain emulator.fail', { url: 'https://x/a.pdf', domain: 'emulator.fail' }],
		[
			'metadata.session_id fail',
			{ url: 'https://x/a.pdf', domain: 'document.invoice', metadata: { session_id: 'fail' } },
		],
		['url marker', { url: 'https://x/emulator-fail.pdf', domain: 'document.invoice' }],
	])('fail marker (%s) ends failed', async (_label, body) => {
		const sync = await generate('/document/generate', { ...body, batch: false });
		expect(sync.status).toBe(201);
		expect(sync.json).toMatchObject({ status: 'failed', response: null });
		expect(sync.json.error).toMatch(/Emulated failure/);
		expect(sync.json.message).toBe(sync.json.error);
		expect(sync.json.usage.message).toBe(sync.json.error);
		const { id } = (await generate('/document/generate', { ...body, batch: true })).json;
		await call(emu, 'GET', `/predictions/${id}`);
		expect((await call(emu, 'GET', `/predictions/${id}`)).json.status).toBe('failed');
	});

	it('fails jobs on files whose name contains emulator-fail', async () => {
		const file = await upload(emu, 'scan-emulator-fail.pdf');
		const res = await generate('/document/generate', {
			file_id: file.id,
			domain: 'document.invoice',
			batch: false,
		});
		expect(res.json.status).toBe('failed');
	});

	it('lists predictions newest first with skip/limit bounds', async () => {
		const ids: string[] = [];
		for (let i = 0; i < 3; i++) {
			ids.push(
				(
					await generate('/document/generate', {
						url: `https://x/${i}.pdf`,
						domain: 'document.invoice',
						batch: false,
					})
				).json.id,
			);
		}
		const list = await call(emu, 'GET', '/predictions?limit=3');
		expect(list.json.map((p: { id: string }) => p.id)).toEqual(ids.reverse());
		expect((await call(emu, 'GET', '/predictions?skip=1&limit=1')).json[0].id).toBe(ids[1]);
		for (const q of ['limit=0', 'limit=1001', 'limit=abc', 'skip=-1']) {
			expect((await call(emu, 'GET', `/predictions?${q}`)).status).toBe(422);
		}
		expect((await call(emu, 'GET', '/predictions?limit=1000')).status).toBe(200);
	});

	it('takes feedback on exactly one entity and lists it back', async () => {
		const { id } = (
			await generate('/document/generate', { url: 'https://x/a.pdf', domain: 'document.invoice' })
		).json;
		const both = await call(emu, 'POST', '/feedback/submit', {
			body: { request_id: id, chat_id: 'x', notes: 'n' },
		});
		expect(both.status).toBe(422);
		const empty = await call(emu, 'POST', '/feedback/submit', { body: { request_id: id } });
		expect(empty.status).toBe(422);
		const unknown = await call(emu, 'POST', '/feedback/submit', {
			body: { request_id: 'nope', notes: 'n' },
		});
		expect([unknown.status, unknown.json]).toEqual([404, { detail: 'Prediction not found' }]);
		const sent = await call(emu, 'POST', '/feedback/submit', {
			body: { request_id: id, response: { total: 1 }, notes: 'fixed total' },
		});
		expect(sent.json).toEqual({
			id: expect.any(String),
			request_id: id,
			created_at: expect.any(String),
		});
		const listed = (await call(emu, 'GET', `/feedback/${id}?type=request`)).json;
		expect(listed).toEqual({
			request_id: id,
			items: [
				{
					id: sent.json.id,
					request_id: id,
					created_at: expect.any(String),
					response: { total: 1 },
					notes: 'fixed total',
				},
			],
		});
		expect((await call(emu, 'GET', '/feedback/nope')).status).toBe(404);
	});

	it('names the entity on every feedback item, for executions and chats too (as the SDK tests show)', async () => {
		const execution = (
			await call(emu, 'POST', '/agent/execute', {
				body: { name: 'invoice-extractor', inputs: {}, batch: true },
			})
		).json;
		const chat = (
			await call(emu, 'POST', '/openai/chat/completions', {
				body: { messages: [{ role: 'user', content: 'Hello' }] },
			})
		).json;
		for (const [type, key, id] of [
			['agent_execution', 'agent_execution_id', execution.id],
			['chat', 'chat_id', chat.session_id],
		] as const) {
			const sent = await call(emu, 'POST', '/feedback/submit', {
				body: { [key]: id, notes: 'checked' },
			});
			expect(sent.json).toEqual({
				id: expect.any(String),
				[key]: id,
				created_at: expect.any(String),
			});
			const listed = (await call(emu, 'GET', `/feedback/${id}?type=${type}`)).json;
			expect(listed).toEqual({
				[key]: id,
				items: [
					{
						id: sent.json.id,
						[key]: id,
						created_at: expect.any(String),
						response: null,
						notes: 'checked',
					},
				],
			});
		}
	});

	it('handles 1000 concurrent async jobs', async () => {
		emu.configure({ jobMode: 'time', jobDurationMs: 100 });
		const before = emu.jobsCreated().predictions;
		const created = await Promise.all(
			Array.from({ length: 1000 }, (_, i) =>
				generate('/document/generate', {
					url: `https://x/${i}.pdf`,
					domain: 'document.invoice',
					batch: true,
				}),
			),
		);
		expect(created.every((r) => r.status === 201)).toBe(true);
		expect(emu.jobsCreated().predictions - before).toBe(1000);
		await sleep(150);
		const list = (await call(emu, 'GET', '/predictions?limit=1000')).json;
		expect(list.filter((p: { status: string }) => p.status === 'completed').length).toBe(1000);
	}, 20_000);
});

import { startEmulator, type Emulator } from './index';
import { call, upload } from './test-helpers';

describe('agents, executions and artifacts', () => {
	let emu: Emulator;
	beforeAll(async () => {
		emu = await startEmulator({ jobMode: 'manual' });
	});
	afterAll(() => emu.close());

	const execute = (body: Record<string, unknown>) =>
		call(emu, 'POST', '/agent/execute', { body: { batch: true, ...body } });

	it('lists seeded agents and looks them up by name[:version], id and prompt', async () => {
		const agents = (await call(emu, 'GET', '/agent')).json;
		expect(agents.length).toBeGreaterThanOrEqual(2);
		const invoice = agents.find((a: { name: string }) => a.name === 'invoice-extractor');
		expect(invoice).toMatchObject({
			status: 'completed',
			prompt: expect.any(String),
			json_schema: { type: 'object' },
			json_sample: expect.any(Object),
		});
		for (const body of [
			{ name: 'invoice-extractor' },
			{ name: 'invoice-extractor:v1' },
			{ id: invoice.id },
			{ prompt: invoice.prompt },
		]) {
			expect((await call(emu, 'POST', '/agent/lookup', { body })).json.id).toBe(invoice.id);
		}
		expect((await call(emu, 'GET', `/agents/${invoice.id}`)).json.name).toBe('invoice-extractor');
		expect((await call(emu, 'GET', '/agents/nope')).json).toEqual({ detail: 'Agent not found' });
		expect((await call(emu, 'POST', '/agent/lookup', { body: { name: 'nobody' } })).status).toBe(
			404,
		);
		expect((await call(emu, 'POST', '/agent/lookup', { body: { name: 'bad name' } })).status).toBe(
			400,
		);
		for (const body of [{}, { name: 'invoice-extractor', id: invoice.id }]) {
			expect((await call(emu, 'POST', '/agent/lookup', { body })).status).toBe(422);
		}
	});

	it('creates agents (prompt required), pending first and completed on read', async () => {
		const missing = await call(emu, 'POST', '/agent/create', { body: { name: 'x', config: {} } });
		expect(missing.json).toEqual({
			detail: [
				{ loc: ['body', 'config', 'prompt'], msg: 'field required', type: 'value_error.missing' },
			],
		});
		const created = await call(emu, 'POST', '/agent/create', {
			body: { name: 'receipt-bot', config: { prompt: 'Read receipts' } },
		});
		expect(created.json).toMatchObject({ name: 'receipt-bot', status: 'pending' });
		expect((await call(emu, 'GET', `/agents/${created.json.id}`)).json.status).toBe('completed');
		const unnamed = await call(emu, 'POST', '/agent/create', {
			body: { config: { prompt: 'Anything' } },
		});
		expect(unnamed.json.name).toEqual(expect.any(String));
	});

	it('validates execute bodies', async () => {
		const batch = await execute({ name: 'invoice-extractor', inputs: {}, batch: false });
		expect(batch.json.detail[0].loc).toEqual(['body', 'batch']);
		const noInputs = await execute({ name: 'invoice-extractor' });
		expect(noInputs.json.detail[0]).toMatchObject({
			loc: ['body', 'inputs'],
			type: 'value_error.missing',
		});
		const toolset = await execute({
			name: 'invoice-extractor',
			inputs: {},
			toolsets: ['core', 'teleport'],
		});
		expect(toolset.json.detail[0]).toMatchObject({
			loc: ['body', 'toolsets', 1],
			type: 'type_error.enum',
		});
		const file = await execute({
			name: 'invoice-extractor',
			inputs: { doc: { type: 'input_file', file_id: 'nope' } },
		});
		expect([file.status, file.json]).toEqual([404, { detail: 'File not found' }]);
		const skill = await execute({
			inputs: {},
			config: { prompt: 'x', skills: [{ type: 'skill_reference', skill_name: 'nope' }] },
		});
		expect([skill.status, skill.json]).toEqual([404, { detail: 'Skill not found' }]);
		const agent = await execute({ name: 'ghost:v9', inputs: {} });
		expect(agent.json).toEqual({ detail: 'Agent not found' });
		const part = await execute({
			name: 'invoice-extractor',
			inputs: { a: { type: 'image_url', image_url: {} } },
		});
		expect(part.json.detail[0].loc).toEqual(['body', 'inputs', 'a', 'image_url', 'url']);
	});

	it('runs an execution through its lifecycle with a schema-shaped response', async () => {
		const file = await upload(emu, 'inv.pdf');
		const created = await execute({
			name: 'invoice-extractor:v1',
			inputs: { invoice: { type: 'input_file', file_id: file.id }, note: 'urgent' },
			toolsets: ['core', 'document'],
		});
		expect(created.status).toBe(201);
		expect(created.json).toMatchObject({
			name: 'invoice-extractor:v1',
			status: 'pending',
			response: null,
			completed_at: null,
			execution_mode: 'batch',
			usage: { elements_processed: null, element_type: null, credits_used: 0 },
		});
		await emu.advanceJob(created.json.id);
		expect((await call(emu, 'GET', `/agent/executions/${created.json.id}`)).json.status).toBe(
			'running',
		);
		await emu.advanceJob(created.json.id);
		const done = (await call(emu, 'GET', `/agent/executions/${created.json.id}`)).json;
		expect(done).toMatchObject({
			status: 'completed',
			response: { invoice_id: expect.any(String), total: expect.any(Number) },
		});
		expect(done.usage.credits_used).toBeGreaterThan(0);
		expect(done.usage.elements_processed).toBe(2);
		expect((await call(emu, 'GET', '/agent/executions/nope')).json).toEqual({
			detail: 'Execution not found',
		});
	});

	it('answers with a summary and input names without a schema', async () => {
		const { id } = (
			await execute({
				inputs: { clip: { type: 'video_url', video_url: { url: 'https://x/v.mp4' } } },
				config: { prompt: 'Describe it' },
			})
		).json;
		await emu.advanceJob(id, 'completed');
		const done = (await call(emu, 'GET', `/agent/executions/${id}`)).json;
		expect(done.response).toEqual({ summary: expect.any(String), inputs: ['clip'] });
		expect(done.usage.element_type).toBe('video');
	});

	it.each([
		['fail-agent name', { name: 'fail-agent', inputs: {} }],
		['prompt marker', { inputs: {}, config: { prompt: 'please emulator-fail now' } }],
	])('fails executions on the %s', async (_label, body) => {
		const { id } = (await execute(body)).json;
		await emu.advanceJob(id);
		await emu.advanceJob(id);
		const res = (await call(emu, 'GET', `/agent/executions/${id}`)).json;
		expect(res).toMatchObject({
			status: 'failed',
			response: null,
			error: expect.stringMatching(/Emulated failure/),
		});
	});

	it('serves artifacts of every kind the prompt mentions', async () => {
		const prompt = 'Make an image, a video, some audio, a document, a 3d reconstruction and a link';
		const { id } = (await execute({ inputs: { topic: 'cats' }, config: { prompt } })).json;
		const pending = await call(emu, 'GET', `/artifacts?object_id=img_000000&execution_id=${id}`);
		expect(pending.status).toBe(404);
		await emu.advanceJob(id, 'completed');
		const { response } = (await call(emu, 'GET', `/agent/executions/${id}`)).json;
		const expected: Record<string, [string, string, string]> = {
			image: ['img', 'image/png', '\x89PNG'],
			video: ['vid', 'video/mp4', '\x00\x00\x00'],
			audio: ['aud', 'audio/mpeg', 'ID3'],
			document: ['doc', 'application/pdf', '%PDF-'],
			reconstruction: ['recon', 'application/octet-stream', '\x1f\x8b'],
			link: ['url', 'text/plain', 'http://'],
		};
		for (const [kind, [prefix, type, magic]] of Object.entries(expected)) {
			const ref = response.artifacts[kind].id;
			expect(ref).toMatch(new RegExp(`^${prefix}_[0-9a-f]{6}$`));
			const res = await fetch(`${emu.baseUrl}/artifacts?object_id=${ref}&execution_id=${id}`, {
				headers: { Authorization: `Bearer ${emu.apiKey}` },
			});
			expect(res.status).toBe(200);
			expect(res.headers.get('content-type')).toContain(type);
			const bytes = Buffer.from(await res.arrayBuffer());
			expect(bytes.subarray(0, magic.length).toString('latin1')).toBe(magic);
			if (kind === 'link') {
				const target = await fetch(bytes.toString('utf8'));
				expect(target.headers.get('content-type')).toBe('image/png');
			}
			if (kind === 'document') expect(bytes.toString('latin1')).toMatch(/%%EOF\n$/);
		}
		const list = (await call(emu, 'GET', `/artifacts/list?execution_id=${id}`)).json;
		expect(list.namespace_id).toBe(id);
		expect(list.items).toHaveLength(6);
		expect(list.items[0]).toEqual({
			object_id: expect.any(String),
			filename: expect.any(String),
			source: 'store',
		});
	});

	it('validates artifact queries', async () => {
		const neither = await call(emu, 'GET', '/artifacts?object_id=img_123456');
		expect(neither.status).toBe(422);
		const both = await call(
			emu,
			'GET',
			'/artifacts?object_id=img_123456&session_id=a&execution_id=b',
		);
		expect(both.status).toBe(422);
		const noObject = await call(emu, 'GET', '/artifacts?session_id=a');
		expect(noObject.json.detail[0]).toMatchObject({ loc: ['query', 'object_id'] });
		const unknown = await call(emu, 'GET', '/artifacts?object_id=img_123456&session_id=a');
		expect([unknown.status, unknown.json]).toEqual([404, { detail: 'Artifact not found' }]);
	});

	it('accepts the legacy execute shape', async () => {
		const created = await execute({
			name: 'video-summarizer',
			version: 'v1',
			urls: ['https://x/v.mp4'],
		});
		expect(created.status).toBe(201);
		expect(created.json.name).toBe('video-summarizer:v1');
	});

	it('lists executions newest first and enforces limit bounds', async () => {
		const list = (await call(emu, 'GET', '/agent/executions?limit=2')).json;
		expect(list).toHaveLength(2);
		expect(Date.parse(list[0].created_at)).toBeGreaterThanOrEqual(Date.parse(list[1].created_at));
		expect((await call(emu, 'GET', '/agent/executions?limit=1001')).status).toBe(422);
	});
});

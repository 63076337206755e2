import { startEmulator, type Emulator } from './index';
import { call } from './test-helpers';

const PNG = 'data:image/png;base64,iVBORw0KGgo=';

describe('generate and predictions', () => {
	let emu: Emulator;
	beforeAll(async () => {
		emu = await startEmulator();
	});
	afterAll(() => emu.close());

	const generate = (route: string, body: unknown) => call(emu, 'POST', route, { body });

	it('completes batch:false at once with 201 and the canned invoice', async () => {
		const res = await generate('/document/generate', {
			url: 'https://example.com/a.pdf',
			domain: 'document.invoice',
			batch: false,
		});
		expect(res.status).toBe(201);
		expect(res.json).toMatchObject({
			status: 'completed',
			domain: 'document.invoice',
			message: null,
		});
		expect(res.json.completed_at).toEqual(expect.any(String));
		expect(res.json.usage).toMatchObject({ element_type: 'page', elements_processed: 1 });
		expect(res.json.usage.credits_used).toBeGreaterThan(0);
		const r = res.json.response;
		expect(Object.keys(r)).toEqual(
			expect.arrayContaining([
				'invoice_id',
				'invoice_issue_date',
				'customer',
				'customer_email',
				'items',
				'subtotal',
				'tax',
				'total',
			]),
		);
		expect(r.items[0]).toEqual({
			description: expect.any(String),
			quantity: expect.any(Number),
			unit_price: expect.any(Number),
			total: expect.any(Number),
		});
	});

	it.each([
		['/image/generate', { images: [PNG], domain: 'image.caption' }, ['caption', 'tags'], 'image'],
		[
			'/audio/generate',
			{ url: 'https://x/a.mp3', domain: 'audio.transcription' },
			['metadata', 'segments'],
			'audio',
		],
		[
			'/video/generate',
			{ url: 'https://x/v.mp4', domain: 'video.transcription' },
			['metadata', 'segments'],
			'video',
		],
		[
			'/document/generate',
			{ url: 'https://x/r.pdf', domain: 'document.receipt' },
			['merchant_name', 'total'],
			'page',
		],
		[
			'/document/generate',
			{ url: 'https://x/r.pdf', domain: 'document.resume' },
			['contact_info', 'skills'],
			'page',
		],
		[
			'/document/generate',
			{ url: 'https://x/r.pdf', domain: 'document.us-drivers-license' },
			['license_number'],
			'page',
		],
		[
			'/document/generate',
			{ url: 'https://x/r.pdf', domain: 'healthcare.patient-referral' },
			['patient_name'],
			'page',
		],
	])('%s returns the %j fixture', async (route, body, keys, elementType) => {
		const res = await generate(route, { ...body, batch: false });
		expect(res.status).toBe(201);
		expect(Object.keys(res.json.response)).toEqual(expect.arrayContaining(keys));
		expect(res.json.usage.element_type).toBe(elementType);
	});

	it('shapes video segments with audio and video content', async () => {
		const res = await generate('/video/generate', {
			url: 'https://x/v.mp4',
			domain: 'video.transcription',
			batch: false,
		});
		expect(res.json.response.segments[0]).toEqual({
			start_time: expect.any(Number),
			end_time: expect.any(Number),
			audio: { content: expect.any(String) },
			video: { content: expect.any(String) },
		});
	});

	it('synthesises from config.json_schema with confidence and grounding metadata', async () => {
		const json_schema = {
			type: 'object',
			properties: {
				invoice_id: { type: 'string' },
				total: { type: 'number' },
				paid: { type: 'boolean' },
				currency: { type: 'string', enum: ['USD', 'EUR'] },
				lines: {
					type: 'array',
					items: { type: 'object', properties: { qty: { type: 'integer' } } },
				},
				vendor: { $ref: '#/$defs/Vendor' },
			},
			$defs: { Vendor: { type: 'object', properties: { name: { type: 'string' } } } },
		};
		const res = await generate('/document/generate', {
			url: 'https://x/a.pdf',
			domain: 'document.invoice',
			batch: false,
			config: { json_schema, confidence: true, grounding: true },
		});
		const r = res.json.response;
		expect(r).toMatchObject({
			total: expect.any(Number),
			paid: true,
			currency: 'USD',
			lines: [{ qty: 1 }],
			vendor: { name: expect.any(String) },
		});
		expect(typeof r.invoice_id).toBe('string');
		expect(r.invoice_id_metadata).toEqual({
			confidence: 'hi',
			bboxes: [{ xywh: [0.6, 0.08, 0.34, 0.045], page: 0 }],
		});
		// Fields an invoice does not print stack down the page, each in its own box.
		expect(r.paid_metadata.bboxes).toEqual([{ xywh: [0.1, 0.25, 0.35, 0.05], page: 0 }]);
		expect(Object.keys(r).filter((k) => !k.endsWith('_metadata'))).toEqual(
			Object.keys(json_schema.properties),
		);
	});

	it('returns one markdown page per page index', async () => {
		const res = await generate('/document/generate', {
			url: 'https://x/a.pdf',
			domain: 'document.markdown',
			batch: false,
			config: { page_indices: [0, 2, 5] },
		});
		expect(res.json.response.pages).toHaveLength(3);
		expect(res.json.usage.elements_processed).toBe(3);
		expect(emu.requests({ path: '/document/generate' }).slice(-1)[0].body).toMatchObject({
			config: { page_indices: [0, 2, 5] },
		});
	});

	it('accepts config.skills instead of domain', async () => {
		const res = await generate('/document/generate', {
			url: 'https://x/a.pdf',
			batch: false,
			config: { skills: [{ skill_name: 'invoice-extraction', version: 'latest' }] },
		});
		expect(res.status).toBe(201);
		expect(res.json.domain).toBeNull();
		expect(res.json.response.invoice_id).toEqual(expect.any(String));
		const unknown = await generate('/document/generate', {
			url: 'https://x/a.pdf',
			config: { skills: [{ skill_name: 'nope' }] },
		});
		expect([unknown.status, unknown.json]).toEqual([404, { detail: 'Skill not found' }]);
	});

	it('validates generate bodies with FastAPI 422 shapes', async () => {
		const missingSource = await generate('/document/generate', { domain: 'document.invoice' });
		expect(missingSource.json).toEqual({
			detail: [{ loc: ['body', 'file_id'], msg: 'field required', type: 'value_error.missing' }],
		});
		const both = await generate('/document/generate', {
			domain: 'document.invoice',
			file_id: 'a',
			url: 'https://x',
		});
		expect(both.status).toBe(422);
		const noImages = await generate('/image/generate', { domain: 'image.caption' });
		expect(noImages.json.detail[0]).toMatchObject({
			loc: ['body', 'images'],
			type: 'value_error.missing',
		});
		const noDomain = await generate('/audio/generate', { url: 'https://x/a.mp3' });
		expect(noDomain.json.detail[0]).toMatchObject({
			loc: ['body', 'domain'],
			msg: 'field required',
		});
		const badModel = await generate('/document/generate', {
			url: 'https://x/a.pdf',
			domain: 'document.invoice',
			model: 'gpt',
		});
		expect(badModel.json.detail[0]).toMatchObject({
			loc: ['body', 'model'],
			type: 'type_error.enum',
		});
		const badDetail = await generate('/image/generate', {
			images: [PNG],
			domain: 'image.caption',
			config: { detail: 'ultra' },
		});
		expect(badDetail.json.detail[0].loc).toEqual(['body', 'config', 'detail']);
	});

	it('answers 404 for unknown files and domains', async () => {
		const file = await generate('/document/generate', {
			file_id: 'missing',
			domain: 'document.invoice',
		});
		expect([file.status, file.json]).toEqual([404, { detail: 'File not found' }]);
		const domain = await generate('/document/generate', {
			url: 'https://x/a.pdf',
			domain: 'document.nope',
		});
		expect([domain.status, domain.json]).toEqual([404, { detail: 'Domain not found' }]);
		const prediction = await call(emu, 'GET', '/predictions/nope');
		expect([prediction.status, prediction.json]).toEqual([404, { detail: 'Prediction not found' }]);
	});

	it('defaults batch to true for documents and false for images', async () => {
		expect(
			(await generate('/document/generate', { url: 'https://x/a.pdf', domain: 'document.invoice' }))
				.json.status,
		).toBe('pending');
		expect(
			(await generate('/image/generate', { images: [PNG], domain: 'image.caption' })).json.status,
		).toBe('completed');
	});

	// The official Node SDK's schema() returns the response of one POST as the finished schema
	// (status completed, response a SchemaResponse), with no batch flag and no polling.
	it.each([
		['/document/schema', { url: 'https://x/a.pdf' }, 'document.invoice'],
		['/audio/schema', { url: 'https://x/a.mp3' }, 'audio.transcription'],
		['/video/schema', { url: 'https://x/a.mp4' }, 'video.transcription'],
	])('%s answers with the finished schema at once', async (route, body, domain) => {
		emu.clearRequests();
		const res = await generate(route, body);
		expect(res.status).toBe(201);
		expect(res.json).toMatchObject({ status: 'completed', completed_at: expect.any(String) });
		expect(res.json.response).toMatchObject({
			domain: expect.stringMatching(new RegExp(`^${domain.split('.')[0]}\\.`)),
			json_schema: { type: 'object' },
			schema_hash: expect.any(String),
		});
		expect(emu.requests({ method: 'GET', path: /^\/predictions\// })).toEqual([]);
	});

	it('serves the schema and legacy execute routes', async () => {
		const schema = await generate('/image/schema', { images: [PNG] });
		expect(schema.status).toBe(201);
		expect(schema.json.response).toMatchObject({
			domain: 'image.caption',
			json_schema: { type: 'object' },
		});
		const exec = await generate('/document/execute', {
			name: 'invoice-extractor',
			url: 'https://x/a.pdf',
			batch: false,
		});
		expect(exec.json.response).toEqual({
			invoice_id: expect.any(String),
			customer: expect.any(String),
			total: expect.any(Number),
		});
		const unknown = await generate('/document/execute', { name: 'nobody', url: 'https://x/a.pdf' });
		expect([unknown.status, unknown.json]).toEqual([404, { detail: 'Agent not found' }]);
	});
});

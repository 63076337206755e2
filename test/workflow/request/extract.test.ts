import type { IDataObject } from 'n8n-workflow';

import { VlmRunRequest } from '../../../nodes/VlmRun/VlmRunRequest.node';
import { createBinaryItem, runNode } from '../harness';
import { fixture, useEmulator, vlmNode } from '../vlmrun';

const env = useEmulator();
const nodeTypes = [VlmRunRequest];

function extractNode(parameters: IDataObject, extra = {}) {
	return vlmNode(
		'vlmRunRequest',
		{ resource: 'prediction', operation: 'extract', ...parameters },
		extra,
	);
}

async function run(
	parameters: IDataObject,
	inputItems: Awaited<ReturnType<typeof createBinaryItem>>[],
	extra = {},
) {
	return await runNode(extractNode(parameters, extra), {
		nodeTypes,
		inputItems,
		credentials: env.credentials(),
	});
}

describe('Extract from binary files', () => {
	it('uploads a PDF, asks document/generate for the domain and outputs the fields with a vlmrun summary', async () => {
		const item = await createBinaryItem({ data: fixture('invoice-1.pdf') });
		const result = await run({ domain: { __rl: true, mode: 'list', value: 'document.invoice' } }, [
			item,
		]);

		expect(result.status).toBe('success');
		const [upload] = env.emulator.requests({ method: 'POST', path: '/files' });
		expect(upload.query.purpose).toBe('assistants');
		const [generate] = env.emulator.requests({ method: 'POST', path: '/document/generate' });
		const body = generate.body as IDataObject;
		expect(body).toMatchObject({
			model: 'vlm-1',
			domain: 'document.invoice',
			// A one-page PDF is answered within the request: upload and generate, no status poll.
			batch: false,
			metadata: { allow_training: false },
		});
		expect(env.emulator.requests().map((entry) => `${entry.method} ${entry.path}`)).toEqual([
			'POST /files',
			'POST /document/generate',
		]);
		expect(typeof body.file_id).toBe('string');
		expect(body.url).toBeUndefined();
		expect(generate.headers['x-client-id']).toMatch(/^n8n-nodes-vlmrun\//);

		expect(result.items).toHaveLength(1);
		const json = result.items[0].json as IDataObject;
		expect(json).toHaveProperty('invoice_id');
		expect(json).toHaveProperty('total');
		expect(json.vlmrun).toMatchObject({
			status: 'completed',
			domain: 'document.invoice',
			fileName: 'invoice-1.pdf',
			mimeType: 'application/pdf',
			binaryProperty: 'data',
			modality: 'document',
		});
		expect((json.vlmrun as IDataObject).predictionId).toMatch(/^[0-9a-f-]{36}$/);
		expect(result.items[0].pairedItem).toEqual({ item: 0 });
	});

	it('sends images inline as data URLs to image/generate', async () => {
		const item = await createBinaryItem({ photo: fixture('receipt.png') });
		await run(
			{
				binaryPropertyName: 'photo',
				domain: { __rl: true, mode: 'id', value: 'document.receipt' },
			},
			[item],
		);

		expect(env.emulator.requests({ method: 'POST', path: '/files' })).toHaveLength(0);
		const [generate] = env.emulator.requests({ method: 'POST', path: '/image/generate' });
		const images = (generate.body as IDataObject).images as string[];
		expect(images).toHaveLength(1);
		expect(images[0].startsWith('data:image/png;base64,')).toBe(true);
		expect(Buffer.from(images[0].split(',')[1], 'base64')).toEqual(fixture('receipt.png').data);
	});

	it('turns every attachment of an item into its own prediction and output, in order', async () => {
		const email = await createBinaryItem(
			{
				attachment_0: fixture('invoice-1.pdf'),
				attachment_1: fixture('receipt.png'),
				attachment_2: fixture('memo.mp3'),
			},
			{ subject: 'Three files' },
		);
		const result = await run(
			{
				binarySelection: 'all',
				schemaSource: 'fields',
				fields: { field: [{ name: 'summary', type: 'string' }] },
			},
			[email],
		);

		expect(result.items.map((item) => (item.json.vlmrun as IDataObject).binaryProperty)).toEqual([
			'attachment_0',
			'attachment_1',
			'attachment_2',
		]);
		expect(result.items.map((item) => (item.json.vlmrun as IDataObject).modality)).toEqual([
			'document',
			'image',
			'audio',
		]);
		expect(
			result.items.every((item) => JSON.stringify(item.pairedItem) === JSON.stringify({ item: 0 })),
		).toBe(true);
		expect(env.emulator.requests({ method: 'POST', path: '/document/generate' })).toHaveLength(1);
		expect(env.emulator.requests({ method: 'POST', path: '/image/generate' })).toHaveLength(1);
		const [audio] = env.emulator.requests({ method: 'POST', path: '/audio/generate' });
		expect(audio.body).toMatchObject({
			domain: 'audio.transcription',
			config: { json_schema: { type: 'object', properties: { summary: { type: 'string' } } } },
		});
		expect(result.items.every((item) => typeof item.json.summary === 'string')).toBe(true);
	});

	it('uses the domain of each file type when given, and the main domain for the rest', async () => {
		const email = await createBinaryItem({
			invoice: fixture('invoice-1.pdf'),
			photo: fixture('receipt.png'),
			memo: fixture('memo.mp3'),
		});
		const result = await run(
			{
				binarySelection: 'all',
				domain: { __rl: true, mode: 'id', value: 'document.invoice' },
				options: {
					domainsByType: {
						rule: [
							{ modality: 'image', domain: 'document.receipt' },
							{ modality: 'audio', domain: 'audio.transcription' },
						],
					},
				},
			},
			[email],
		);
		expect(
			env.emulator.requests({ method: 'POST', path: '/document/generate' })[0].body,
		).toMatchObject({ domain: 'document.invoice' });
		expect(
			env.emulator.requests({ method: 'POST', path: '/image/generate' })[0].body,
		).toMatchObject({ domain: 'document.receipt' });
		expect(
			env.emulator.requests({ method: 'POST', path: '/audio/generate' })[0].body,
		).toMatchObject({ domain: 'audio.transcription' });
		expect(result.items.map((item) => (item.json.vlmrun as IDataObject).domain)).toEqual([
			'document.invoice',
			'document.receipt',
			'audio.transcription',
		]);
		expect(result.items[0].json).toHaveProperty('invoice_id');
		expect(result.items[2].json).toHaveProperty('segments');
	});

	it('keeps the input item untouched and can pass its binary through', async () => {
		const item = await createBinaryItem({ data: fixture('invoice-2.pdf') }, { keep: 'me' });
		const snapshot = JSON.stringify(item);
		const result = await run(
			{
				domain: { __rl: true, mode: 'id', value: 'document.invoice' },
				options: { includeInputBinary: true },
			},
			[item],
		);
		expect(JSON.stringify(item)).toBe(snapshot);
		expect(result.items[0].binary?.data?.fileName).toBe('invoice-2.pdf');
		expect(await result.binaryData(result.items[0], 'data')).toEqual(fixture('invoice-2.pdf').data);
	});

	it('sends the extraction options in config and metadata', async () => {
		const item = await createBinaryItem({ data: fixture('invoice-1.pdf') });
		const result = await run(
			{
				domain: { __rl: true, mode: 'id', value: 'document.invoice' },
				schemaSource: 'json',
				jsonSchema:
					'{"type":"object","properties":{"invoice_id":{"type":"string"},"total":{"type":"number"}}}',
				options: {
					confidence: true,
					grounding: true,
					pages: '1-3,5',
					detail: 'hi',
					serviceTier: 'flex',
					gqlStmt: '{ invoice_id total }',
					allowTraining: true,
				},
			},
			[item],
		);
		const [generate] = env.emulator.requests({ method: 'POST', path: '/document/generate' });
		expect(generate.body).toMatchObject({
			domain: 'document.invoice',
			config: {
				json_schema: {
					type: 'object',
					properties: { invoice_id: { type: 'string' }, total: { type: 'number' } },
				},
				confidence: true,
				grounding: true,
				page_indices: [0, 1, 2, 4],
				detail: 'hi',
				service_tier: 'flex',
				gql_stmt: '{ invoice_id total }',
			},
			metadata: { allow_training: true },
		});
		const json = result.items[0].json as IDataObject;
		expect(json.invoice_id_metadata).toMatchObject({
			confidence: expect.any(String),
			bboxes: expect.any(Array),
		});
	});

	it('can output the full prediction object', async () => {
		const item = await createBinaryItem({ data: fixture('invoice-1.pdf') });
		const result = await run(
			{
				domain: { __rl: true, mode: 'id', value: 'document.invoice' },
				options: { output: 'full' },
			},
			[item],
		);
		expect(result.items[0].json).toMatchObject({
			id: expect.any(String),
			status: 'completed',
			response: expect.objectContaining({ invoice_id: expect.anything() }),
			usage: expect.objectContaining({ credits_used: expect.any(Number) }),
			vlmrun: expect.objectContaining({
				status: 'completed',
				fileName: 'invoice-1.pdf',
				modality: 'document',
			}),
		});
		const json = result.items[0].json;
		expect((json.vlmrun as IDataObject).predictionId).toBe(json.id);
		expect(json.source).toBeUndefined();
	});
});

describe('Extract from URLs', () => {
	it('sends image URLs through images and other files through url', async () => {
		const result = await run(
			{
				inputSource: 'url',
				urls: 'https://files.example.com/a.png, https://files.example.com/b.pdf',
				domain: { __rl: true, mode: 'id', value: 'document.invoice' },
			},
			[{ json: {} }],
		);
		expect(result.items).toHaveLength(2);
		expect(
			env.emulator.requests({ method: 'POST', path: '/image/generate' })[0].body,
		).toMatchObject({
			images: ['https://files.example.com/a.png'],
		});
		expect(
			env.emulator.requests({ method: 'POST', path: '/document/generate' })[0].body,
		).toMatchObject({
			url: 'https://files.example.com/b.pdf',
		});
		expect(result.items[1].json.vlmrun).toMatchObject({
			url: 'https://files.example.com/b.pdf',
			modality: 'document',
		});
	});

	it('uses the chosen modality when the URL has no extension', async () => {
		await run(
			{
				inputSource: 'url',
				urls: 'https://files.example.com/download?id=7',
				modality: 'video',
				domain: { __rl: true, mode: 'id', value: 'video.transcription' },
			},
			[{ json: {} }],
		);
		expect(
			env.emulator.requests({ method: 'POST', path: '/video/generate' })[0].body,
		).toMatchObject({
			url: 'https://files.example.com/download?id=7',
			domain: 'video.transcription',
		});
	});
});

describe('Per-item parameters', () => {
	it('reads the domain of every item from its own expression', async () => {
		const items = [
			await createBinaryItem({ data: fixture('invoice-1.pdf') }, { kind: 'document.invoice' }),
			await createBinaryItem({ data: fixture('contract.pdf') }, { kind: 'document.markdown' }),
		];
		const result = await run(
			{ domain: { __rl: true, mode: 'id', value: '={{ $json.kind }}' } },
			items,
		);
		const domains = env.emulator
			.requests({ method: 'POST', path: '/document/generate' })
			.map((call) => (call.body as IDataObject).domain);
		expect(domains.sort()).toEqual(['document.invoice', 'document.markdown']);
		expect(result.items.map((item) => (item.json.vlmrun as IDataObject).domain)).toEqual([
			'document.invoice',
			'document.markdown',
		]);
		expect(result.items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
	});
});

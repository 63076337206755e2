import { createHash } from 'node:crypto';

import type { IDataObject } from 'n8n-workflow';

import { createBinaryItem } from '../harness';
import { fixture, useEmulator } from '../vlmrun';
import { executeBodies, pdfItem, run, runParams, vlmrunOf } from './execution';

const env = useEmulator();
jest.setTimeout(30_000);

describe('Execution → Run: the request', () => {
	it('uploads each binary field and passes it as a named input_file, keeping the file name in the output', async () => {
		const item = await createBinaryItem({
			id_card: fixture('id-card.png'),
			'bank statement': fixture('invoice-2.pdf'),
		});
		const result = await run(env.credentials(), runParams({ binarySelection: 'all' }), [item]);
		expect(result.status).toBe('success');
		const uploads = env.emulator.requests({ method: 'POST', path: '/files' });
		expect(uploads).toHaveLength(2);
		const [body] = executeBodies(env.emulator);
		const inputs = body.inputs as Record<string, IDataObject>;
		expect(Object.keys(inputs).sort()).toEqual(['bank_statement', 'id_card']);
		expect(inputs.id_card).toEqual({ type: 'input_file', file_id: expect.any(String) });
		expect(body).toMatchObject({
			model: 'vlmrun-orion-1:auto',
			batch: true,
			config: { prompt: 'Summarise the package.' },
		});
		expect(body).not.toHaveProperty('toolsets');
		expect(body).not.toHaveProperty('name');

		const summary = vlmrunOf(result.items[0]).inputs as IDataObject[];
		expect(summary).toEqual(
			expect.arrayContaining([
				expect.objectContaining({
					name: 'id_card',
					type: 'file',
					fileName: 'id-card.png',
					binaryProperty: 'id_card',
					itemIndex: 0,
				}),
				expect.objectContaining({
					name: 'bank_statement',
					type: 'file',
					fileName: 'invoice-2.pdf',
					binaryProperty: 'bank statement',
				}),
			]),
		);
		expect(summary.find((input) => input.name === 'id_card')?.fileId).toBe(inputs.id_card.file_id);
	});

	it('adds URL inputs (image_url for images, file_url otherwise) and text inputs as plain strings', async () => {
		const result = await run(
			env.credentials(),
			runParams({
				binarySelection: 'none',
				urlInputs: {
					input: [
						{ name: 'photo', url: 'https://example.com/damage/rear.jpg' },
						{ name: 'policy', url: 'https://example.com/policy.pdf' },
					],
				},
				textInputs: { input: [{ name: 'email_body', value: 'Please process my claim.' }] },
			}),
		);
		expect(result.status).toBe('success');
		expect(env.emulator.requests({ method: 'POST', path: '/files' })).toHaveLength(0);
		expect(executeBodies(env.emulator)[0].inputs).toEqual({
			photo: { type: 'image_url', image_url: { url: 'https://example.com/damage/rear.jpg' } },
			policy: { type: 'file_url', file_url: { url: 'https://example.com/policy.pdf' } },
			email_body: 'Please process my claim.',
		});
		expect(vlmrunOf(result.items[0]).inputs).toEqual([
			{ name: 'photo', type: 'url', url: 'https://example.com/damage/rear.jpg' },
			{ name: 'policy', type: 'url', url: 'https://example.com/policy.pdf' },
			{ name: 'email_body', type: 'text' },
		]);
	});

	it('a binary field named like a typed input gets a suffix instead of overwriting it', async () => {
		const result = await run(
			env.credentials(),
			runParams({ textInputs: { input: [{ name: 'data', value: 'a note' }] } }),
			[await pdfItem()],
		);
		expect(result.status).toBe('success');
		const inputs = executeBodies(env.emulator)[0].inputs as IDataObject;
		expect(inputs.data).toBe('a note');
		expect(inputs.data_2).toEqual({ type: 'input_file', file_id: expect.any(String) });
	});

	it('sends skills as skill_reference objects (latest or pinned), toolsets and the model variant', async () => {
		const result = await run(
			env.credentials(),
			runParams({
				skills: {
					skill: [
						{ skill: { __rl: true, mode: 'list', value: 'invoice-extraction' }, version: '' },
						{
							skill: { __rl: true, mode: 'name', value: 'receipt-extraction' },
							version: '20260219-0c0ffee1',
						},
					],
				},
				toolsets: ['document', 'web'],
				model: 'vlmrun-orion-1:pro',
			}),
			[await pdfItem()],
		);
		expect(result.status).toBe('success');
		const [body] = executeBodies(env.emulator);
		expect(body.model).toBe('vlmrun-orion-1:pro');
		expect(body.toolsets).toEqual(['document', 'web']);
		expect((body.config as IDataObject).skills).toEqual([
			{ type: 'skill_reference', skill_name: 'invoice-extraction', skill_version: 'latest' },
			{
				type: 'skill_reference',
				skill_name: 'receipt-extraction',
				skill_version: '20260219-0c0ffee1',
			},
		]);
		expect(
			env.emulator.requests({ method: 'POST', path: '/skills/lookup' }).map((r) => r.body),
		).toEqual([
			{ name: 'invoice-extraction' },
			{ name: 'receipt-extraction', skill_version: '20260219-0c0ffee1' },
		]);
		expect(vlmrunOf(result.items[0]).model).toBe('vlmrun-orion-1:pro');
	});

	it.each(['vlmrun-orion-1:auto', 'vlmrun-orion-1:fast', 'vlmrun-orion-1:lite'])(
		'sends model %s',
		async (model) => {
			const result = await run(env.credentials(), runParams({ model, binarySelection: 'none' }));
			expect(result.status).toBe('success');
			expect(executeBodies(env.emulator)[0].model).toBe(model);
		},
	);

	it('looks each skill up once per node run, however many items use it', async () => {
		const items = [await pdfItem(), await pdfItem('invoice-2.pdf'), await pdfItem('contract.pdf')];
		const skills = {
			skill: [{ skill: { __rl: true, mode: 'name', value: 'invoice-extraction' }, version: '' }],
		};
		const result = await run(env.credentials(), runParams({ skills }), items);
		expect(result.status).toBe('success');
		expect(env.emulator.requests({ method: 'POST', path: '/skills/lookup' })).toHaveLength(1);
		expect(executeBodies(env.emulator)).toHaveLength(3);
	});

	it('runs an existing agent by name, with its own config, and a JSON schema only in prompt mode', async () => {
		const result = await run(
			env.credentials(),
			runParams({
				agentSource: 'agent',
				agent: { __rl: true, mode: 'list', value: 'invoice-extractor' },
				schemaSource: 'json',
				jsonSchema: '{"type":"object"}',
			}),
			[await pdfItem()],
		);
		expect(result.status).toBe('success');
		expect(env.emulator.requests({ method: 'POST', path: '/agent/lookup' })[0].body).toEqual({
			name: 'invoice-extractor',
		});
		const [body] = executeBodies(env.emulator);
		expect(body.name).toBe('invoice-extractor');
		expect(body).not.toHaveProperty('config');
		expect(vlmrunOf(result.items[0]).agentName).toBe('invoice-extractor:v1');
		expect(result.items[0].json).toHaveProperty('invoice_id');
	});

	it('passes the output schema from JSON or from the Fields builder and puts the response at the top level', async () => {
		const fields = {
			field: [
				{ name: 'applicant', type: 'string', required: true },
				{ name: 'income', type: 'number' },
			],
		};
		const result = await run(env.credentials(), runParams({ schemaSource: 'fields', fields }), [
			await pdfItem(),
		]);
		expect(result.status).toBe('success');
		expect((executeBodies(env.emulator)[0].config as IDataObject).json_schema).toEqual({
			type: 'object',
			properties: { applicant: { type: 'string' }, income: { type: 'number' } },
			required: ['applicant'],
		});
		const { json } = result.items[0];
		expect(typeof json.applicant).toBe('string');
		expect(typeof json.income).toBe('number');
		expect(json.vlmrun).toMatchObject({
			executionId: expect.any(String),
			status: 'completed',
			creditsUsed: expect.any(Number),
		});

		env.emulator.clearRequests();
		const schema = '{"type":"object","properties":{"approved":{"type":"boolean"}}}';
		const second = await run(
			env.credentials(),
			runParams({ schemaSource: 'json', jsonSchema: schema }),
			[await pdfItem()],
		);
		expect((executeBodies(env.emulator)[0].config as IDataObject).json_schema).toEqual(
			JSON.parse(schema),
		);
		expect(typeof second.items[0].json.approved).toBe('boolean');
	});

	it('Full Execution output gives the whole execution object', async () => {
		const result = await run(env.credentials(), runParams({ options: { output: 'full' } }), [
			await pdfItem(),
		]);
		expect(result.items[0].json).toMatchObject({
			id: expect.any(String),
			status: 'completed',
			response: expect.any(Object),
			usage: expect.any(Object),
		});
	});
});

describe('Execution → Run: grouping', () => {
	it('One per Item starts one execution per input item, each paired to its item', async () => {
		const items = [
			await pdfItem('invoice-1.pdf'),
			await pdfItem('invoice-2.pdf'),
			await pdfItem('contract.pdf'),
		];
		const result = await run(env.credentials(), runParams(), items);
		expect(result.status).toBe('success');
		expect(executeBodies(env.emulator)).toHaveLength(3);
		expect(result.items.map((item) => item.pairedItem)).toEqual([
			{ item: 0 },
			{ item: 1 },
			{ item: 2 },
		]);
		expect(env.emulator.jobsCreated().executions).toBeGreaterThanOrEqual(3);
	});

	it("One for All Items puts every item's files into one execution whose output pairs to all items", async () => {
		const items = [
			await pdfItem('invoice-1.pdf'),
			await pdfItem('invoice-2.pdf'),
			await pdfItem('contract.pdf'),
		];
		const result = await run(env.credentials(), runParams({ grouping: 'allItems' }), items);
		expect(result.status).toBe('success');
		const bodies = executeBodies(env.emulator);
		expect(bodies).toHaveLength(1);
		const inputs = bodies[0].inputs as Record<string, IDataObject>;
		expect(Object.keys(inputs)).toEqual(['data', 'data_2', 'data_3']);
		expect(result.items).toHaveLength(1);
		expect(result.items[0].pairedItem).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		const summary = vlmrunOf(result.items[0]).inputs as IDataObject[];
		expect(summary.map((input) => [input.name, input.fileName, input.itemIndex])).toEqual([
			['data', 'invoice-1.pdf', 0],
			['data_2', 'invoice-2.pdf', 1],
			['data_3', 'contract.pdf', 2],
		]);
	});
});

describe('Execution → Run: Reuse Uploaded Files', () => {
	/** A PDF of 1 MiB and more, the size from which files are looked up before an upload. */
	const big = Buffer.concat([
		fixture('invoice-1.pdf').data as Buffer,
		Buffer.alloc(1024 * 1024, 0x20),
	]);
	const md5 = createHash('md5').update(big).digest('hex');
	const bigItem = async (fileName: string) =>
		await createBinaryItem({ data: { data: big, fileName, mimeType: 'application/pdf' } });
	const calls = () =>
		env.emulator
			.requests()
			.map((entry) => `${entry.method} ${entry.path}`)
			.filter((call) => !call.startsWith('GET /agent/executions/'));

	it('uploads a big file once, then passes the file VLM Run already has (same MD5)', async () => {
		const first = await run(env.credentials(), runParams(), [await bigItem('big.pdf')]);
		expect(first.status).toBe('success');
		expect(calls()).toEqual([`GET /files/hash/${md5}`, 'POST /files', 'POST /agent/execute']);
		const uploadedId = (vlmrunOf(first.items[0]).inputs as IDataObject[])[0].fileId;

		env.emulator.clearRequests();
		const second = await run(env.credentials(), runParams(), [await bigItem('big-again.pdf')]);
		expect(second.status).toBe('success');
		expect(calls()).toEqual([`GET /files/hash/${md5}`, 'POST /agent/execute']);
		const [body] = executeBodies(env.emulator);
		expect(body.inputs).toEqual({ data: { type: 'input_file', file_id: uploadedId } });
		expect(vlmrunOf(second.items[0])).toMatchObject({ status: 'completed' });
	});

	it('uploads without a lookup when the option is off', async () => {
		const result = await run(env.credentials(), runParams({ options: { reuseUploads: false } }), [
			await bigItem('big.pdf'),
		]);
		expect(result.status).toBe('success');
		expect(calls()).toEqual(['POST /files', 'POST /agent/execute']);
	});
});

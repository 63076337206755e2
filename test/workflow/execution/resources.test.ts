import type { IDataObject } from 'n8n-workflow';

import { zipArchive } from '../../emulator/binaries';
import { createBinaryItem, readBinary } from '../harness';
import { useEmulator } from '../vlmrun';
import { run, runParams } from './execution';

const env = useEmulator();
jest.setTimeout(30_000);

const bundle = (name: string, text = 'Check every page.') =>
	createBinaryItem({
		data: {
			data: zipArchive({
				'SKILL.md': `---\nname: ${name}\ndescription: test\n---\n# ${name}\n${text}\n`,
			}),
			fileName: `${name}.zip`,
			mimeType: 'application/zip',
		},
	});

const byName = (value: string) => ({ __rl: true, mode: 'name', value });

describe('Execution → Get Many', () => {
	it('lists executions with a limit, or all of them page by page', async () => {
		for (let n = 0; n < 3; n++)
			await run(
				env.credentials(),
				runParams({ binarySelection: 'none', completion: 'submitOnly' }),
			);
		env.emulator.clearRequests();
		const limited = await run(env.credentials(), {
			resource: 'execution',
			operation: 'list',
			limit: 2,
		});
		expect(limited.items).toHaveLength(2);
		expect(env.emulator.requests({ path: '/agent/executions' })[0].query).toEqual({
			skip: '0',
			limit: '2',
		});
		const all = await run(env.credentials(), {
			resource: 'execution',
			operation: 'list',
			returnAll: true,
		});
		expect(all.items.length).toBeGreaterThanOrEqual(3);
		expect(all.items[0].json).toMatchObject({ id: expect.any(String), status: expect.any(String) });
	});

	it('Get Execution without waiting outputs the execution as it is', async () => {
		env.emulator.configure({ jobMode: 'manual' });
		const submitted = await run(
			env.credentials(),
			runParams({ binarySelection: 'none', completion: 'submitOnly' }),
		);
		const id = String(submitted.items[0].json.id);
		env.emulator.clearRequests();
		const result = await run(env.credentials(), {
			resource: 'execution',
			operation: 'get',
			executionId: id,
		});
		expect(result.items[0].json).toMatchObject({
			id,
			status: 'pending',
			vlmrun: { executionId: id, status: 'pending' },
		});
		expect(env.emulator.requests({ method: 'GET', path: `/agent/executions/${id}` })).toHaveLength(
			1,
		);
	});
});

describe('Skill operations', () => {
	it('Create from a prompt with a JSON schema', async () => {
		const result = await run(env.credentials(), {
			resource: 'skill',
			operation: 'create',
			prompt: 'Extract the claim number and damage items from claim forms.',
			schemaSource: 'json',
			jsonSchema: '{"type":"object","properties":{"claim_number":{"type":"string"}}}',
			skillName: 'claim-intake',
		});
		expect(result.status).toBe('success');
		expect(env.emulator.requests({ method: 'POST', path: '/skills/create' })[0].body).toEqual({
			prompt: 'Extract the claim number and damage items from claim forms.',
			json_schema: { type: 'object', properties: { claim_number: { type: 'string' } } },
			name: 'claim-intake',
		});
		expect(result.items[0].json).toMatchObject({
			id: expect.any(String),
			name: 'claim-intake',
			skill_version: expect.any(String),
		});
	});

	it('Create from a skill bundle uploads the zip, then creates with name and description', async () => {
		const result = await run(
			env.credentials(),
			{
				resource: 'skill',
				operation: 'create',
				skillSource: 'bundle',
				skillName: 'loan-check',
				skillDescription: 'Checks loan packages',
			},
			[await bundle('loan-check')],
		);
		expect(result.status).toBe('success');
		const upload = env.emulator.requests({ method: 'POST', path: '/files' });
		expect(upload).toHaveLength(1);
		const body = env.emulator.requests({ method: 'POST', path: '/skills/create' })[0]
			.body as IDataObject;
		expect(body).toEqual({
			file_id: expect.any(String),
			name: 'loan-check',
			description: 'Checks loan packages',
		});
		expect(result.items[0].json).toMatchObject({
			name: 'loan-check',
			description: 'Checks loan packages',
		});
	});

	it('Create from a chat session sends only the session ID and the optional name', async () => {
		const response = await fetch(`${env.emulator.baseUrl}/openai/chat/completions`, {
			method: 'POST',
			headers: {
				Authorization: `Bearer ${env.emulator.apiKey}`,
				'Content-Type': 'application/json',
			},
			body: JSON.stringify({
				model: 'vlmrun-orion-1:auto',
				messages: [{ role: 'user', content: 'Sort these receipts by vendor' }],
			}),
		});
		const sessionId = String(((await response.json()) as IDataObject).session_id);
		env.emulator.clearRequests();
		const result = await run(env.credentials(), {
			resource: 'skill',
			operation: 'create',
			skillSource: 'session',
			sessionId,
			skillName: 'receipt-sorter',
		});
		expect(result.status).toBe('success');
		expect(env.emulator.requests({ method: 'POST', path: '/skills/create' })[0].body).toEqual({
			session_id: sessionId,
			name: 'receipt-sorter',
		});
		expect(result.items[0].json.name).toBe('receipt-sorter');
	});

	it('Get by name (latest or pinned version) and by ID', async () => {
		const latest = await run(env.credentials(), {
			resource: 'skill',
			operation: 'get',
			skill: byName('invoice-extraction'),
		});
		expect(latest.items[0].json).toMatchObject({ name: 'invoice-extraction' });
		const pinned = await run(env.credentials(), {
			resource: 'skill',
			operation: 'get',
			skill: byName('invoice-extraction'),
			skillVersion: '20260326-a481daf0',
		});
		expect(pinned.items[0].json.skill_version).toBe('20260326-a481daf0');
		expect(env.emulator.requests({ path: '/skills/lookup' }).map((r) => r.body)).toEqual([
			{ name: 'invoice-extraction' },
			{ name: 'invoice-extraction', skill_version: '20260326-a481daf0' },
		]);
		const id = String(latest.items[0].json.id);
		const byId = await run(env.credentials(), {
			resource: 'skill',
			operation: 'get',
			skill: { __rl: true, mode: 'id', value: id },
		});
		expect(byId.items[0].json.id).toBe(id);
		expect(env.emulator.requests({ method: 'GET', path: `/skills/${id}` })).toHaveLength(1);
	});

	it('Update publishes a new version from a zip, and Get Many can show every version or only the latest', async () => {
		const updated = await run(
			env.credentials(),
			{
				resource: 'skill',
				operation: 'update',
				skill: byName('receipt-extraction'),
				skillDescription: 'Receipts, v2',
			},
			[await bundle('receipt-extraction', 'Now with tips.')],
		);
		expect(updated.status).toBe('success');
		const [call] = env.emulator.requests({ method: 'POST', path: /^\/skills\/[^/]+\/update$/ });
		expect(call.body).toEqual({ file_id: expect.any(String), description: 'Receipts, v2' });
		expect(updated.items[0].json).toMatchObject({
			name: 'receipt-extraction',
			description: 'Receipts, v2',
		});
		expect(updated.items[0].json.skill_version).not.toBe('20260219-0c0ffee1');

		const latestOnly = await run(env.credentials(), {
			resource: 'skill',
			operation: 'list',
			returnAll: true,
		});
		const receipts = latestOnly.items.filter((item) => item.json.name === 'receipt-extraction');
		expect(receipts).toHaveLength(1);
		expect(env.emulator.requests({ path: '/skills' }).at(-1)?.query).toMatchObject({
			grouped: 'true',
			offset: '0',
		});
		const everyVersion = await run(env.credentials(), {
			resource: 'skill',
			operation: 'list',
			returnAll: true,
			latestOnly: false,
		});
		expect(
			everyVersion.items.filter((item) => item.json.name === 'receipt-extraction'),
		).toHaveLength(2);
		const limited = await run(env.credentials(), {
			resource: 'skill',
			operation: 'list',
			limit: 1,
		});
		expect(limited.items).toHaveLength(1);
	});

	it('Download puts the skill bundle into a binary field', async () => {
		const result = await run(env.credentials(), {
			resource: 'skill',
			operation: 'download',
			skill: byName('invoice-extraction'),
			skillVersion: '20260326-a481daf0',
			binaryPropertyOutput: 'bundle',
		});
		expect(result.status).toBe('success');
		const [item] = result.items;
		expect(item.binary?.bundle).toMatchObject({
			mimeType: 'application/zip',
			fileName: 'invoice-extraction-20260326-a481daf0.zip',
		});
		const bytes = await readBinary(item, 'bundle');
		expect(bytes.subarray(0, 4)).toEqual(Buffer.from([0x50, 0x4b, 0x03, 0x04]));
		expect(bytes.toString('latin1')).toContain('SKILL.md');
		expect(env.emulator.requests({ method: 'GET', path: /\/download$/ })).toHaveLength(1);
	});
});

describe('Agent operations', () => {
	it('Create sends name, prompt, schema and skill references', async () => {
		const result = await run(env.credentials(), {
			resource: 'agent',
			operation: 'create',
			agentName: 'loan-package-checker',
			prompt: 'Check that all documents belong to the same applicant.',
			schemaSource: 'fields',
			fields: { field: [{ name: 'consistent', type: 'boolean' }] },
			skills: { skill: [{ skill: byName('invoice-extraction'), version: '' }] },
		});
		expect(result.status).toBe('success');
		expect(env.emulator.requests({ method: 'POST', path: '/agent/create' })[0].body).toEqual({
			name: 'loan-package-checker',
			config: {
				prompt: 'Check that all documents belong to the same applicant.',
				json_schema: { type: 'object', properties: { consistent: { type: 'boolean' } } },
				skills: [
					{ type: 'skill_reference', skill_name: 'invoice-extraction', skill_version: 'latest' },
				],
			},
		});
		expect(result.items[0].json).toMatchObject({
			id: expect.any(String),
			name: 'loan-package-checker',
			status: 'pending',
		});
	});

	it('Get by name uses POST /agent/lookup and by ID the plural GET /agents/{id}', async () => {
		const named = await run(env.credentials(), {
			resource: 'agent',
			operation: 'get',
			agent: byName('video-summarizer'),
		});
		expect(named.items[0].json).toMatchObject({
			name: 'video-summarizer',
			prompt: expect.any(String),
		});
		const id = String(named.items[0].json.id);
		const byId = await run(env.credentials(), {
			resource: 'agent',
			operation: 'get',
			agent: { __rl: true, mode: 'id', value: id },
		});
		expect(byId.items[0].json.id).toBe(id);
		expect(env.emulator.requests().map((r) => `${r.method} ${r.path}`)).toEqual([
			'POST /agent/lookup',
			`GET /agents/${id}`,
		]);
	});

	it('Get Many lists agents up to the limit', async () => {
		const all = await run(env.credentials(), {
			resource: 'agent',
			operation: 'list',
			returnAll: true,
		});
		expect(all.items.map((item) => item.json.name)).toEqual(
			expect.arrayContaining(['invoice-extractor', 'video-summarizer']),
		);
		const one = await run(env.credentials(), { resource: 'agent', operation: 'list', limit: 1 });
		expect(one.items).toHaveLength(1);
	});
});

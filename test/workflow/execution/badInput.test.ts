import type { INodeExecutionData, INodeParameters } from 'n8n-workflow';

import { createBinaryItem } from '../harness';
import { useEmulator } from '../vlmrun';
import { pdfItem, run, runParams } from './execution';

const env = useEmulator();
jest.setTimeout(30_000);

type Case = {
	name: string;
	parameters: INodeParameters;
	items?: () => Promise<INodeExecutionData[]>;
	message: string | RegExp;
	description: string | RegExp;
};

const pdf = async () => [await pdfItem()];

const cases: Case[] = [
	{
		// n8n itself rejects an empty required parameter; an expression that resolves to nothing gets through.
		name: 'no prompt (prompt mode)',
		parameters: runParams({ prompt: '={{ $json.missing }}' }),
		message: 'Neither a prompt nor an agent is set',
		description: /describe what the agent should do, or set it to Existing Agent/,
	},
	{
		name: 'no agent (existing-agent mode)',
		parameters: runParams({
			agentSource: 'agent',
			agent: { __rl: true, mode: 'name', value: '={{ $json.missing }}' },
		}),
		message: 'Neither a prompt nor an agent is set',
		description: /Set Agent Source to Prompt/,
	},
	{
		name: 'missing binary field',
		parameters: runParams({ binaryPropertyName: 'attachment' }),
		message: 'The item has no binary field "attachment"',
		description: 'Check the parameter "Input Binary Fields". This item has: data.',
	},
	{
		name: 'no binaries with All Binary Fields',
		parameters: runParams({ binarySelection: 'all' }),
		items: async () => [{ json: {} }],
		message: 'The item has no binary files',
		description: /must output at least one file/,
	},
	{
		name: 'invalid JSON schema text',
		parameters: runParams({ schemaSource: 'json', jsonSchema: '{"type": "object",' }),
		message: 'The parameter "JSON Schema" is not valid JSON',
		description: /Paste a JSON schema object/,
	},
	{
		name: 'JSON that is not a schema',
		parameters: runParams({ schemaSource: 'json', jsonSchema: '{"total": 5}' }),
		message: 'The parameter "JSON Schema" is not a usable JSON schema',
		description: /neither "type" nor "properties"/,
	},
	{
		name: 'invalid field name in the Fields builder',
		parameters: runParams({
			schemaSource: 'fields',
			fields: { field: [{ name: 'net total', type: 'number' }] },
		}),
		message: 'The field name "net total" is not valid',
		description: /letters, digits and underscores/,
	},
	{
		name: 'an empty skill row',
		parameters: runParams({
			skills: { skill: [{ skill: { __rl: true, mode: 'list', value: '' }, version: '' }] },
		}),
		message: 'Skill 1 has no name',
		description: /remove the empty row/,
	},
	{
		name: 'a URL input that is not http(s)',
		parameters: runParams({
			urlInputs: { input: [{ name: 'policy', url: 'ftp://example.com/policy.pdf' }] },
		}),
		message: 'The URL of input "policy" is not an http(s) URL',
		description: /http:\/\/ or https:\/\//,
	},
	{
		name: 'an input name used twice',
		parameters: runParams({
			urlInputs: { input: [{ name: 'policy', url: 'https://example.com/policy.pdf' }] },
			textInputs: { input: [{ name: 'policy', value: 'text' }] },
		}),
		message: 'The input name "policy" is used twice',
		description: /its own name/,
	},
	{
		name: 'a callback URL that is not http(s)',
		parameters: runParams({ completion: 'submitOnly', callbackUrl: 'n8n.example.com/webhook' }),
		message: 'The Callback URL "n8n.example.com/webhook" is not an http(s) URL',
		description: /Production URL of a VLM Run Trigger/,
	},
	{
		name: 'an empty file',
		parameters: runParams(),
		items: async () => [
			await createBinaryItem({
				data: { data: Buffer.alloc(0), fileName: 'empty.pdf', mimeType: 'application/pdf' },
			}),
		],
		message:
			'The file "empty.pdf" (binary field "data", application/pdf, 0 bytes) cannot be sent to VLM Run: it is empty',
		description: /no content/,
	},
	{
		name: 'Get Execution without an ID',
		parameters: { resource: 'execution', operation: 'get', executionId: '={{ $json.missing }}' },
		message: 'The parameter "Execution ID" is empty',
		description: /Map the ID of an execution/,
	},
	{
		name: 'a skill bundle that is not a zip',
		parameters: {
			resource: 'skill',
			operation: 'create',
			skillSource: 'bundle',
			skillName: 'x',
			skillDescription: 'y',
		},
		message: 'The file "invoice-1.pdf" is not a skill bundle',
		description: /\.zip of a folder with a SKILL\.md/,
	},
	{
		name: 'a skill description over 255 characters',
		parameters: {
			resource: 'skill',
			operation: 'create',
			prompt: 'Do it.',
			skillDescription: 'x'.repeat(256),
		},
		message: 'The skill description has 256 characters',
		description: /at most 255/,
	},
	{
		name: 'Create Agent without a prompt',
		parameters: { resource: 'agent', operation: 'create', prompt: '={{ "  " }}' },
		message: 'The parameter "Prompt" is empty',
		description: /Describe what the agent should do/,
	},
];

describe('Bad input fails before any call to VLM Run', () => {
	it.each(cases)('$name', async ({ parameters, items, message, description }) => {
		const result = await run(env.credentials(), parameters, await (items ?? pdf)());
		expect(result.status).toBe('error');
		const error = result.nodeError('VLM Run');
		expect(error?.message).toEqual(
			typeof message === 'string' ? message : expect.stringMatching(message),
		);
		expect(error?.description).toEqual(
			typeof description === 'string' ? description : expect.stringMatching(description),
		);
		expect(env.emulator.requests()).toHaveLength(0);
	});

	it('checks every item before the first call: a bad third item stops the run with nothing sent', async () => {
		const items = [await pdfItem(), await pdfItem('invoice-2.pdf'), { json: {} }];
		const result = await run(env.credentials(), runParams({ grouping: 'allItems' }), items);
		expect(result.nodeError('VLM Run')?.message).toBe('The item has no binary field "data"');
		expect(env.emulator.requests()).toHaveLength(0);
	});
});

describe('Unknown skills and agents fail at the first call, naming them, before any upload', () => {
	it('an unknown skill', async () => {
		const skills = {
			skill: [{ skill: { __rl: true, mode: 'name', value: 'no-such-skill' }, version: '' }],
		};
		const result = await run(env.credentials(), runParams({ skills }), await pdf());
		expect(result.status).toBe('error');
		const error = result.nodeError('VLM Run');
		expect(error?.message).toBe('The skill "no-such-skill" does not exist on VLM Run');
		expect(error?.description).toMatch(/create it first with Skill → Create/);
		expect(env.emulator.requests().map((r) => `${r.method} ${r.path}`)).toEqual([
			'POST /skills/lookup',
		]);
	});

	it('an unknown pinned version of a known skill', async () => {
		const skills = {
			skill: [
				{
					skill: { __rl: true, mode: 'list', value: 'invoice-extraction' },
					version: '20990101-deadbeef',
				},
			],
		};
		const result = await run(env.credentials(), runParams({ skills }), await pdf());
		expect(result.nodeError('VLM Run')?.message).toBe(
			'The skill "invoice-extraction" version 20990101-deadbeef does not exist on VLM Run',
		);
	});

	it('an unknown agent', async () => {
		const agent = { __rl: true, mode: 'name', value: 'no-such-agent:v9' };
		const result = await run(
			env.credentials(),
			runParams({ agentSource: 'agent', agent }),
			await pdf(),
		);
		expect(result.nodeError('VLM Run')?.message).toBe(
			'The agent "no-such-agent:v9" does not exist on VLM Run',
		);
		expect(env.emulator.requests({ path: '/files' })).toHaveLength(0);
	});

	it('with continue on fail, each item gets its own error naming the item', async () => {
		const skills = {
			skill: [{ skill: { __rl: true, mode: 'name', value: 'no-such-skill' }, version: '' }],
		};
		const result = await run(
			env.credentials(),
			runParams({ skills }),
			[await pdfItem(), await pdfItem('invoice-2.pdf')],
			{
				onError: 'continueRegularOutput',
			},
		);
		expect(result.items.map((item) => item.json.error)).toEqual([
			'The skill "no-such-skill" does not exist on VLM Run',
			'The skill "no-such-skill" does not exist on VLM Run',
		]);
		expect(env.emulator.requests({ path: '/skills/lookup' })).toHaveLength(1);
	});
});

import { operations } from '../../../nodes/VlmRun/execution';
import { failOperation, runOperation } from '../fakeContext';

const create = { resource: 'agent', operation: 'create' };
const created = { id: 'agent-9', name: 'loan-checker' };

describe('Agent → Create', () => {
	test('POSTs name and config (prompt, JSON schema, skills) after checking each skill exists', async () => {
		const schema = { type: 'object', properties: { approved: { type: 'boolean' } } };
		const { output, sent } = await runOperation(operations, {
			parameters: {
				...create,
				agentName: 'loan-checker',
				prompt: 'Check the loan package',
				schemaSource: 'json',
				jsonSchema: JSON.stringify(schema),
				skills: { skill: [{ skill: { __rl: true, mode: 'name', value: 'payslip' } }] },
			},
			api: {
				'POST /skills/lookup': { statusCode: 200, body: { id: 'skill-1', name: 'payslip' } },
				'POST /agent/create': { statusCode: 200, body: created },
			},
		});
		expect(sent).toEqual([
			{ method: 'POST', path: '/skills/lookup', qs: undefined, body: { name: 'payslip' } },
			{
				method: 'POST',
				path: '/agent/create',
				qs: undefined,
				body: {
					name: 'loan-checker',
					config: {
						prompt: 'Check the loan package',
						json_schema: schema,
						skills: [{ type: 'skill_reference', skill_name: 'payslip', skill_version: 'latest' }],
					},
				},
			},
		]);
		expect(output).toEqual([{ json: created, pairedItem: { item: 0 } }]);
	});

	test('without name, schema or skills the body holds the prompt alone', async () => {
		const { sent } = await runOperation(operations, {
			parameters: { ...create, prompt: 'Summarise' },
			api: { 'POST /agent/create': { statusCode: 200, body: created } },
		});
		expect(sent.map((request) => request.body)).toEqual([{ config: { prompt: 'Summarise' } }]);
	});

	test('an invalid JSON schema fails before any request', async () => {
		const { error, sent } = await failOperation(operations, {
			parameters: { ...create, prompt: 'Summarise', schemaSource: 'json', jsonSchema: '{ nope' },
		});
		expect(error.message).toContain('JSON Schema');
		expect(sent).toEqual([]);
	});
});

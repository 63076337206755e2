import { operations } from '../../../nodes/VlmRun/execution';
import { failOperation, runOperation } from '../fakeContext';

const get = { resource: 'agent', operation: 'get' };
const agent = { id: 'agent-1', name: 'loan-checker', config: { prompt: 'Check the loan' } };

describe('Agent → Get', () => {
	test('By ID: GET /agents/<id> (plural, as the API spells it)', async () => {
		const { output, sent } = await runOperation(operations, {
			parameters: { ...get, agent: { __rl: true, mode: 'id', value: 'agent-1' } },
			api: { 'GET /agents/agent-1': { statusCode: 200, body: agent } },
		});
		expect(sent).toEqual([
			{ method: 'GET', path: '/agents/agent-1', qs: undefined, body: undefined },
		]);
		expect(output).toEqual([{ json: agent, pairedItem: { item: 0 } }]);
	});

	test('By name: one lookup shared by the items that name the same agent', async () => {
		const { output, sent } = await runOperation(operations, {
			parameters: { ...get, agent: { __rl: true, mode: 'name', value: 'loan-checker' } },
			items: [{ json: {} }, { json: {} }],
			api: { 'POST /agent/lookup': { statusCode: 200, body: agent } },
		});
		expect(sent).toEqual([
			{ method: 'POST', path: '/agent/lookup', qs: undefined, body: { name: 'loan-checker' } },
		]);
		expect(output).toEqual([
			{ json: agent, pairedItem: { item: 0 } },
			{ json: agent, pairedItem: { item: 1 } },
		]);
	});

	test('an unknown name is named in the error', async () => {
		const { error } = await failOperation(operations, {
			parameters: { ...get, agent: { __rl: true, mode: 'name', value: 'ghost' } },
		});
		expect(error.message).toContain('"ghost"');
	});

	test('no agent fails before any request', async () => {
		const { error, sent } = await failOperation(operations, {
			parameters: { ...get, agent: { __rl: true, mode: 'list', value: '' } },
		});
		expect(error.message).toContain('No agent is selected');
		expect(sent).toEqual([]);
	});
});

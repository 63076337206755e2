import { operations } from '../../../nodes/VlmRun/execution';
import { runOperation } from '../fakeContext';

const list = { resource: 'agent', operation: 'list' };
const agents = Array.from({ length: 4 }, (_, n) => ({ id: `agent-${n}`, name: `agent-${n}` }));

describe('Agent → Get Many', () => {
	test('one GET /agent (the API does not page it), cut to Limit, each agent paired', async () => {
		const { output, sent } = await runOperation(operations, {
			parameters: { ...list, returnAll: false, limit: 3 },
			api: { 'GET /agent': { statusCode: 200, body: agents } },
		});
		expect(sent).toEqual([{ method: 'GET', path: '/agent', qs: undefined, body: undefined }]);
		expect(output).toEqual(agents.slice(0, 3).map((json) => ({ json, pairedItem: { item: 0 } })));
	});

	test('Return All: every agent', async () => {
		const { output } = await runOperation(operations, {
			parameters: { ...list, returnAll: true },
			api: { 'GET /agent': { statusCode: 200, body: agents } },
		});
		expect(output.map(({ json }) => json)).toEqual(agents);
	});
});

import { operations } from '../../../nodes/VlmRun/execution';
import { failOperation, runOperation } from '../fakeContext';

const get = { resource: 'skill', operation: 'get' };
const skill = { id: 'skill-1', name: 'receipt-extraction', skill_version: '20260326-a481daf0' };

describe('Skill → Get', () => {
	test('By ID: GET /skills/<id>', async () => {
		const { output, sent } = await runOperation(operations, {
			parameters: { ...get, skill: { __rl: true, mode: 'id', value: 'skill-1' } },
			api: { 'GET /skills/skill-1': { statusCode: 200, body: skill } },
		});
		expect(sent).toEqual([
			{ method: 'GET', path: '/skills/skill-1', qs: undefined, body: undefined },
		]);
		expect(output).toEqual([{ json: skill, pairedItem: { item: 0 } }]);
	});

	test('By name with a pinned version: the lookup asks for that version', async () => {
		const { output, sent } = await runOperation(operations, {
			parameters: {
				...get,
				skill: { __rl: true, mode: 'name', value: 'receipt-extraction' },
				skillVersion: '20260326-a481daf0',
			},
			api: { 'POST /skills/lookup': { statusCode: 200, body: skill } },
		});
		expect(sent).toEqual([
			{
				method: 'POST',
				path: '/skills/lookup',
				qs: undefined,
				body: { name: 'receipt-extraction', skill_version: '20260326-a481daf0' },
			},
		]);
		expect(output).toEqual([{ json: skill, pairedItem: { item: 0 } }]);
	});

	test('an unknown skill is named, with its version', async () => {
		const { error } = await failOperation(operations, {
			parameters: {
				...get,
				skill: { __rl: true, mode: 'name', value: 'ghost' },
				skillVersion: 'v9',
			},
		});
		expect(error.message).toContain('"ghost" version v9');
	});

	test('no skill fails before any request', async () => {
		const { error, sent } = await failOperation(operations, {
			parameters: { ...get, skill: { __rl: true, mode: 'list', value: '' } },
		});
		expect(error.message).toContain('No skill is selected');
		expect(sent).toEqual([]);
	});
});

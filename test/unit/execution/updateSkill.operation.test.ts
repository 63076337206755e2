import { operations } from '../../../nodes/VlmRun/execution';
import { failOperation, fileItem, runOperation } from '../fakeContext';

const update = {
	resource: 'skill',
	operation: 'update',
	skill: { __rl: true, mode: 'name', value: 'receipt-extraction' },
	binaryPropertyName: 'data',
};
const skill = { id: 'skill-1', name: 'receipt-extraction' };

describe('Skill → Update', () => {
	test('resolves the skill, uploads the bundle and POSTs the new version', async () => {
		const updated = { ...skill, skill_version: '20260401-b2' };
		const { output, sent } = await runOperation(operations, {
			parameters: { ...update, skillDescription: 'Now with tips' },
			items: [fileItem('skill.zip', 'application/zip', 'PK-bytes')],
			api: {
				'POST /skills/lookup': { statusCode: 200, body: skill },
				'POST /files': { statusCode: 200, body: { id: 'file-zip' } },
				'POST /skills/skill-1/update': { statusCode: 200, body: updated },
			},
		});
		expect(sent.map(({ method, path }) => `${method} ${path}`)).toEqual([
			'POST /skills/lookup',
			'POST /files',
			'POST /skills/skill-1/update',
		]);
		expect(sent[2].body).toEqual({ file_id: 'file-zip', description: 'Now with tips' });
		expect(output).toEqual([{ json: updated, pairedItem: { item: 0 } }]);
	});

	test('an empty bundle fails before any request, naming the file', async () => {
		const { error, sent } = await failOperation(operations, {
			parameters: update,
			items: [fileItem('skill.zip', 'application/zip', '')],
		});
		expect(error.message).toContain('"skill.zip"');
		expect(error.message).toContain('empty');
		expect(sent).toEqual([]);
	});
});

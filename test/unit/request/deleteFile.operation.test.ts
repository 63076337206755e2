import { operations } from '../../../nodes/VlmRun/request';
import { failOperation, runOperation } from '../fakeContext';

const file = { resource: 'file', operation: 'delete' };

describe('File → Delete', () => {
	test('deletes each item’s file and says which, paired to its item', async () => {
		const { output, sent } = await runOperation(operations, {
			parameters: [
				{ ...file, fileId: 'file-1' },
				{ ...file, fileId: ' file 2 ' },
			],
			items: [{ json: {} }, { json: {} }],
			api: {
				'DELETE /files/file-1': { statusCode: 200, body: {} },
				'DELETE /files/file%202': { statusCode: 200, body: {} },
			},
		});
		expect(sent.map(({ method, path }) => `${method} ${path}`).sort()).toEqual([
			'DELETE /files/file%202',
			'DELETE /files/file-1',
		]);
		expect(output).toEqual([
			{ json: { deleted: true, id: 'file-1' }, pairedItem: { item: 0 } },
			{ json: { deleted: true, id: 'file 2' }, pairedItem: { item: 1 } },
		]);
	});

	test('an empty File ID fails before any request, naming the parameter', async () => {
		const { error, sent } = await failOperation(operations, {
			parameters: { ...file, fileId: '  ' },
		});
		expect(error.message).toContain('The parameter "File ID" is empty');
		expect(sent).toEqual([]);
	});

	test('with continue on fail, a file VLM Run does not know becomes its item’s error item', async () => {
		const { output, sent } = await runOperation(operations, {
			parameters: { ...file, fileId: 'gone' },
			continueOnFail: true,
		});
		expect(sent).toHaveLength(1);
		expect(output).toEqual([
			{
				json: expect.objectContaining({ error: expect.stringContaining('gone') }),
				pairedItem: { item: 0 },
			},
		]);
	});
});

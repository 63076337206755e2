import { operations } from '../../../nodes/VlmRun/request';
import { failOperation, runOperation } from '../fakeContext';

const file = { resource: 'file', operation: 'get' };

describe('File → Get', () => {
	test('GETs the file record and outputs it as is', async () => {
		const record = { id: 'file-1', filename: 'invoice.pdf', bytes: 2048 };
		const { output, sent } = await runOperation(operations, {
			parameters: { ...file, fileId: 'file-1' },
			api: { 'GET /files/file-1': { statusCode: 200, body: record } },
		});
		expect(sent).toEqual([
			{ method: 'GET', path: '/files/file-1', qs: undefined, body: undefined },
		]);
		expect(output).toEqual([{ json: record, pairedItem: { item: 0 } }]);
	});

	test('an empty File ID fails before any request', async () => {
		const { error, sent } = await failOperation(operations, {
			parameters: { ...file, fileId: '' },
		});
		expect(error.message).toContain('"File ID" is empty');
		expect(sent).toEqual([]);
	});

	test('a 404 names the file', async () => {
		const { error } = await failOperation(operations, {
			parameters: { ...file, fileId: 'nope-7' },
		});
		expect(error.message).toContain('nope-7');
	});
});

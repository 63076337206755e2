import { operations } from '../../../nodes/VlmRun/request';
import { failOperation, fileItem, runOperation, type SentRequest } from '../fakeContext';

const upload = { resource: 'file', operation: 'upload' };
const record = (id: string, filename: string) => ({ id, filename, bytes: 3, public_url: null });

/** The file part of a multipart upload. */
const uploaded = (request: SentRequest) => (request.body as FormData).get('file') as File;

describe('File → Upload', () => {
	test('uploads the chosen field as multipart and outputs the file record with its field', async () => {
		const { output, sent } = await runOperation(operations, {
			parameters: { ...upload, binarySelection: 'fields', binaryPropertyName: 'data' },
			items: [fileItem('invoice.pdf', 'application/pdf', '%PDF')],
			api: { 'POST /files': { statusCode: 200, body: record('file-1', 'invoice.pdf') } },
		});
		expect(sent).toHaveLength(1);
		expect(sent[0]).toMatchObject({
			method: 'POST',
			path: '/files',
			qs: { purpose: 'assistants', generate_public_url: true },
		});
		expect(uploaded(sent[0]).name).toBe('invoice.pdf');
		expect(uploaded(sent[0]).type).toBe('application/pdf');
		expect(await uploaded(sent[0]).text()).toBe('%PDF');
		expect(output).toEqual([
			{
				json: { ...record('file-1', 'invoice.pdf'), binaryProperty: 'data' },
				pairedItem: { item: 0 },
			},
		]);
	});

	test('All Binary Fields: one output item per file, in field order, all paired to their item', async () => {
		const item = fileItem('a.pdf', 'application/pdf', 'aaa', 'first');
		item.binary = { ...item.binary, ...fileItem('b.png', 'image/png', 'bbb', 'second').binary };
		const { output } = await runOperation(operations, {
			parameters: { ...upload, binarySelection: 'all' },
			items: [item],
			api: {
				'POST /files': [
					{ statusCode: 200, body: record('file-a', 'a.pdf') },
					{ statusCode: 200, body: record('file-b', 'b.png') },
				],
			},
		});
		expect(output.map(({ json, pairedItem }) => [json.binaryProperty, pairedItem])).toEqual([
			['first', { item: 0 }],
			['second', { item: 0 }],
		]);
	});

	test('with continue on fail an empty file becomes its own error item and the other file still uploads', async () => {
		const item = fileItem('good.pdf', 'application/pdf', 'abc', 'good');
		item.binary = {
			...item.binary,
			...fileItem('empty.pdf', 'application/pdf', '', 'empty').binary,
		};
		const { output, sent } = await runOperation(operations, {
			parameters: { ...upload, binarySelection: 'all' },
			items: [item],
			continueOnFail: true,
			api: { 'POST /files': { statusCode: 200, body: record('file-g', 'good.pdf') } },
		});
		expect(sent.map(uploaded).map((file) => file.name)).toEqual(['good.pdf']);
		expect(output).toEqual([
			{ json: expect.objectContaining({ id: 'file-g' }), pairedItem: { item: 0 } },
			{
				json: expect.objectContaining({ error: expect.stringContaining('"empty.pdf"') }),
				pairedItem: { item: 0 },
			},
		]);
	});

	test('a missing binary field fails before any request, naming the field', async () => {
		const { error, sent } = await failOperation(operations, {
			parameters: { ...upload, binarySelection: 'fields', binaryPropertyName: 'attachment' },
			items: [fileItem('a.pdf', 'application/pdf', 'abc')],
		});
		expect(error.message).toContain('no binary field "attachment"');
		expect(sent).toEqual([]);
	});
});

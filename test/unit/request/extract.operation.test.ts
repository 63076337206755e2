import { operations } from '../../../nodes/VlmRun/request';
import { failOperation, fileItem, runOperation } from '../fakeContext';

const extract = {
	resource: 'prediction',
	operation: 'extract',
	inputSource: 'binary',
	binarySelection: 'all',
	domain: { __rl: true, mode: 'list', value: 'document.invoice' },
	completion: 'waitForResult',
	// One batch job per file, uploads not looked up by hash: the requests below stay the same
	// whatever VLM Run's synchronous limits are.
	options: { synchronous: false, reuseUploads: false },
};
const prediction = (id: string, status: string, response?: object) => ({
	id,
	status,
	domain: 'document.invoice',
	response,
	usage: { credits_used: 1 },
});

describe('Prediction → Extract', () => {
	test('a PDF: uploaded, then one generate call with its file ID; the response fields are the item', async () => {
		const { output, sent } = await runOperation(operations, {
			parameters: extract,
			items: [fileItem('invoice.pdf', 'application/pdf', '%PDF-1')],
			api: {
				'POST /files': { statusCode: 200, body: { id: 'file-1', public_url: null } },
				'POST /document/generate': {
					statusCode: 200,
					body: prediction('pred-1', 'completed', { invoice_number: 'INV-1', total: 42 }),
				},
			},
		});
		expect(sent.map(({ method, path }) => `${method} ${path}`)).toEqual([
			'POST /files',
			'POST /document/generate',
		]);
		expect(sent[1].body).toEqual({
			file_id: 'file-1',
			model: 'vlm-1',
			domain: 'document.invoice',
			batch: true,
			config: {},
			metadata: { allow_training: false },
		});
		expect(output).toEqual([
			{
				json: {
					invoice_number: 'INV-1',
					total: 42,
					vlmrun: expect.objectContaining({
						predictionId: 'pred-1',
						status: 'completed',
						domain: 'document.invoice',
						creditsUsed: 1,
					}),
				},
				pairedItem: { item: 0 },
			},
		]);
	});

	test('a small image goes inline as a data URL, with no upload', async () => {
		const { sent } = await runOperation(operations, {
			parameters: { ...extract, domain: { __rl: true, mode: 'list', value: 'image.caption' } },
			items: [fileItem('photo.png', 'image/png', 'png-bytes')],
			api: {
				'POST /image/generate': {
					statusCode: 200,
					body: prediction('pred-2', 'completed', { caption: 'a receipt' }),
				},
			},
		});
		expect(sent.map(({ method, path }) => `${method} ${path}`)).toEqual(['POST /image/generate']);
		expect(sent[0].body).toMatchObject({
			images: [`data:image/png;base64,${Buffer.from('png-bytes').toString('base64')}`],
			domain: 'image.caption',
		});
	});

	test('several files of one item: one output per file, in field order, each paired to the item', async () => {
		const item = fileItem('a.pdf', 'application/pdf', '%PDF-a', 'first');
		item.binary = {
			...item.binary,
			...fileItem('b.pdf', 'application/pdf', '%PDF-b', 'second').binary,
		};
		const { output } = await runOperation(operations, {
			parameters: extract,
			items: [item],
			api: {
				'POST /files': [
					{ statusCode: 200, body: { id: 'file-a' } },
					{ statusCode: 200, body: { id: 'file-b' } },
				],
				'POST /document/generate': [
					{ statusCode: 200, body: prediction('pred-a', 'completed', { n: 1 }) },
					{ statusCode: 200, body: prediction('pred-b', 'completed', { n: 2 }) },
				],
			},
		});
		expect(output).toHaveLength(2);
		expect(output.map(({ pairedItem }) => pairedItem)).toEqual([{ item: 0 }, { item: 0 }]);
		expect(output.map(({ json }) => (json.vlmrun as { fileName?: string }).fileName)).toEqual([
			'a.pdf',
			'b.pdf',
		]);
	});

	test('Submit Only: the pending prediction’s ID and status, with no poll', async () => {
		const { output, sent } = await runOperation(operations, {
			parameters: { ...extract, completion: 'submitOnly' },
			items: [fileItem('invoice.pdf', 'application/pdf', '%PDF-1')],
			api: {
				'POST /files': { statusCode: 200, body: { id: 'file-1' } },
				'POST /document/generate': { statusCode: 200, body: prediction('pred-3', 'pending') },
			},
		});
		expect(sent.map(({ path }) => path)).toEqual(['/files', '/document/generate']);
		expect(output).toEqual([
			{
				json: expect.objectContaining({
					vlmrun: expect.objectContaining({ predictionId: 'pred-3', status: 'pending' }),
				}),
				pairedItem: { item: 0 },
			},
		]);
	});

	test('neither a domain nor a schema fails before any request', async () => {
		const { error, sent } = await failOperation(operations, {
			parameters: { ...extract, domain: { __rl: true, mode: 'list', value: '' } },
			items: [fileItem('invoice.pdf', 'application/pdf', '%PDF-1')],
		});
		expect(error.message).toContain('Neither a domain nor an output schema is set');
		expect(sent).toEqual([]);
	});
});

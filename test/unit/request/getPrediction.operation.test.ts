import { operations } from '../../../nodes/VlmRun/request';
import { failOperation, runOperation } from '../fakeContext';

const get = { resource: 'prediction', operation: 'get' };
const completed = {
	id: 'pred-1',
	status: 'completed',
	domain: 'document.invoice',
	response: { invoice_number: 'INV-1', total: 42 },
	usage: { credits_used: 3 },
};

describe('Prediction → Get', () => {
	test('Extracted Data: the response fields plus the vlmrun summary', async () => {
		const { output, sent } = await runOperation(operations, {
			parameters: { ...get, predictionId: 'pred-1', output: 'data' },
			api: { 'GET /predictions/pred-1': { statusCode: 200, body: completed } },
		});
		expect(sent).toEqual([
			{ method: 'GET', path: '/predictions/pred-1', qs: undefined, body: undefined },
		]);
		expect(output).toEqual([
			{
				json: {
					invoice_number: 'INV-1',
					total: 42,
					vlmrun: expect.objectContaining({
						predictionId: 'pred-1',
						status: 'completed',
						domain: 'document.invoice',
						creditsUsed: 3,
					}),
				},
				pairedItem: { item: 0 },
			},
		]);
	});

	test('Full Prediction: the whole prediction plus the vlmrun summary', async () => {
		const { output } = await runOperation(operations, {
			parameters: { ...get, predictionId: 'pred-1', output: 'full' },
			api: { 'GET /predictions/pred-1': { statusCode: 200, body: completed } },
		});
		expect(output[0].json).toMatchObject({ ...completed, vlmrun: { predictionId: 'pred-1' } });
	});

	test('without Wait for Completion a pending prediction is output as it is, with one request', async () => {
		const pending = { id: 'pred-2', status: 'pending', domain: 'document.invoice' };
		const { output, sent } = await runOperation(operations, {
			parameters: { ...get, predictionId: 'pred-2', waitForCompletion: false },
			api: { 'GET /predictions/pred-2': { statusCode: 200, body: pending } },
		});
		expect(sent).toHaveLength(1);
		expect(output[0].json).toMatchObject({ status: 'pending', vlmrun: { status: 'pending' } });
	});

	test('an empty Prediction ID fails before any request', async () => {
		const { error, sent } = await failOperation(operations, {
			parameters: { ...get, predictionId: '' },
		});
		expect(error.message).toContain('"Prediction ID" is empty');
		expect(sent).toEqual([]);
	});
});

import { operations } from '../../../nodes/VlmRun/execution';
import { failOperation, fileItem, runOperation } from '../fakeContext';

const run = {
	resource: 'execution',
	operation: 'run',
	agentSource: 'prompt',
	prompt: 'Check that the documents belong to the same person',
	binarySelection: 'fields',
	binaryPropertyName: 'data',
	model: 'vlmrun-orion-1:auto',
};
const completed = (id: string) => ({
	id,
	status: 'completed',
	response: { samePerson: true },
	usage: { credits_used: 4 },
});
const options = { downloadArtifacts: false };

describe('Execution → Run', () => {
	test('one execution per item: the file uploaded, then POST /agent/execute with prompt and inputs', async () => {
		const { output, sent } = await runOperation(operations, {
			parameters: { ...run, options },
			items: [fileItem('id.pdf', 'application/pdf', '%PDF-id')],
			api: {
				'POST /files': { statusCode: 200, body: { id: 'file-id' } },
				'POST /agent/execute': { statusCode: 200, body: completed('exec-1') },
			},
		});
		expect(sent.map(({ method, path }) => `${method} ${path}`)).toEqual([
			'POST /files',
			'POST /agent/execute',
		]);
		expect(sent[1].body).toEqual({
			model: 'vlmrun-orion-1:auto',
			config: { prompt: 'Check that the documents belong to the same person' },
			inputs: { data: { type: 'input_file', file_id: 'file-id' } },
			batch: true,
		});
		expect(output).toHaveLength(1);
		expect(output[0].pairedItem).toEqual({ item: 0 });
		expect(output[0].json).toMatchObject({
			samePerson: true,
			vlmrun: {
				executionId: 'exec-1',
				status: 'completed',
				creditsUsed: 4,
				inputs: [{ name: 'data', type: 'file', fileName: 'id.pdf', fileId: 'file-id' }],
			},
		});
	});

	test('One for All Items: one execution over every item’s file, its item paired to all of them', async () => {
		const { output, sent } = await runOperation(operations, {
			parameters: { ...run, grouping: 'allItems', options },
			items: [
				fileItem('id.pdf', 'application/pdf', '%PDF-id'),
				fileItem('payslip.pdf', 'application/pdf', '%PDF-pay'),
			],
			api: {
				'POST /files': [
					{ statusCode: 200, body: { id: 'file-1' } },
					{ statusCode: 200, body: { id: 'file-2' } },
				],
				'POST /agent/execute': { statusCode: 200, body: completed('exec-all') },
			},
		});
		const executions = sent.filter((request) => request.path === '/agent/execute');
		expect(executions).toHaveLength(1);
		expect(Object.keys((executions[0].body as { inputs: object }).inputs)).toEqual([
			'data',
			'data_2',
		]);
		expect(output).toHaveLength(1);
		expect(output[0].pairedItem).toEqual([{ item: 0 }, { item: 1 }]);
		expect(output[0].json).toMatchObject({ vlmrun: { executionId: 'exec-all' } });
	});

	test('Submit Only: the running execution’s ID and status, with no poll', async () => {
		const { output, sent } = await runOperation(operations, {
			parameters: { ...run, binarySelection: 'none', completion: 'submitOnly', options },
			api: {
				'POST /agent/execute': { statusCode: 200, body: { id: 'exec-2', status: 'pending' } },
			},
		});
		expect(sent.map(({ method, path }) => `${method} ${path}`)).toEqual(['POST /agent/execute']);
		expect(output).toEqual([
			{
				json: expect.objectContaining({
					vlmrun: expect.objectContaining({ executionId: 'exec-2', status: 'pending' }),
				}),
				pairedItem: { item: 0 },
			},
		]);
	});

	test('neither a prompt nor an agent fails before any request', async () => {
		const { error, sent } = await failOperation(operations, {
			parameters: { ...run, prompt: ' ' },
			items: [fileItem('id.pdf', 'application/pdf', '%PDF-id')],
		});
		expect(error.message).toContain('Neither a prompt nor an agent is set');
		expect(sent).toEqual([]);
	});
});

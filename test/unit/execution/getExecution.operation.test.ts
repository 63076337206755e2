import { operations } from '../../../nodes/VlmRun/execution';
import { failOperation, runOperation } from '../fakeContext';

const get = { resource: 'execution', operation: 'get' };
const completed = {
	id: 'exec-1',
	name: 'loan-checker',
	status: 'completed',
	response: { approved: true, chart: 'see img_a1b2c3' },
	usage: { credits_used: 12 },
};
const png = Buffer.from('png-bytes');

describe('Execution → Get', () => {
	test('Response: the agent’s answer with a vlmrun summary, its artifact downloaded as a binary', async () => {
		const { output, sent } = await runOperation(operations, {
			parameters: { ...get, executionId: 'exec-1' },
			api: {
				'GET /agent/executions/exec-1': { statusCode: 200, body: completed },
				'GET /artifacts': { statusCode: 200, body: png, headers: { 'content-type': 'image/png' } },
			},
		});
		expect(sent.map(({ method, path, qs }) => ({ method, path, qs }))).toEqual([
			{ method: 'GET', path: '/agent/executions/exec-1', qs: undefined },
			{
				method: 'GET',
				path: '/artifacts',
				qs: { object_id: 'img_a1b2c3', execution_id: 'exec-1' },
			},
		]);
		expect(output).toHaveLength(1);
		expect(output[0].pairedItem).toEqual({ item: 0 });
		expect(output[0].json).toMatchObject({
			approved: true,
			vlmrun: {
				executionId: 'exec-1',
				agentName: 'loan-checker',
				status: 'completed',
				creditsUsed: 12,
				artifacts: [{ ref: 'img_a1b2c3', downloaded: true, binaryProperty: 'img_a1b2c3' }],
			},
		});
		expect(output[0].binary?.img_a1b2c3).toMatchObject({
			mimeType: 'image/png',
			data: png.toString('base64'),
		});
	});

	test('Full Execution without Download Artifacts: the execution as VLM Run returns it, one request', async () => {
		const { output, sent } = await runOperation(operations, {
			parameters: {
				...get,
				executionId: 'exec-1',
				options: { output: 'full', downloadArtifacts: false },
			},
			api: { 'GET /agent/executions/exec-1': { statusCode: 200, body: completed } },
		});
		expect(sent).toHaveLength(1);
		expect(output[0].json).toMatchObject({ ...completed, vlmrun: { executionId: 'exec-1' } });
		expect(output[0].binary).toBeUndefined();
	});

	test('an empty Execution ID fails before any request', async () => {
		const { error, sent } = await failOperation(operations, {
			parameters: { ...get, executionId: ' ' },
		});
		expect(error.message).toContain('"Execution ID" is empty');
		expect(sent).toEqual([]);
	});
});

import { operations } from '../../../nodes/VlmRun/execution';
import { failOperation, runOperation } from '../fakeContext';

const get = { resource: 'artifact', operation: 'get', objectId: 'img_a1b2c3' };
const png = Buffer.from('png-bytes');

describe('Artifact → Get', () => {
	test('of an execution: GET /artifacts with its ID, the file in the chosen field', async () => {
		const { output, sent } = await runOperation(operations, {
			parameters: {
				...get,
				artifactSource: 'execution',
				executionId: 'exec-1',
				binaryPropertyOutput: 'image',
			},
			api: {
				'GET /artifacts': { statusCode: 200, body: png, headers: { 'content-type': 'image/png' } },
			},
		});
		expect(sent).toEqual([
			{
				method: 'GET',
				path: '/artifacts',
				qs: { object_id: 'img_a1b2c3', execution_id: 'exec-1' },
				body: undefined,
			},
		]);
		expect(output).toEqual([
			{
				json: {
					objectId: 'img_a1b2c3',
					executionId: 'exec-1',
					fileName: 'img_a1b2c3.png',
					mimeType: 'image/png',
					fileSize: `${png.length}`,
				},
				binary: { image: expect.objectContaining({ data: png.toString('base64') }) },
				pairedItem: { item: 0 },
			},
		]);
	});

	test('of a chat session: the session ID goes in the query', async () => {
		const { output, sent } = await runOperation(operations, {
			parameters: {
				...get,
				artifactSource: 'session',
				sessionId: 'sess-1',
				binaryPropertyOutput: 'data',
			},
			api: {
				'GET /artifacts': { statusCode: 200, body: png, headers: { 'content-type': 'image/png' } },
			},
		});
		expect(sent[0].qs).toEqual({ object_id: 'img_a1b2c3', session_id: 'sess-1' });
		expect(output[0].json).toMatchObject({ sessionId: 'sess-1' });
	});

	test('an artifact VLM Run does not have is named in the error', async () => {
		const { error } = await failOperation(operations, {
			parameters: {
				...get,
				artifactSource: 'execution',
				executionId: 'exec-1',
				binaryPropertyOutput: 'data',
			},
		});
		expect(error.message).toContain('img_a1b2c3');
	});

	test('a missing Execution ID fails before any request', async () => {
		const { error, sent } = await failOperation(operations, {
			parameters: { ...get, artifactSource: 'execution', binaryPropertyOutput: 'data' },
		});
		expect(error.message).toContain('"Execution ID" is empty');
		expect(sent).toEqual([]);
	});
});

import { operations } from '../../../nodes/VlmRun/execution';
import { failOperation, fileItem, runOperation } from '../fakeContext';

const create = { resource: 'skill', operation: 'create' };
const created = { id: 'skill-9', name: 'receipt-extraction' };

describe('Skill → Create', () => {
	test('from a prompt: POSTs prompt, schema from fields, name and description', async () => {
		const { output, sent } = await runOperation(operations, {
			parameters: {
				...create,
				skillSource: 'prompt',
				prompt: 'Extract totals from receipts',
				schemaSource: 'fields',
				fields: { field: [{ name: 'total', type: 'number', description: 'Grand total' }] },
				skillName: 'receipt-extraction',
				skillDescription: 'Receipt totals',
			},
			api: { 'POST /skills/create': { statusCode: 200, body: created } },
		});
		expect(sent).toHaveLength(1);
		expect(sent[0]).toMatchObject({
			method: 'POST',
			path: '/skills/create',
			body: {
				prompt: 'Extract totals from receipts',
				json_schema: { type: 'object', properties: { total: { type: 'number' } } },
				name: 'receipt-extraction',
				description: 'Receipt totals',
			},
		});
		expect(output).toEqual([{ json: created, pairedItem: { item: 0 } }]);
	});

	test('from a chat session: POSTs the session ID', async () => {
		const { sent } = await runOperation(operations, {
			parameters: { ...create, skillSource: 'session', sessionId: 'sess-1' },
			api: { 'POST /skills/create': { statusCode: 200, body: created } },
		});
		expect(sent.map((request) => request.body)).toEqual([{ session_id: 'sess-1' }]);
	});

	test('from a bundle: uploads the .zip, then POSTs its file ID with name and description', async () => {
		const { output, sent } = await runOperation(operations, {
			parameters: {
				...create,
				skillSource: 'bundle',
				binaryPropertyName: 'data',
				skillName: 'receipt-extraction',
				skillDescription: 'Receipt totals',
			},
			items: [fileItem('skill.zip', 'application/zip', 'PK-bytes')],
			api: {
				'POST /files': { statusCode: 200, body: { id: 'file-zip', filename: 'skill.zip' } },
				'POST /skills/create': { statusCode: 200, body: created },
			},
		});
		expect(sent.map(({ method, path }) => `${method} ${path}`)).toEqual([
			'POST /files',
			'POST /skills/create',
		]);
		expect(sent[1].body).toEqual({
			file_id: 'file-zip',
			name: 'receipt-extraction',
			description: 'Receipt totals',
		});
		expect(output).toEqual([{ json: created, pairedItem: { item: 0 } }]);
	});

	test('a bundle that is not a .zip fails before any upload, naming the file', async () => {
		const { error, sent } = await failOperation(operations, {
			parameters: {
				...create,
				skillSource: 'bundle',
				binaryPropertyName: 'data',
				skillName: 'x',
				skillDescription: 'y',
			},
			items: [fileItem('notes.txt', 'text/plain', 'hello')],
		});
		expect(error.message).toContain('"notes.txt" is not a skill bundle');
		expect(sent).toEqual([]);
	});

	test('a description over 255 characters fails before any request', async () => {
		const { error, sent } = await failOperation(operations, {
			parameters: { ...create, prompt: 'p', skillDescription: 'x'.repeat(256) },
		});
		expect(error.message).toContain('256 characters');
		expect(sent).toEqual([]);
	});
});

import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { VlmRunRequest } from '../../../nodes/VlmRun/VlmRunRequest.node';
import { createBinaryItem, runNode } from '../harness';
import { fixture, useEmulator, vlmNode } from '../vlmrun';

const env = useEmulator();
const nodeTypes = [VlmRunRequest];

async function run(parameters: INodeParameters, inputItems = [{ json: {} }], apiKey?: string) {
	return await runNode(vlmNode('vlmRunRequest', parameters), {
		nodeTypes,
		inputItems,
		credentials: env.credentials(apiKey),
	});
}

async function submitted(): Promise<string> {
	const result = await run(
		{
			resource: 'prediction',
			operation: 'extract',
			completion: 'submitOnly',
			domain: { __rl: true, mode: 'id', value: 'document.invoice' },
		},
		[await createBinaryItem({ data: fixture('invoice-1.pdf') })],
	);
	return String(result.items[0].json.id);
}

describe('Prediction operations', () => {
	it('Get returns a prediction and can wait for it', async () => {
		const id = await submitted();
		const result = await run({
			resource: 'prediction',
			operation: 'get',
			predictionId: id,
			waitForCompletion: true,
		});
		expect(result.items[0].json).toMatchObject({
			invoice_id: expect.anything(),
			vlmrun: { predictionId: id, status: 'completed' },
		});
	});

	it('Get of an unknown id names the prediction', async () => {
		const result = await run({
			resource: 'prediction',
			operation: 'get',
			predictionId: 'no-such-id',
		});
		expect(result.nodeError('VLM Run')?.message).toBe(
			'The prediction "no-such-id" was not found on VLM Run',
		);
		expect(result.nodeError('VLM Run')?.description).toContain(
			'VLM Run said: Prediction not found',
		);
	});

	it('Get Many honours the limit and pages through Return All', async () => {
		for (let i = 0; i < 3; i++) await submitted();
		env.emulator.clearRequests();
		const limited = await run({ resource: 'prediction', operation: 'list', limit: 2 });
		expect(limited.items).toHaveLength(2);
		expect(env.emulator.requests({ method: 'GET', path: '/predictions' })[0].query).toMatchObject({
			skip: '0',
			limit: '2',
		});
		const all = await run({ resource: 'prediction', operation: 'list', returnAll: true });
		expect(all.items.length).toBeGreaterThanOrEqual(3);
	});
});

describe('File operations', () => {
	it('uploads, gets, lists and deletes a file', async () => {
		const uploaded = await run({ resource: 'file', operation: 'upload' }, [
			await createBinaryItem({ data: fixture('contract.pdf') }),
		]);
		const file = uploaded.items[0].json as IDataObject;
		expect(file).toMatchObject({
			id: expect.any(String),
			filename: 'contract.pdf',
			bytes: fixture('contract.pdf').data.length,
		});
		expect(typeof file.public_url).toBe('string');

		const fetched = await run({ resource: 'file', operation: 'get', fileId: file.id as string });
		expect(fetched.items[0].json).toMatchObject({ id: file.id, filename: 'contract.pdf' });

		const listed = await run({ resource: 'file', operation: 'list', returnAll: true });
		expect(listed.items.map((item) => item.json.id)).toContain(file.id);

		const deleted = await run({ resource: 'file', operation: 'delete', fileId: file.id as string });
		expect(deleted.items[0].json).toEqual({ deleted: true, id: file.id });
		const gone = await run({ resource: 'file', operation: 'get', fileId: file.id as string });
		expect(gone.nodeError('VLM Run')?.message).toBe(
			`The file "${String(file.id)}" was not found on VLM Run`,
		);
	});

	it('streams files above 32 MiB through a presigned upload and verifies it', async () => {
		const big = Buffer.alloc(33 * 1024 * 1024 + 7, 1);
		const result = await run({ resource: 'file', operation: 'upload' }, [
			await createBinaryItem({ data: { data: big, fileName: 'big.mp4', mimeType: 'video/mp4' } }),
		]);
		expect(env.emulator.requests({ method: 'POST', path: '/files' })).toHaveLength(0);
		const [presign] = env.emulator.requests({ method: 'POST', path: '/files/presigned-url' });
		expect(presign.body).toMatchObject({ filename: 'big.mp4', purpose: 'assistants' });
		const [put] = env.emulator.requests({ method: 'PUT', path: /^\/__emulator\/upload\// });
		expect(put.rawBodyBytes).toBe(big.length);
		expect(put.headers.authorization).toBeUndefined();
		expect(
			env.emulator.requests({ method: 'GET', path: /^\/files\/verify-upload\// }),
		).toHaveLength(1);
		expect(result.items[0].json).toMatchObject({ filename: 'big.mp4', bytes: big.length });
	});
});

describe('Domain operations', () => {
	it('returns the JSON schema of a domain', async () => {
		const result = await run({
			resource: 'domain',
			operation: 'getSchema',
			domain: { __rl: true, mode: 'list', value: 'document.invoice' },
		});
		expect(result.items[0].json).toMatchObject({
			domain: 'document.invoice',
			json_schema: { type: 'object' },
		});
		expect(env.emulator.requests({ method: 'POST', path: '/schema' })[0].body).toEqual({
			domain: 'document.invoice',
		});
	});
});

describe('Credential errors', () => {
	it.each([
		['wrong-key', 'VLM Run rejected the API key', 'Check the API key'],
		['key-402', 'The VLM Run account has no credits left', 'Add credits'],
	])('key %s', async (key, message, fix) => {
		const result = await run(
			{ resource: 'prediction', operation: 'list', limit: 1 },
			[{ json: {} }],
			key,
		);
		const error = result.nodeError('VLM Run');
		expect(error?.message).toBe(message);
		expect(error?.description).toContain(fix);
		expect(JSON.stringify(result.runData)).not.toContain(
			key === 'wrong-key' ? 'wrong-key' : 'key-402',
		);
	});
});

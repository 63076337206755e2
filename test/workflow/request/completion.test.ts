import type { IDataObject } from 'n8n-workflow';

import { VlmRunRequest } from '../../../nodes/VlmRun/VlmRunRequest.node';
import { createBinaryItem, runNode } from '../harness';
import { fixture, useEmulator, vlmNode } from '../vlmrun';

const env = useEmulator();
const nodeTypes = [VlmRunRequest];
const invoice = { __rl: true, mode: 'id', value: 'document.invoice' };

function extract(parameters: IDataObject, extra = {}) {
	return vlmNode(
		'vlmRunRequest',
		{ resource: 'prediction', operation: 'extract', domain: invoice, ...parameters },
		extra,
	);
}

describe('Completion modes', () => {
	it('Wait for Result polls the prediction until it completes', async () => {
		env.emulator.configure({ jobMode: 'polls', pollsToComplete: 3 });
		const result = await runNode(extract({ options: { synchronous: false } }), {
			nodeTypes,
			inputItems: [await createBinaryItem({ data: fixture('invoice-1.pdf') })],
			credentials: env.credentials(),
		});
		expect(result.status).toBe('success');
		expect(env.emulator.requests({ method: 'GET', path: /^\/predictions\// })).toHaveLength(3);
		expect((result.items[0].json.vlmrun as IDataObject).status).toBe('completed');
	});

	it('Submit Only returns the pending prediction at once and passes the callback URL', async () => {
		const result = await runNode(
			extract({ completion: 'submitOnly', callbackUrl: 'https://n8n.example.com/webhook/vlmrun' }),
			{
				nodeTypes,
				inputItems: [await createBinaryItem({ data: fixture('invoice-1.pdf') })],
				credentials: env.credentials(),
			},
		);
		expect(env.emulator.requests({ method: 'GET', path: /^\/predictions\// })).toHaveLength(0);
		expect(
			env.emulator.requests({ method: 'POST', path: '/document/generate' })[0].body,
		).toMatchObject({
			batch: true,
			callback_url: 'https://n8n.example.com/webhook/vlmrun',
		});
		const json = result.items[0].json;
		expect(json).toMatchObject({ id: expect.any(String), status: 'pending', response: null });
		// The same vlmrun summary as Wait for Result, so {{ $json.vlmrun.predictionId }} works in every mode.
		expect(json.vlmrun).toEqual({
			predictionId: json.id,
			status: 'pending',
			domain: 'document.invoice',
			creditsUsed: 0,
			usage: expect.any(Object),
			fileName: 'invoice-1.pdf',
			mimeType: 'application/pdf',
			binaryProperty: 'data',
			modality: 'document',
		});
	});

	it('a failed prediction fails the node with VLM Run message and the prediction id', async () => {
		const result = await runNode(
			extract({ domain: { __rl: true, mode: 'id', value: 'emulator.fail' } }),
			{
				nodeTypes,
				inputItems: [await createBinaryItem({ data: fixture('invoice-1.pdf') })],
				credentials: env.credentials(),
			},
		);
		expect(result.status).toBe('error');
		const error = result.nodeError('VLM Run');
		// Answered synchronously: the failed prediction came back in the generate call itself.
		expect(env.emulator.requests({ method: 'GET', path: /^\/predictions\// })).toHaveLength(0);
		expect(error?.message).toMatch(/^VLM Run could not finish prediction [0-9a-f-]{36}$/);
		expect(error?.description).toMatch(/VLM Run said: .+/);
	});

	it('a prediction that outlives the timeout fails naming its id and last status', async () => {
		env.emulator.configure({ jobMode: 'manual' });
		const result = await runNode(extract({ timeout: 1, options: { synchronous: false } }), {
			nodeTypes,
			inputItems: [await createBinaryItem({ data: fixture('invoice-1.pdf') })],
			credentials: env.credentials(),
		});
		const error = result.nodeError('VLM Run');
		expect(error?.message).toMatch(/^The prediction [\w-]+ did not finish within 1 s$/);
		expect(error?.description).toContain('Its last status was "pending"');
	});

	it('with continue on fail, one failed file becomes an error item and the other files still succeed', async () => {
		const items = [
			await createBinaryItem({ data: fixture('invoice-1.pdf') }, { domain: 'document.invoice' }),
			await createBinaryItem({ data: fixture('invoice-2.pdf') }, { domain: 'emulator.fail' }),
			await createBinaryItem({ data: fixture('contract.pdf') }, { domain: 'document.invoice' }),
		];
		const result = await runNode(
			extract(
				{ domain: { __rl: true, mode: 'id', value: '={{ $json.domain }}' } },
				{ onError: 'continueRegularOutput' },
			),
			{ nodeTypes, inputItems: items, credentials: env.credentials() },
		);
		expect(result.status).toBe('success');
		expect(result.items).toHaveLength(3);
		expect(result.items.map((item) => item.pairedItem)).toEqual([
			{ item: 0 },
			{ item: 1 },
			{ item: 2 },
		]);
		expect(result.items[0].json.invoice_id).toBeDefined();
		expect(String(result.items[1].json.error)).toMatch(/^VLM Run could not finish prediction /);
		expect(result.items[1].json).toEqual({
			error: expect.stringMatching(/^VLM Run could not finish prediction /),
			details: expect.stringMatching(
				/^File "invoice-2\.pdf" \(binary field "data"\): VLM Run said: /,
			),
		});
		expect(result.items[2].json.invoice_id).toBeDefined();
	});

	it('rides out 429 answers with Retry-After and creates each job exactly once', async () => {
		env.emulator.injectFault({
			method: 'POST',
			path: '/document/generate',
			status: 429,
			retryAfter: '1',
			count: 2,
		});
		const before = env.emulator.jobsCreated().predictions;
		const items = await Promise.all(
			['invoice-1.pdf', 'invoice-2.pdf', 'contract.pdf'].map(
				async (name) => await createBinaryItem({ data: fixture(name) }),
			),
		);
		const result = await runNode(extract({}), {
			nodeTypes,
			inputItems: items,
			credentials: env.credentials(),
		});
		expect(result.status).toBe('success');
		expect(result.items).toHaveLength(3);
		expect(env.emulator.requests({ method: 'POST', path: '/document/generate' })).toHaveLength(5);
		expect(env.emulator.jobsCreated().predictions - before).toBe(3);
	});

	it('never sends more generate calls at once than Max Concurrent Requests', async () => {
		env.emulator.configure({ latencyMs: { 'POST /document/generate': 150 } });
		const items = await Promise.all(
			Array.from(
				{ length: 6 },
				async () => await createBinaryItem({ data: fixture('invoice-1.pdf') }),
			),
		);
		const result = await runNode(extract({ options: { maxConcurrency: 2 } }), {
			nodeTypes,
			inputItems: items,
			credentials: env.credentials(),
		});
		expect(result.items).toHaveLength(6);
		const calls = env.emulator.requests({ method: 'POST', path: '/document/generate' });
		const peak = Math.max(
			...calls.map(
				(call) => calls.filter((other) => other.at <= call.at && call.at < other.at + 150).length,
			),
		);
		expect(peak).toBeLessThanOrEqual(2);
	});
});

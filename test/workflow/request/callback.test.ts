import type { IDataObject } from 'n8n-workflow';

import { VlmRunRequest } from '../../../nodes/VlmRun/VlmRunRequest.node';
import { createBinaryItem, runNode } from '../harness';
import { waitingJobs } from '../resume';
import { fixture, useEmulator, vlmNode } from '../vlmrun';

// What the workflow layer can show of Wait for Callback: n8n's engine really puts the execution to
// wait, and the callback URL is its resume URL. Resuming needs n8n's server (the waiting-webhook
// route), so the callbacks themselves are tested end to end in test/e2e/callbacks.e2e.mjs.

const env = useEmulator();
const nodeTypes = [VlmRunRequest];
const invoice = { __rl: true, mode: 'id', value: 'document.invoice' };

function extract(parameters: IDataObject = {}) {
	return vlmNode('vlmRunRequest', {
		resource: 'prediction',
		operation: 'extract',
		domain: invoice,
		completion: 'waitForCallback',
		...parameters,
	});
}

const invoices = async () =>
	await Promise.all(
		['invoice-1.pdf', 'invoice-2.pdf'].map(
			async (name) => await createBinaryItem({ data: fixture(name) }),
		),
	);

describe('Wait for Callback', () => {
	it('submits every file with the resume URL and puts the execution to wait until the timeout', async () => {
		env.emulator.configure({ jobMode: 'manual' });
		const started = Date.now();
		const result = await runNode(extract({ callbackTimeout: 30 }), {
			nodeTypes,
			inputItems: await invoices(),
			credentials: env.credentials(),
		});
		expect(result.status).toBe('waiting');
		const waitTill = result.run.waitTill?.getTime() ?? 0;
		expect(waitTill).toBeGreaterThanOrEqual(started + 30 * 60_000);
		expect(waitTill).toBeLessThan(Date.now() + 30 * 60_000);

		const submitted = env.emulator.requests({ method: 'POST', path: '/document/generate' });
		expect(submitted).toHaveLength(2);
		for (const call of submitted) {
			expect((call.body as IDataObject).callback_url).toMatch(
				new RegExp(`^http://127\\.0\\.0\\.1:5678/webhook-waiting/${result.executionId}\\b`),
			);
		}
		// While waiting, the node shows one item naming the pending predictions, paired to both inputs.
		const jobs = waitingJobs(result);
		expect(result.items).toEqual([
			{
				json: { status: 'waiting', waitingFor: 'callbacks', jobCount: 2, jobIds: jobs.join(', ') },
				pairedItem: [{ item: 0 }, { item: 1 }],
			},
		]);
		const stored = result.run.data.executionData?.contextData['node:VLM Run']
			?.vlmrunCallbacks as string;
		const { slots } = JSON.parse(stored) as { slots: IDataObject[] };
		expect(slots.map((slot) => (slot.job as IDataObject).id)).toEqual(jobs);
		expect(new Set(jobs).size).toBe(2);
	});

	it('does not wait when every job has finished by the time all are submitted, and outputs what Wait for Result would', async () => {
		env.emulator.configure({ jobMode: 'polls', pollsToComplete: 1 });
		const result = await runNode(extract(), {
			nodeTypes,
			inputItems: await invoices(),
			credentials: env.credentials(),
		});
		expect(result.status).toBe('success');
		expect(result.run.waitTill).toBeUndefined();
		const polled = await runNode(extract({ completion: 'waitForResult' }), {
			nodeTypes,
			inputItems: await invoices(),
			credentials: env.credentials(),
		});
		const strip = ({ vlmrun, ...data }: IDataObject) => [
			data,
			Object.keys(vlmrun as IDataObject).sort(),
		];
		expect(result.items.map((item) => strip(item.json))).toEqual(
			polled.items.map((item) => strip(item.json)),
		);
		expect(result.items.map((item) => (item.json.vlmrun as IDataObject).status)).toEqual([
			'completed',
			'completed',
		]);
	});

	it('fails the node, naming the prediction, when a job has already failed before the wait', async () => {
		env.emulator.configure({ jobMode: 'polls', pollsToComplete: 1 });
		const result = await runNode(
			extract({ domain: { __rl: true, mode: 'id', value: 'emulator.fail' } }),
			{
				nodeTypes,
				inputItems: [await createBinaryItem({ data: fixture('invoice-1.pdf') })],
				credentials: env.credentials(),
			},
		);
		expect(result.status).toBe('error');
		expect(result.nodeError('VLM Run')?.message).toMatch(/^VLM Run could not finish prediction /);
	});
});

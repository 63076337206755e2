import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { readBinary, type WorkflowRunResult } from '../harness';
import { resumeWaiting, waitingJobs } from '../resume';
import { useEmulator } from '../vlmrun';
import { executeBodies, nodeTypes, pdfItem, run, runParams, vlmrunOf } from './execution';

// Wait for Callback in the Execution node. n8n's engine really puts the execution to wait; the
// callbacks then go through the node's webhook() in n8n-core's WebhookContext (see ../resume.ts).
// The whole round trip in n8n's server is in test/e2e/execution-callback.e2e.mjs.

const SECRET = 'whsec_workflow_execution';
const env = useEmulator({ webhookSecret: SECRET });
const credentials = () => ({
	vlmRunApi: { ...env.credentials().vlmRunApi, webhookSecret: SECRET },
});
jest.setTimeout(30_000);

const DRAW = 'Summarise the package and draw an image of it.';
const waitParams = (parameters: IDataObject = {}) =>
	runParams({ prompt: DRAW, completion: 'waitForCallback', ...parameters });
const twoPdfs = async () => [await pdfItem('invoice-1.pdf'), await pdfItem('invoice-2.pdf')];

const without = (object: IDataObject, ...keys: string[]) =>
	Object.fromEntries(Object.entries(object).filter(([key]) => !keys.includes(key)));

/** The item without what differs from one run to the next: ids, artifact refs, upload ids, durations. */
function comparable(item: INodeExecutionData) {
	const vlmrun = item.json.vlmrun as IDataObject;
	return {
		response: without(item.json, 'vlmrun', 'artifacts'),
		artifacts: Object.keys(item.json.artifacts as IDataObject),
		vlmrun: {
			...without(vlmrun, 'executionId', 'inputs', 'artifacts'),
			usage: without(vlmrun.usage as IDataObject, 'duration_seconds'),
		},
		inputs: (vlmrun.inputs as IDataObject[]).map((input) => without(input, 'fileId')),
		binaries: Object.values(item.binary ?? {}).map((binary) => [
			binary.mimeType,
			binary.fileName?.replace(/_\w+\./, '_*.'),
		]),
		downloaded: (vlmrun.artifacts as IDataObject[]).map((summary) => summary.downloaded),
		pairedItem: item.pairedItem,
	};
}

/** Finishes the execution on the emulator and delivers its signed callback to the waiting run. */
async function callBack(
	waiting: WorkflowRunResult,
	executionId: string,
	to: 'completed' | 'failed' = 'completed',
) {
	await env.emulator.advanceJob(executionId, to);
	const delivery = env.emulator.webhookDeliveries().find((sent) => sent.jobId === executionId);
	if (!delivery) throw new Error(`the emulator did not call back for ${executionId}`);
	return await resumeWaiting(waiting, {
		nodeTypes,
		credentials: credentials(),
		body: delivery.body,
		headers: { 'x-vlmrun-signature': String(delivery.signature) },
	});
}

describe('Execution → Run: Wait for Callback', () => {
	it('sends the resume URL as callback_url of each execution and puts the run to wait until the timeout', async () => {
		env.emulator.configure({ jobMode: 'manual' });
		const started = Date.now();
		const result = await run(credentials(), waitParams({ callbackTimeout: 45 }), await twoPdfs());
		expect(result.status).toBe('waiting');
		const waitTill = result.run.waitTill?.getTime() ?? 0;
		expect(waitTill).toBeGreaterThanOrEqual(started + 45 * 60_000);
		expect(waitTill).toBeLessThan(Date.now() + 45 * 60_000);

		const bodies = executeBodies(env.emulator);
		expect(bodies).toHaveLength(2);
		for (const body of bodies) {
			expect(body.callback_url).toMatch(
				new RegExp(
					`^http://127\\.0\\.0\\.1:5678/webhook-waiting/${result.executionId}\\?signature=`,
				),
			);
		}
		const jobs = waitingJobs(result);
		expect(result.items).toEqual([
			{
				json: { status: 'waiting', waitingFor: 'callbacks', jobCount: 2, jobIds: jobs.join(', ') },
				pairedItem: [{ item: 0 }, { item: 1 }],
			},
		]);
		const stored = (
			JSON.parse(
				result.run.data.executionData?.contextData['node:VLM Run']?.vlmrunCallbacks as string,
			) as { slots: IDataObject[] }
		).slots;
		expect(stored.map((slot) => (slot.job as IDataObject).kind)).toEqual([
			'execution',
			'execution',
		]);
		expect(stored.map((slot) => (slot.job as IDataObject).id)).toEqual(jobs);
		expect(new Set(jobs).size).toBe(2);
	});

	it('resumes once every execution has called back, with the items and artifact binaries of Wait for Result', async () => {
		const polled = await run(
			credentials(),
			waitParams({ completion: 'waitForResult' }),
			await twoPdfs(),
		);
		expect(polled.status).toBe('success');

		env.emulator.configure({ jobMode: 'manual' });
		const waiting = await run(credentials(), waitParams(), await twoPdfs());
		expect(waiting.status).toBe('waiting');
		const [first, second] = waitingJobs(waiting);

		const early = await callBack(waiting, second);
		expect(early.status).toBe(200);
		expect(early.items).toBeUndefined();

		const last = await callBack(waiting, first);
		expect(last.response.webhookResponse).toEqual({ received: first, resumed: true });
		const items = last.items as INodeExecutionData[];
		expect(items.map((item) => vlmrunOf(item).executionId)).toEqual([first, second]);
		expect(items.map(comparable)).toEqual(polled.items.map(comparable));
		for (const item of items) {
			const ref = (item.json.artifacts as Record<string, { id: string }>).image.id;
			expect((await readBinary(item, ref)).subarray(1, 4).toString()).toBe('PNG');
		}
	});

	it('with one execution for all items, waits for it and resumes with one item paired to every input', async () => {
		const polled = await run(
			credentials(),
			waitParams({ completion: 'waitForResult', grouping: 'allItems' }),
			await twoPdfs(),
		);

		env.emulator.configure({ jobMode: 'manual' });
		const waiting = await run(credentials(), waitParams({ grouping: 'allItems' }), await twoPdfs());
		expect(waiting.status).toBe('waiting');
		expect(executeBodies(env.emulator).slice(1)).toHaveLength(1);
		expect(waiting.items[0].pairedItem).toEqual([{ item: 0 }, { item: 1 }]);
		const [id] = waitingJobs(waiting);
		expect(waitingJobs(waiting)).toHaveLength(1);

		const resumed = await callBack(waiting, id);
		expect((resumed.items as INodeExecutionData[]).map(comparable)).toEqual(
			polled.items.map(comparable),
		);
	});

	it('a forged callback is refused with 401 and resumes nothing', async () => {
		env.emulator.configure({ jobMode: 'manual' });
		const waiting = await run(credentials(), waitParams(), [await pdfItem()]);
		const body = JSON.stringify({
			id: waitingJobs(waiting)[0],
			status: 'completed',
			response: { approved: true },
		});
		const answer = await resumeWaiting(waiting, {
			nodeTypes,
			credentials: credentials(),
			body,
			headers: { 'x-vlmrun-signature': 'sha256=00' },
		});
		expect(answer.status).toBe(401);
		expect(answer.items).toBeUndefined();
	});

	it('a failed execution resumes as an error item naming it', async () => {
		env.emulator.configure({ jobMode: 'manual' });
		const waiting = await run(credentials(), waitParams(), [await pdfItem()]);
		const [id] = waitingJobs(waiting);
		const resumed = await callBack(waiting, id, 'failed');
		expect(resumed.items).toEqual([
			{
				json: { error: `VLM Run could not finish execution ${id}`, details: expect.any(String) },
				pairedItem: { item: 0 },
			},
		]);
	});

	it('does not wait when the executions have finished by the time all are submitted, and outputs what Wait for Result would', async () => {
		env.emulator.configure({ jobMode: 'polls', pollsToComplete: 1 });
		const result = await run(credentials(), waitParams(), await twoPdfs());
		expect(result.status).toBe('success');
		expect(result.run.waitTill).toBeUndefined();
		const polled = await run(
			credentials(),
			waitParams({ completion: 'waitForResult' }),
			await twoPdfs(),
		);
		expect(result.items.map(comparable)).toEqual(polled.items.map(comparable));
		expect(result.items.map((item) => vlmrunOf(item).status)).toEqual(['completed', 'completed']);
	});

	it('fails the node, naming the execution, when one has already failed before the wait', async () => {
		env.emulator.configure({ jobMode: 'polls', pollsToComplete: 1 });
		const result = await run(
			credentials(),
			waitParams({ prompt: 'Check this emulator-fail package' }),
			[await pdfItem()],
		);
		expect(result.status).toBe('error');
		expect(result.run.waitTill).toBeUndefined();
		expect(result.nodeError('VLM Run')?.message).toMatch(
			/^VLM Run could not finish execution [\w-]+$/,
		);
	});
});

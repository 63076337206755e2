import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import {
	callbackWebhooks,
	resumeFromCallback,
	waitForCallbacks,
	type JobShapers,
} from '../../../nodes/VlmRun/shared/callback';
import { resumeUrl, type JobOutput } from '../../../nodes/VlmRun/shared/jobs';
import {
	executeContext,
	signatureHeader,
	webhookContext,
	type WebhookSetup,
} from '../webhookContext';

const SECRET = 'whsec_unit';
const shapers: JobShapers = {
	prediction: async (_ctx, job, shape, itemIndex) => ({
		json: { total: (job.response as IDataObject).total, mode: shape.output, itemIndex },
		binary: { report: { data: '', mimeType: 'text/plain' } },
	}),
};
const done = (id: string, total = 1) => ({ id, status: 'completed', response: { total } });
const failed = (id: string) => ({
	id,
	status: 'failed',
	response: null,
	message: 'Unreadable file',
});

/** The output of route(): a plain item, then one pending item per job. */
function routeOutput(jobIds: string[]): JobOutput[][] {
	const plain: INodeExecutionData = { json: { error: 'Bad URL' }, pairedItem: { item: 0 } };
	const pending = jobIds.map(
		(id, n): JobOutput => ({
			json: { id, status: 'pending' },
			binary: { data: { data: '', mimeType: 'application/pdf' } },
			pairedItem: { item: n + 1 },
			awaiting: {
				kind: 'prediction',
				id,
				itemIndex: n + 1,
				deadline: 1_000_000 * (n + 1),
				shape: { output: 'data' },
			},
		}),
	);
	return [[plain, ...pending]];
}

const withoutJobs = (output: JobOutput[][]) => [
	output[0].map((item) => {
		const copy = { ...item };
		delete copy.awaiting;
		return copy;
	}),
];

describe('Wait for Callback: execute()', () => {
	it('declares the resume webhook n8n routes $execution.resumeUrl to', () => {
		expect(callbackWebhooks).toEqual([
			expect.objectContaining({ httpMethod: 'POST', path: '', restartWebhook: true }),
		]);
	});

	it('sends the resume URL as callback URL, except when the node runs as an AI tool', () => {
		expect(resumeUrl(executeContext().ctx, 0)).toBe(
			'http://n8n.test/webhook-waiting/7?signature=t0k',
		);
		expect(() =>
			resumeUrl(executeContext({ nodeType: 'n8n-nodes-vlmrun.vlmRunRequestTool' }).ctx, 0),
		).toThrow('Wait for Callback is not available when the node runs as an AI tool');
	});

	it('passes an output without pending jobs through untouched', async () => {
		const { ctx, waits, sent } = executeContext();
		const output = [[{ json: { total: 1 }, pairedItem: { item: 0 } }]];
		expect(await waitForCallbacks.call(ctx, output, shapers)).toEqual(output);
		expect(waits).toEqual([]);
		expect(sent).toEqual([]);
	});

	it('waits until the latest deadline and keeps the jobs in the node context', async () => {
		const api = {
			'GET /predictions/p1': { statusCode: 200, body: { id: 'p1', status: 'running' } },
		};
		const { ctx, waits, nodeContext, sent } = executeContext({ api });
		const output = routeOutput(['p1', 'p2']);
		expect(await waitForCallbacks.call(ctx, output, shapers)).toEqual(withoutJobs(output));
		expect(sent).toEqual(['GET /predictions/p1']);
		expect(waits).toEqual([new Date(2_000_000)]);
		const slots = JSON.parse(nodeContext.vlmrunCallbacks as string);
		expect(slots).toHaveLength(3);
		expect(slots[0]).toEqual({ item: withoutJobs(output)[0][0] });
		expect(slots[2].job).toMatchObject({ kind: 'prediction', id: 'p2', itemIndex: 2 });
	});

	it('does not wait when every job has already finished, and fails on a failed job', async () => {
		const api = {
			'GET /predictions/p1': { statusCode: 200, body: done('p1', 7) },
			'GET /predictions/p2': { statusCode: 200, body: failed('p2') },
		};
		const stop = executeContext({ api: structuredClone(api) });
		await expect(
			waitForCallbacks.call(stop.ctx, routeOutput(['p1', 'p2']), shapers),
		).rejects.toThrow('VLM Run could not finish prediction p2');
		expect(stop.waits).toEqual([]);

		const go = executeContext({ api, continueOnFail: true });
		const [items] = await waitForCallbacks.call(go.ctx, routeOutput(['p1', 'p2']), shapers);
		expect(go.waits).toEqual([]);
		expect(items[1]).toMatchObject({
			json: { total: 7, mode: 'data', itemIndex: 1 },
			pairedItem: { item: 1 },
			binary: { data: expect.anything() },
		});
		expect(items[2].json.error).toBe('VLM Run could not finish prediction p2');
		expect(items[2].pairedItem).toEqual({ item: 2 });
	});

	it('still waits when the jobs cannot be checked', async () => {
		const api = { 'GET /predictions/p1': { statusCode: 401 } };
		const { ctx, waits, warnings } = executeContext({ api });
		await waitForCallbacks.call(ctx, routeOutput(['p1']), shapers);
		expect(waits).toHaveLength(1);
		expect(warnings[0]).toMatch(/waiting for their callbacks/);
	});
});

describe('Wait for Callback: webhook()', () => {
	async function storedSlots(jobIds: string[]) {
		const { ctx, nodeContext } = executeContext({
			api: { [`GET /predictions/${jobIds[0]}`]: { statusCode: 200, body: { status: 'running' } } },
		});
		await waitForCallbacks.call(ctx, routeOutput(jobIds), shapers);
		return nodeContext.vlmrunCallbacks as string;
	}

	async function callback(
		job: IDataObject,
		setup: Partial<WebhookSetup> & { jobIds?: string[] } = {},
	) {
		const body = JSON.stringify(job);
		const run = webhookContext({
			body,
			secret: SECRET,
			headers: signatureHeader(SECRET, body),
			nodeName: 'Extract',
			expressionValue: await storedSlots(setup.jobIds ?? ['p1', 'p2']),
			...setup,
		});
		return { ...run, result: await resumeFromCallback.call(run.ctx, shapers) };
	}

	it('reads the jobs from the node context through an expression that no node name can break', async () => {
		const { expressions } = await callback(done('p1'), {
			nodeName: 'My "VLM" }} {{ node',
			api: { 'GET /predictions/p2': { statusCode: 200, body: { status: 'running' } } },
		});
		expect(expressions).toEqual([
			'{{ $node["My \\"VLM\\" \\u007d\\u007d \\u007b\\u007b node"].context["vlmrunCallbacks"] }}',
		]);
	});

	it('refuses an unsigned or forged callback with 401 and does not resume', async () => {
		const { result, response, sent } = await callback(done('p1'), { headers: {} });
		expect(result).toEqual({ noWebhookResponse: true });
		expect(response.status).toBe(401);
		expect(sent).toEqual([]);
	});

	it('acknowledges a callback for a job it does not wait for with 200', async () => {
		const { result, response } = await callback(done('p9'));
		expect(result.workflowData).toBeUndefined();
		expect(response).toEqual({
			status: 200,
			body: { received: 'p9', ignored: 'This execution is not waiting for this job' },
		});
	});

	it('answers 202 and keeps waiting while another job is still running', async () => {
		const { result, response, sent } = await callback(done('p1'), {
			api: { 'GET /predictions/p2': { statusCode: 200, body: { id: 'p2', status: 'running' } } },
		});
		expect(result.workflowData).toBeUndefined();
		expect(response.status).toBe(202);
		expect(sent).toEqual(['GET /predictions/p2']);
	});

	it('resumes with every slot in order once the last job has called back', async () => {
		const { result, response, sent } = await callback(failed('p2'), {
			api: { 'GET /predictions/p1': { statusCode: 200, body: done('p1', 4) } },
		});
		expect(response.status).toBeUndefined();
		expect(sent).toEqual(['GET /predictions/p1']);
		expect(result.webhookResponse).toEqual({ received: 'p2', resumed: true });
		const [[plain, first, second]] = result.workflowData as INodeExecutionData[][];
		expect(plain).toEqual({ json: { error: 'Bad URL' }, pairedItem: { item: 0 } });
		expect(first).toMatchObject({
			json: { total: 4, mode: 'data', itemIndex: 1 },
			pairedItem: { item: 1 },
		});
		expect(Object.keys(first.binary ?? {})).toEqual(['data', 'report']);
		expect(second).toEqual({
			json: {
				error: 'VLM Run could not finish prediction p2',
				details: expect.stringContaining('Unreadable file'),
			},
			pairedItem: { item: 2 },
		});
	});

	it('fetches a trimmed callback payload again', async () => {
		const { result, sent } = await callback(
			{ id: 'p1', status: 'completed' },
			{ jobIds: ['p1'], api: { 'GET /predictions/p1': { statusCode: 200, body: done('p1', 9) } } },
		);
		expect(sent).toEqual(['GET /predictions/p1']);
		expect((result.workflowData as INodeExecutionData[][])[0][1].json).toEqual({
			total: 9,
			mode: 'data',
			itemIndex: 1,
		});
	});

	it('answers 503 (so VLM Run delivers again) when the other jobs cannot be read', async () => {
		const { result, response } = await callback(done('p1'), {
			api: { 'GET /predictions/p2': { statusCode: 401 } },
		});
		expect(result.workflowData).toBeUndefined();
		expect(response.status).toBe(503);
	});
});

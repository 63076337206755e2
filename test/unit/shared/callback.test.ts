import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import {
	callbackWebhooks,
	waitForCallbacks,
	type JobShapers,
} from '../../../nodes/VlmRun/shared/callback';
import { resumeFromCallback } from '../../../nodes/VlmRun/shared/callbackTally';
import { resumeUrl } from '../../../nodes/VlmRun/shared/completion';
import type { JobOutput } from '../../../nodes/VlmRun/shared/jobs';
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
/** A job completed at `at` ms after the epoch, on VLM Run's clock. */
const doneAt = (id: string, at: number, total = 1) => ({
	...done(id, total),
	completed_at: new Date(at).toISOString(),
});
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

	it('sends the resume URL, naming the wait of the run, as callback URL, except when the node runs as an AI tool', () => {
		const { ctx } = executeContext();
		const url = resumeUrl(ctx, 0);
		expect(url).toMatch(
			/^http:\/\/n8n\.test\/webhook-waiting\/7\?signature=t0k&vlmrunWait=[0-9a-f-]{36}$/,
		);
		expect(resumeUrl(ctx, 1)).toBe(url);
		expect(resumeUrl(executeContext().ctx, 0)).not.toBe(url);
		expect(() =>
			resumeUrl(executeContext({ nodeType: 'n8n-nodes-vlmrun.vlmRunRequestTool' }).ctx, 0),
		).toThrow('Wait for Callback is not available when the node runs as an AI tool');
	});

	it('passes an output without pending jobs through untouched', async () => {
		const { ctx, waits, sent } = executeContext();
		const output = [[{ json: { total: 1 }, pairedItem: { item: 0 } }]];
		expect(await waitForCallbacks(ctx, output, shapers)).toEqual(output);
		expect(waits).toEqual([]);
		expect(sent).toEqual([]);
	});

	it('waits until the latest deadline and keeps the jobs in the node context under a fresh wait id', async () => {
		const api = {
			'GET /predictions': {
				statusCode: 200,
				body: [
					{ id: 'p2', status: 'pending' },
					{ id: 'other', status: 'completed' },
					{ id: 'p1', status: 'running' },
				],
			},
		};
		const { ctx, waits, nodeContext, sent } = executeContext({ api });
		const output = routeOutput(['p1', 'p2']);
		// While waiting, one item names the jobs; the items and their binaries wait in the saved state.
		expect(await waitForCallbacks(ctx, output, shapers)).toEqual([
			[
				{
					json: { status: 'waiting', waitingFor: 'callbacks', jobCount: 2, jobIds: 'p1, p2' },
					pairedItem: [{ item: 0 }, { item: 1 }, { item: 2 }],
				},
			],
		]);
		// One list request, whatever the number of jobs.
		expect(sent).toEqual(['GET /predictions']);
		expect(waits).toEqual([new Date(2_000_000)]);
		expect(nodeContext.vlmrunCallbackWait).toMatch(/^[0-9a-f-]{36}$/);
		const saved = JSON.parse(nodeContext.vlmrunCallbacks as string);
		expect(saved.deadline).toBe(2_000_000);
		expect(saved.shapes).toEqual([{ output: 'data' }]);
		expect(saved.slots).toEqual([
			{ item: withoutJobs(output)[0][0] },
			...['p1', 'p2'].map((id, n) => ({
				job: {
					kind: 'prediction',
					id,
					itemIndex: n + 1,
					shape: 0,
					binary: { data: { data: '', mimeType: 'application/pdf' } },
				},
			})),
		]);
	});

	it('reads a job that newer ones pushed out of the list by its id', async () => {
		const api = {
			'GET /predictions': { statusCode: 200, body: [{ id: 'p1', status: 'running' }] },
			'GET /predictions/p2': { statusCode: 200, body: { id: 'p2', status: 'running' } },
		};
		const { ctx, waits, sent } = executeContext({ api });
		await waitForCallbacks(ctx, routeOutput(['p1', 'p2']), shapers);
		expect(sent).toEqual(['GET /predictions', 'GET /predictions/p2']);
		expect(waits).toHaveLength(1);
	});

	it('does not wait when every job has already finished, and fails on a failed job', async () => {
		const api = {
			'GET /predictions': { statusCode: 200, body: [failed('p2'), done('p1', 7)] },
		};
		const stop = executeContext({ api: structuredClone(api) });
		await expect(waitForCallbacks(stop.ctx, routeOutput(['p1', 'p2']), shapers)).rejects.toThrow(
			'VLM Run could not finish prediction p2',
		);
		expect(stop.waits).toEqual([]);

		const go = executeContext({ api, continueOnFail: true });
		const [items] = await waitForCallbacks(go.ctx, routeOutput(['p1', 'p2']), shapers);
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
		const api = { 'GET /predictions': { statusCode: 401 } };
		const { ctx, waits, warnings } = executeContext({ api });
		await waitForCallbacks(ctx, routeOutput(['p1']), shapers);
		expect(waits).toHaveLength(1);
		expect(warnings[0]).toMatch(/waiting for their callbacks/);
	});
});

describe('Wait for Callback: webhook()', () => {
	/** Puts a run with these jobs (all still running) to wait; returns its node context. */
	async function waitingRun(jobIds = ['p1', 'p2']): Promise<IDataObject> {
		const running = jobIds.map((id) => ({ id, status: 'running' }));
		const { ctx, nodeContext } = executeContext({
			api: { 'GET /predictions': { statusCode: 200, body: running } },
		});
		await waitForCallbacks(ctx, routeOutput(jobIds), shapers);
		return nodeContext;
	}

	/** Delivers `job` to the waiting run, as n8n's waiting-webhook route runs webhook(). */
	async function deliver(
		nodeContext: IDataObject,
		job: IDataObject,
		setup: Partial<WebhookSetup> = {},
	) {
		const body = JSON.stringify(job);
		const run = webhookContext({
			body,
			secret: SECRET,
			headers: signatureHeader(SECRET, body),
			nodeName: 'Extract',
			expressionValue: (expression: string) =>
				nodeContext[/context\["(\w+)"\]/.exec(expression)?.[1] ?? ''],
			...setup,
		});
		return { ...run, result: await resumeFromCallback(run.ctx, shapers) };
	}

	const list = (...jobs: IDataObject[]) => ({
		'GET /predictions': { statusCode: 200, body: jobs },
	});

	it('finds the wait named in the callback URL, reading the node context once per process and wait', async () => {
		const wait = await waitingRun(['p1', 'p2']);
		const query = { signature: 't0k', vlmrunWait: String(wait.vlmrunCallbackWait) };
		const api = list({ id: 'p1', status: 'running' }, { id: 'p2', status: 'running' });
		const first = await deliver(wait, done('p1'), { query, api });
		expect(first.expressions).toEqual(['{{ $node["Extract"].context["vlmrunCallbacks"] }}']);
		const last = await deliver(wait, done('p2'), { query });
		expect(last.expressions).toEqual([]);
		expect(last.result.webhookResponse).toEqual({ received: 'p2', resumed: true });
	});

	it('reads the signing secret once per wait, and again when a delivery does not match it', async () => {
		const wait = await waitingRun(['p1', 'p2', 'p3']);
		const query = { vlmrunWait: String(wait.vlmrunCallbackWait) };
		const api = list(
			{ id: 'p1', status: 'running' },
			{ id: 'p2', status: 'running' },
			{ id: 'p3', status: 'running' },
		);
		const first = await deliver(wait, done('p1'), { query, api });
		expect(first.credentialReads.count).toBeGreaterThan(0);
		const second = await deliver(wait, done('p2'), { query });
		expect(second.credentialReads.count).toBe(0);
		expect(second.response.status).toBe(200);
		// The secret was changed in the credential meanwhile: the delivery is checked against it.
		const body = JSON.stringify(done('p3'));
		const rotated = await deliver(wait, done('p3'), {
			query,
			secret: 'whsec_new',
			headers: signatureHeader('whsec_new', body),
		});
		expect(rotated.credentialReads.count).toBe(1);
		expect(rotated.result.webhookResponse).toEqual({ received: 'p3', resumed: true });
	});

	it('reads the wait from the node context through expressions that no node name can break', async () => {
		const { expressions } = await deliver(await waitingRun(), done('p1'), {
			nodeName: 'My "VLM" }} {{ node',
			api: list(done('p1'), { id: 'p2', status: 'running' }),
		});
		const node = '$node["My \\"VLM\\" \\u007d\\u007d \\u007b\\u007b node"]';
		expect(expressions).toEqual([
			`{{ ${node}.context["vlmrunCallbackWait"] }}`,
			`{{ ${node}.context["vlmrunCallbacks"] }}`,
		]);
	});

	it('refuses an unsigned or forged callback with 401 and does not resume', async () => {
		const { result, response, sent } = await deliver(await waitingRun(), done('p1'), {
			headers: {},
		});
		expect(result).toEqual({ noWebhookResponse: true });
		expect(response.status).toBe(401);
		expect(sent).toEqual([]);
	});

	it('acknowledges a callback for a job it does not wait for with 200', async () => {
		const { result, response, sent } = await deliver(await waitingRun(), done('p9'));
		expect(result.workflowData).toBeUndefined();
		expect(response).toEqual({
			status: 200,
			body: { received: 'p9', ignored: 'This execution is not waiting for this job' },
		});
		expect(sent).toEqual([]);
	});

	it('learns the other jobs with one list request on its first callback, then resumes on the last without any request', async () => {
		const wait = await waitingRun(['p1', 'p2', 'p3']);
		const first = await deliver(wait, done('p1', 4), {
			api: list({ id: 'p3', status: 'running' }, { id: 'p2', status: 'running' }, done('p1', 4)),
		});
		expect(first.sent).toEqual(['GET /predictions']);
		expect(first.result.workflowData).toBeUndefined();
		expect(first.response).toEqual({ status: 200, body: { received: 'p1', waitingFor: 2 } });

		const second = await deliver(wait, failed('p3'));
		expect(second.sent).toEqual([]);
		expect(second.response).toEqual({ status: 200, body: { received: 'p3', waitingFor: 1 } });

		const last = await deliver(wait, done('p2', 5));
		expect(last.sent).toEqual([]);
		expect(last.response.status).toBeUndefined();
		expect(last.result.webhookResponse).toEqual({ received: 'p2', resumed: true });
		const [[plain, one, two, three]] = last.result.workflowData as INodeExecutionData[][];
		expect(plain).toEqual({ json: { error: 'Bad URL' }, pairedItem: { item: 0 } });
		expect(one).toMatchObject({
			json: { total: 4, mode: 'data', itemIndex: 1 },
			pairedItem: { item: 1 },
		});
		expect(Object.keys(one.binary ?? {})).toEqual(['data', 'report']);
		expect(two.json).toEqual({ total: 5, mode: 'data', itemIndex: 2 });
		expect(three).toEqual({
			json: {
				error: 'VLM Run could not finish prediction p3',
				details: expect.stringContaining('Unreadable file'),
			},
			pairedItem: { item: 3 },
		});
	});

	it('resumes exactly once when the two last callbacks race, and answers every other delivery 200', async () => {
		const wait = await waitingRun(['p1', 'p2']);
		const api = list({ id: 'p1', status: 'running' }, { id: 'p2', status: 'running' });
		const racing = await Promise.all([
			deliver(wait, done('p1'), { api }),
			deliver(wait, done('p2'), { api }),
			deliver(wait, done('p2'), { api }),
		]);
		const resumed = racing.filter(({ result }) => result.workflowData !== undefined);
		expect(resumed).toHaveLength(1);
		const others = racing.filter(({ result }) => result.workflowData === undefined);
		expect(others.map(({ response }) => response.status)).toEqual([200, 200]);
		// A repeat after the resume (while n8n still lets it through) is acknowledged, not resumed.
		const repeat = await deliver(wait, done('p1'));
		expect(repeat.result.workflowData).toBeUndefined();
		expect(repeat.response).toEqual({ status: 200, body: { received: 'p1', resumed: true } });
		expect(racing.flatMap(({ sent }) => sent)).toEqual(['GET /predictions']);
	});

	it('counts a job whose callback went elsewhere long before (a process since restarted), from the list', async () => {
		const wait = await waitingRun(['p1', 'p2']);
		const { result, sent } = await deliver(wait, doneAt('p2', 60_000, 2), {
			api: list(doneAt('p2', 60_000, 2), doneAt('p1', 0, 1)),
		});
		expect(sent).toEqual(['GET /predictions']);
		expect(
			(result.workflowData as INodeExecutionData[][])[0].map((item) => item.json.total),
		).toEqual([undefined, 1, 2]);
	});

	it('waits for the deliveries of jobs that finished together with the first one, so none of them meets a running execution', async () => {
		const wait = await waitingRun(['p1', 'p2', 'p3']);
		const api = list(doneAt('p3', 1_000), doneAt('p2', 1_000), doneAt('p1', 1_000));
		const first = await deliver(wait, doneAt('p1', 1_000), { api });
		// The list shows all three finished, but two deliveries are still on their way.
		expect(first.sent).toEqual(['GET /predictions']);
		expect(first.response).toEqual({ status: 200, body: { received: 'p1', waitingFor: 2 } });
		const second = await deliver(wait, doneAt('p3', 1_000));
		expect(second.response).toEqual({ status: 200, body: { received: 'p3', waitingFor: 1 } });
		const last = await deliver(wait, doneAt('p2', 1_000));
		expect(last.result.webhookResponse).toEqual({ received: 'p2', resumed: true });
	});

	it('does not wait for the delivery of a job that had finished when the execution went to wait', async () => {
		const { ctx, nodeContext } = executeContext({
			api: list(doneAt('p1', 1_000), { id: 'p2', status: 'running' }),
		});
		await waitForCallbacks(ctx, routeOutput(['p1', 'p2']), shapers);
		const { result } = await deliver(nodeContext, doneAt('p2', 1_500), {
			api: list(doneAt('p2', 1_500), doneAt('p1', 1_000)),
		});
		expect(result.webhookResponse).toEqual({ received: 'p2', resumed: true });
	});

	it('fetches a delivery that came without the result again', async () => {
		const wait = await waitingRun(['p1']);
		const { result, sent } = await deliver(
			wait,
			{ id: 'p1', status: 'completed' },
			{ api: { 'GET /predictions/p1': { statusCode: 200, body: done('p1', 9) }, ...list() } },
		);
		// Its own job was the only one: nothing else to learn.
		expect(sent).toEqual(['GET /predictions/p1']);
		expect((result.workflowData as INodeExecutionData[][])[0][1].json).toEqual({
			total: 9,
			mode: 'data',
			itemIndex: 1,
		});
	});

	it('answers 503 (so VLM Run delivers again) while the other jobs cannot be read, and keeps what it learnt', async () => {
		const wait = await waitingRun(['p1', 'p2']);
		const refused = await deliver(wait, done('p1'), {
			api: { 'GET /predictions': { statusCode: 401 } },
		});
		expect(refused.result.workflowData).toBeUndefined();
		expect(refused.response.status).toBe(503);
		const last = await deliver(wait, done('p2'), {
			api: list({ id: 'p1', status: 'running' }, { id: 'p2', status: 'running' }),
		});
		// p1 was kept from the refused delivery, p2 is this one: nothing left to read.
		expect(last.sent).toEqual([]);
		expect(last.result.webhookResponse).toEqual({ received: 'p2', resumed: true });
	});
});

// Callbacks in a real n8n server: the VLM Run Trigger receiving the emulator's signed webhook
// deliveries (and turning forged ones away), and the Request node's Wait for Callback mode, where
// the execution waits in n8n until the emulator calls its resume URL. Run through test/e2e/run.mjs.
// The emulator runs jobs in manual mode: a job finishes, and calls back, when a test advances it.
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { after, before, describe, test } from 'node:test';

import {
	PACKAGE,
	createN8n,
	importCredentials,
	importWorkflow,
	newId,
	nodeOutput,
	waitingJobs,
	publishWorkflow,
	sleep,
	startEmulator,
	startServer,
	workflowNode as node,
} from './n8n.mjs';

const REQUEST_NODE = `${PACKAGE.name}.vlmRunRequest`;
const TRIGGER_NODE = `${PACKAGE.name}.vlmRunTrigger`;
const SECRET = 'whsec_e2e_callbacks_5b9d1f';
const TRIGGER_WEBHOOK_ID = 'c0ffee00-0000-4000-8000-00000000a001';
const CRED = { id: 'vlmCredCallbk001', name: 'VLM Run (emulator, signed)', type: 'vlmRunApi' };
const credentials = { vlmRunApi: { id: CRED.id, name: CRED.name } };

/**
 * Webhook (POST /webhook/<path>) → VLM Run Request, Extract from URLs with document.invoice. The
 * editor gives the Request node a webhookId now that it declares a webhook; `withWebhookId: false`
 * stands for a node saved before that.
 */
function extractWorkflow(
	path,
	completion,
	urls = ['https://files.example.com/invoice.pdf'],
	{ withWebhookId = true } = {},
) {
	return {
		name: `callbacks: ${path}`,
		nodes: [
			node(
				'Start',
				'n8n-nodes-base.webhook',
				{ path, httpMethod: 'POST' },
				{ typeVersion: 2, webhookId: newId() },
			),
			node(
				'Extract',
				REQUEST_NODE,
				{
					resource: 'prediction',
					operation: 'extract',
					inputSource: 'url',
					urls: urls.join('\n'),
					domain: { __rl: true, mode: 'id', value: 'document.invoice' },
					...completion,
				},
				{ credentials, ...(withWebhookId ? { webhookId: newId() } : {}) },
			),
		],
		connections: { Start: { main: [[{ node: 'Extract', type: 'main', index: 0 }]] } },
	};
}

describe('callbacks', { timeout: 600_000 }, () => {
	let emulator;
	let n8n;
	let server;
	let triggerUrl;
	const ids = {};

	// startServer is ready before n8n has registered the published workflows' webhooks.
	async function post(path, body = {}, headers = {}) {
		for (let attempt = 0; ; attempt++) {
			const res = await fetch(`${server.url}/webhook/${path}`, {
				method: 'POST',
				headers: { 'content-type': 'application/json', ...headers },
				body: typeof body === 'string' ? body : JSON.stringify(body),
			});
			if (res.status !== 404 || attempt >= 60)
				return { status: res.status, body: await res.text() };
			await sleep(500);
		}
	}

	const executionsOf = async (workflowId) =>
		(await server.api('GET', `/executions?workflowId=${workflowId}&limit=100`)).data;
	const finished = (execution) =>
		['success', 'error', 'crashed', 'canceled'].includes(execution.status);

	/** Starts a workflow through its webhook and returns its execution once `predicate` holds. */
	async function start(workflowId, path, predicate = finished) {
		const before = new Set((await executionsOf(workflowId)).map((e) => e.id));
		const res = await post(path);
		assert.equal(res.status, 200, res.body);
		return await server.waitForExecution(
			{ workflowId },
			(e) => !before.has(e.id) && predicate(e),
			60_000,
		);
	}

	before(async () => {
		emulator = await startEmulator({
			webhookSecret: SECRET,
			jobMode: 'manual',
			webhookRetryDelaysMs: [200, 400],
		});
		n8n = await createN8n();
		await importCredentials(n8n, [
			{
				...CRED,
				data: { apiKey: emulator.apiKey, baseUrl: emulator.baseUrl, webhookSecret: SECRET },
			},
		]);
		triggerUrl = `${n8n.url}/webhook/${TRIGGER_WEBHOOK_ID}/webhook`;
		ids.trigger = await importWorkflow(n8n, {
			name: 'callbacks: trigger',
			nodes: [node('On Result', TRIGGER_NODE, {}, { credentials, webhookId: TRIGGER_WEBHOOK_ID })],
			connections: {},
		});
		ids.submit = await importWorkflow(
			n8n,
			extractWorkflow('submit', { completion: 'submitOnly', callbackUrl: triggerUrl }),
		);
		ids.poll = await importWorkflow(n8n, extractWorkflow('poll', { completion: 'waitForResult' }));
		ids.wait = await importWorkflow(
			n8n,
			extractWorkflow('wait', { completion: 'waitForCallback' }),
		);
		ids.waitTwo = await importWorkflow(
			n8n,
			extractWorkflow(
				'wait-two',
				{ completion: 'waitForCallback' },
				['https://files.example.com/a.pdf', 'https://files.example.com/b.pdf'],
				{
					withWebhookId: false,
				},
			),
		);
		ids.waitShort = await importWorkflow(
			n8n,
			extractWorkflow('wait-short', { completion: 'waitForCallback', callbackTimeout: 1 }),
		);
		ids.waitReview = await importWorkflow(
			n8n,
			extractWorkflow(
				'wait-review',
				{ completion: 'waitForCallback', reviewRules: { minConfidence: 'med' } },
				['https://files.example.com/clean.pdf', 'https://files.example.com/emulator-blurry.pdf'],
			),
		);
		for (const id of Object.values(ids)) await publishWorkflow(n8n, id);
		server = await startServer(n8n);
	});

	after(async () => {
		await server?.stop();
		await emulator?.close();
	});

	const deliveriesFor = (jobId) => emulator.webhookDeliveries().filter((d) => d.jobId === jobId);
	const triggerRunsFor = async (jobId) => {
		const runs = [];
		for (const summary of await executionsOf(ids.trigger)) {
			const execution = await server.api('GET', `/executions/${summary.id}?includeData=true`);
			if (nodeOutput(execution, 'On Result').some((item) => item.id === jobId))
				runs.push(execution);
		}
		return runs;
	};

	/** Runs the Submit Only workflow and returns the id of the prediction it submitted. */
	async function submitJob() {
		const execution = await start(ids.submit, 'submit');
		assert.equal(execution.status, 'success');
		const [pending] = nodeOutput(execution, 'Extract');
		assert.equal(pending.status, 'pending');
		return pending.id;
	}

	describe('VLM Run Trigger', () => {
		let delivered;

		test('a signed result starts one execution with the prediction', async () => {
			const jobId = await submitJob();
			const sent = emulator.requests({ method: 'POST', path: '/document/generate' }).at(-1);
			assert.equal(sent.body.callback_url, triggerUrl);
			await emulator.advanceJob(jobId, 'completed');
			[delivered] = deliveriesFor(jobId);
			assert.equal(delivered.status, 200, `trigger answered ${delivered.status}`);
			assert.match(delivered.signature, /^sha256=[0-9a-f]{64}$/);

			const execution = await server.waitForExecution(
				{ workflowId: ids.trigger },
				finished,
				30_000,
			);
			assert.equal(execution.status, 'success');
			const [item] = nodeOutput(execution, 'On Result');
			assert.equal(item.id, jobId);
			assert.equal(item.status, 'completed');
			assert.ok(
				item.response && typeof item.response === 'object',
				'the prediction carries its response',
			);
			assert.deepEqual(item, JSON.parse(delivered.body), 'the item is the delivered prediction');
		});

		test('a delivery with a bad signature gets 401 on every attempt and starts nothing', async () => {
			const jobId = await submitJob();
			emulator.configure({ badSignature: true });
			try {
				await emulator.advanceJob(jobId, 'completed');
			} finally {
				emulator.configure({ badSignature: false });
			}
			const attempts = deliveriesFor(jobId);
			assert.equal(attempts.length, 3, 'the first attempt and two retries');
			assert.deepEqual(
				attempts.map((a) => a.status),
				[401, 401, 401],
			);
			await sleep(1000);
			assert.equal((await triggerRunsFor(jobId)).length, 0);
		});

		test('a delivery without a signature, or with a malformed one, gets 401 and starts nothing', async () => {
			const count = (await executionsOf(ids.trigger)).length;
			const body = JSON.stringify({
				id: `forged-${newId()}`,
				status: 'completed',
				response: { total: 1 },
			});
			const digest = createHmac('sha256', SECRET).update(body).digest('hex');
			const variants = [
				{},
				{ 'x-vlmrun-signature': digest },
				{ 'x-vlmrun-signature': `sha256=${digest.slice(0, 40)}` },
			];
			for (const headers of variants) {
				const res = await post(`${TRIGGER_WEBHOOK_ID}/webhook`, body, headers);
				assert.equal(res.status, 401, `${JSON.stringify(headers)} → ${res.status} ${res.body}`);
			}
			await sleep(1000);
			assert.equal((await executionsOf(ids.trigger)).length, count);
		});

		test('a repeated delivery of the same prediction is processed once', async () => {
			assert.ok(delivered, 'the first test delivered a result');
			const res = await post(`${TRIGGER_WEBHOOK_ID}/webhook`, delivered.body, {
				'x-vlmrun-signature': delivered.signature,
			});
			assert.equal(res.status, 200, res.body);
			assert.match(res.body, /Already processed/);
			await sleep(1000);
			assert.equal((await triggerRunsFor(delivered.jobId)).length, 1);
		});
	});

	describe('Wait for Callback', () => {
		let polled;

		/** The waiting execution and the predictions it submitted (read from its waiting item). */
		async function startWaiting(workflowId, path) {
			const execution = await start(workflowId, path, (e) => e.status === 'waiting');
			return { execution, jobIds: waitingJobs(execution, 'Extract') };
		}

		test('(reference) Wait for Result gives the extracted data', async () => {
			emulator.configure({ jobMode: 'polls' });
			try {
				const execution = await start(ids.poll, 'poll');
				assert.equal(execution.status, 'success');
				[polled] = nodeOutput(execution, 'Extract');
			} finally {
				emulator.configure({ jobMode: 'manual' });
			}
			assert.equal(polled.vlmrun.status, 'completed');
		});

		test('the execution waits in n8n, the callback resumes it with the same item as Wait for Result', async () => {
			const { execution, jobIds } = await startWaiting(ids.wait, 'wait');
			assert.equal(jobIds.length, 1);
			const sent = emulator.requests({ method: 'POST', path: '/document/generate' }).at(-1);
			assert.match(
				sent.body.callback_url,
				new RegExp(`/webhook-waiting/${execution.id}\\?signature=`),
			);

			// A forged callback to the resume URL is refused and leaves the execution waiting.
			const forged = await fetch(sent.body.callback_url, {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify({ id: jobIds[0], status: 'completed', response: { total: 0 } }),
			});
			assert.equal(forged.status, 401);
			assert.equal((await server.api('GET', `/executions/${execution.id}`)).status, 'waiting');

			await emulator.advanceJob(jobIds[0], 'completed');
			assert.deepEqual(
				deliveriesFor(jobIds[0]).map((d) => d.status),
				[200],
			);
			const done = await server.waitForExecution(
				{ workflowId: ids.wait },
				(e) => e.id === execution.id && finished(e),
				30_000,
			);
			assert.equal(done.status, 'success');
			const [item] = nodeOutput(done, 'Extract');
			const { vlmrun, ...data } = item;
			const { vlmrun: polledVlmrun, ...polledData } = polled;
			assert.deepEqual(data, polledData, 'the extracted fields match Wait for Result');
			assert.deepEqual(Object.keys(vlmrun).sort(), Object.keys(polledVlmrun).sort());
			assert.equal(vlmrun.predictionId, jobIds[0]);
			assert.equal(vlmrun.status, 'completed');
		});

		test('Review Rules sort the jobs a callback resumes into Confident and Needs Review', async () => {
			const execution = await start(ids.waitReview, 'wait-review', (e) => e.status === 'waiting');
			// While waiting, the waiting item has no review: it shows on Needs Review.
			assert.equal(nodeOutput(execution, 'Extract', { output: 0 }).length, 0);
			const [waitingItem] = nodeOutput(execution, 'Extract', { output: 1 });
			assert.equal(waitingItem.jobCount, 2);
			for (const id of waitingItem.jobIds.split(', ')) await emulator.advanceJob(id, 'completed');
			const done = await server.waitForExecution(
				{ workflowId: ids.waitReview },
				(e) => e.id === execution.id && finished(e),
				30_000,
			);
			assert.equal(done.status, 'success');
			const [confident, needsReview] = [0, 1].map((output) =>
				nodeOutput(done, 'Extract', { output }),
			);
			assert.deepEqual(
				confident.map((item) => [item.vlmrun.url, item.vlmrun.review]),
				[['https://files.example.com/clean.pdf', { needed: false, reasons: [] }]],
			);
			assert.deepEqual(
				needsReview.map((item) => [
					item.vlmrun.url,
					item.vlmrun.review.reasons.map((reason) => [reason.field, reason.confidence]),
				]),
				[
					[
						'https://files.example.com/emulator-blurry.pdf',
						[
							['subtotal', 'low'],
							['tax', 'low'],
							['total', 'low'],
						],
					],
				],
			);
		});

		test('with two files the execution resumes once both have called back; a failed one is an error item', async () => {
			const { execution, jobIds } = await startWaiting(ids.waitTwo, 'wait-two');
			assert.equal(jobIds.length, 2);
			await emulator.advanceJob(jobIds[1], 'failed');
			assert.deepEqual(
				deliveriesFor(jobIds[1]).map((d) => d.status),
				[200],
				'acknowledged without resuming',
			);
			await sleep(500);
			assert.equal((await server.api('GET', `/executions/${execution.id}`)).status, 'waiting');

			await emulator.advanceJob(jobIds[0], 'completed');
			assert.deepEqual(
				deliveriesFor(jobIds[0]).map((d) => d.status),
				[200],
			);
			const done = await server.waitForExecution(
				{ workflowId: ids.waitTwo },
				(e) => e.id === execution.id && finished(e),
				30_000,
			);
			assert.equal(done.status, 'success');
			const [first, second] = nodeOutput(done, 'Extract');
			assert.equal(first.vlmrun.predictionId, jobIds[0]);
			assert.equal(first.vlmrun.status, 'completed');
			assert.match(second.error, new RegExp(`could not finish prediction ${jobIds[1]}`));
		});

		test(
			'when the wait runs out, n8n continues past the node with its input items',
			{ timeout: 180_000 },
			async () => {
				const { execution } = await startWaiting(ids.waitShort, 'wait-short');
				const done = await server.waitForExecution(
					{ workflowId: ids.waitShort },
					(e) => e.id === execution.id && finished(e),
					150_000,
				);
				assert.equal(done.status, 'success');
				const [item] = nodeOutput(done, 'Extract');
				assert.equal(item.vlmrun, undefined);
				assert.deepEqual(item.body, {}, 'the Webhook node item passed through');
			},
		);
	});
});

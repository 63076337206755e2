// Async at production scale, in a real n8n (single process): Wait for Callback with 100 jobs whose
// callbacks race, and the VLM Run Trigger under repeated and simultaneous deliveries followed by
// n8n's Remove Duplicates node. Run through test/e2e/run.mjs (`node test/e2e/run.mjs async-scale`).
// The emulator runs jobs in manual mode: a job finishes, and calls back, when the test advances it.
import assert from 'node:assert/strict';
import { createHmac, randomUUID } from 'node:crypto';
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
const SECRET = 'whsec_e2e_async_scale_7c1e';
const TRIGGER_WEBHOOK_ID = 'c0ffee00-0000-4000-8000-00000000a011';
const CRED = { id: 'vlmCredAsyncSc01', name: 'VLM Run (emulator, async scale)', type: 'vlmRunApi' };
const credentials = { vlmRunApi: { id: CRED.id, name: CRED.name } };
const JOBS = 100;

const connect = (...names) =>
	Object.fromEntries(
		names
			.slice(0, -1)
			.map((name, n) => [name, { main: [[{ node: names[n + 1], type: 'main', index: 0 }]] }]),
	);

describe('async at scale', { timeout: 900_000 }, () => {
	let emulator;
	let n8n;
	let server;
	const ids = {};

	const finished = (execution) =>
		['success', 'error', 'crashed', 'canceled'].includes(execution.status);
	const executionsOf = async (workflowId) =>
		(await server.api('GET', `/executions?workflowId=${workflowId}&limit=250`)).data;

	// startServer is ready before n8n has registered the published workflows' webhooks.
	async function post(path, body, headers = {}) {
		for (let attempt = 0; ; attempt++) {
			const res = await fetch(`${server.url}/webhook/${path}`, {
				method: 'POST',
				headers: { 'content-type': 'application/json', ...headers },
				body,
			});
			if (res.status !== 404 || attempt >= 60)
				return { status: res.status, body: await res.text() };
			await sleep(500);
		}
	}

	/** Waits until the workflow has `count` executions and none of them is still running. */
	async function settledExecutions(workflowId, count) {
		for (let attempt = 0; attempt < 240; attempt++) {
			const list = await executionsOf(workflowId);
			if (list.length >= count && list.every(finished)) return list;
			await sleep(500);
		}
		throw new Error(`workflow ${workflowId} did not settle at ${count} executions`);
	}

	before(async () => {
		emulator = await startEmulator({
			webhookSecret: SECRET,
			jobMode: 'manual',
			webhookRetryDelaysMs: [200, 400],
			// VLM Run gives up on an answer after 30 s; a shared CI machine can take longer than that
			// to work through 100 simultaneous requests, which says nothing about the node.
			webhookTimeoutMs: 120_000,
		});
		n8n = await createN8n();
		await importCredentials(n8n, [
			{
				...CRED,
				data: { apiKey: emulator.apiKey, baseUrl: emulator.baseUrl, webhookSecret: SECRET },
			},
		]);
		ids.wait = await importWorkflow(n8n, {
			name: 'async scale: 100 jobs, Wait for Callback',
			nodes: [
				node(
					'Start',
					'n8n-nodes-base.webhook',
					{ path: 'wait-many', httpMethod: 'POST' },
					{
						typeVersion: 2,
						webhookId: newId(),
					},
				),
				node(
					'Extract',
					REQUEST_NODE,
					{
						resource: 'prediction',
						operation: 'extract',
						inputSource: 'url',
						urls: Array.from(
							{ length: JOBS },
							(_, n) => `https://files.example.com/invoice-${n}.pdf`,
						).join('\n'),
						domain: { __rl: true, mode: 'id', value: 'document.invoice' },
						completion: 'waitForCallback',
						options: { maxConcurrency: 10 },
					},
					{ credentials, webhookId: newId() },
				),
			],
			connections: connect('Start', 'Extract'),
		});
		ids.trigger = await importWorkflow(n8n, {
			name: 'async scale: trigger, Remove Duplicates',
			nodes: [
				node('On Result', TRIGGER_NODE, {}, { credentials, webhookId: TRIGGER_WEBHOOK_ID }),
				node(
					'Remove Duplicates',
					'n8n-nodes-base.removeDuplicates',
					{
						operation: 'removeItemsSeenInPreviousExecutions',
						dedupeValue: '={{ $json.id }}:{{ $json.status }}',
					},
					{ typeVersion: 2 },
				),
				node('Passed', 'n8n-nodes-base.noOp'),
			],
			connections: connect('On Result', 'Remove Duplicates', 'Passed'),
		});
		for (const id of Object.values(ids)) await publishWorkflow(n8n, id);
		server = await startServer(n8n);
	});

	after(async () => {
		await server?.stop();
		await emulator?.close();
	});

	test(`Wait for Callback with ${JOBS} jobs finishing together: one resume, every delivery 200, at most ${JOBS + 2} status requests`, async () => {
		const res = await post('wait-many', '{}');
		assert.equal(res.status, 200, res.body);
		const waiting = await server.waitForExecution(
			{ workflowId: ids.wait },
			(e) => e.status === 'waiting',
			120_000,
		);
		const jobIds = waitingJobs(waiting, 'Extract');
		assert.equal(jobIds.length, JOBS);
		assert.equal(new Set(jobIds).size, JOBS);

		// Every job finishes at once, so their callbacks race, the last ones included.
		await Promise.all(jobIds.map(async (id) => await emulator.advanceJob(id, 'completed')));
		const done = await server.waitForExecution(
			{ workflowId: ids.wait },
			(e) => e.id === waiting.id && finished(e),
			120_000,
		);
		assert.equal(done.status, 'success');
		const items = nodeOutput(done, 'Extract');
		assert.deepEqual(
			items.map((item) => item.vlmrun?.predictionId),
			jobIds,
			'one completed item per job, in input order',
		);
		assert.ok(items.every((item) => item.vlmrun.status === 'completed'));

		// What VLM Run saw: one attempt per job, each answered 2xx (a second resume would have been
		// answered 409 or 500 by n8n), and the status requests of the whole run.
		const deliveries = emulator.webhookDeliveries().filter((d) => jobIds.includes(d.jobId));
		const answers = {};
		for (const d of deliveries)
			answers[d.status ?? d.error] = (answers[d.status ?? d.error] ?? 0) + 1;
		assert.equal(deliveries.length, JOBS, `no delivery was retried: ${JSON.stringify(answers)}`);
		assert.deepEqual(
			deliveries.filter((d) => !(d.status >= 200 && d.status < 300)),
			[],
			'every delivery answered 2xx',
		);
		const statusRequests = emulator
			.requests({ method: 'GET', path: /^\/predictions(\/|$)/ })
			.filter((request) => request.at >= Date.parse(waiting.startedAt));
		assert.ok(
			statusRequests.length <= JOBS + 2,
			`${statusRequests.length} status requests for ${JOBS} jobs`,
		);
	});

	test('Trigger → Remove Duplicates: 20 jobs each delivered 3 times, one of them also as 6 simultaneous copies → exactly 20 executions pass', async () => {
		const path = `${TRIGGER_WEBHOOK_ID}/webhook`;
		const deliveries = Array.from({ length: 20 }, (_, n) => {
			const body = JSON.stringify({
				id: randomUUID(),
				status: 'completed',
				domain: 'document.invoice',
				response: { invoice_id: `INV-${n}`, total: n },
				usage: { credits_used: 1 },
			});
			return {
				body,
				headers: {
					'x-vlmrun-signature': `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`,
				},
			};
		});
		const [simultaneous] = deliveries;
		const copies = await Promise.all(
			Array.from(
				{ length: 6 },
				async () => await post(path, simultaneous.body, simultaneous.headers),
			),
		);
		assert.deepEqual(
			copies.map((copy) => copy.status),
			Array(6).fill(200),
		);
		for (let round = 0; round < 3; round++) {
			for (const { body, headers } of deliveries) {
				const answer = await post(path, body, headers);
				assert.equal(answer.status, 200, answer.body);
			}
		}

		const executions = await settledExecutions(ids.trigger, 20);
		const passed = [];
		for (const summary of executions) {
			const execution = await server.api('GET', `/executions/${summary.id}?includeData=true`);
			assert.equal(execution.status, 'success');
			passed.push(...nodeOutput(execution, 'Passed').map((item) => item.id));
		}
		const sent = deliveries.map(({ body }) => JSON.parse(body).id);
		assert.equal(passed.length, 20, `${passed.length} items passed Remove Duplicates`);
		assert.deepEqual([...passed].sort(), [...sent].sort());
		assert.equal(executions.length, 20, 'the trigger itself started one execution per job');
	});
});

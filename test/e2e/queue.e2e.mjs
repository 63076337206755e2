// Queue mode (n8n 2.41.1): Redis and PostgreSQL 17 as child processes, a main process (API only),
// a webhook processor taking every production call, and two workers running the executions, each
// process with the package in its own user folder (test/e2e/queue.mjs). Shows: 100 items extracted
// on a worker with their outputs in order; the hosted chat streaming through the webhook processor;
// the VLM Run Trigger behind the webhook processor starting one run on a worker per result, none
// for a forged or repeated delivery; Wait for Callback resuming on the other worker after the one
// that started it was stopped, and a forged or replayed callback getting no run. A repeated
// delivery is ignored by the webhook processor that took the first, and after a restart stopped by
// Remove Duplicates after the trigger (as in example 4b): each result goes past it once.
// Run through test/e2e/run.mjs.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';

import { streamedAnswer, waitForExecution } from './examples.mjs';
import {
	PACKAGE,
	chainWorkflow,
	hostedChatWorkflow,
	importCredentials,
	importWorkflows,
	newId,
	nodeOutput,
	waitingJobs,
	packageLoadErrors,
	postDelivery,
	postForgedDelivery,
	publishWorkflow,
	sleep,
	startEmulator,
	webhookNode,
	workflowNode as node,
} from './n8n.mjs';
import { createQueue } from './queue.mjs';

const SECRET = 'whsec_e2e_queue_81d0a7';
const CRED = { id: 'vlmCredQueue0001', name: 'VLM Run (emulator)', type: 'vlmRunApi' };
const credentials = { vlmRunApi: { id: CRED.id, name: CRED.name } };
const TRIGGER_WEBHOOK_ID = 'c0ffee00-0000-4000-8000-00000000c001';
const CHAT_WEBHOOK_ID = 'c0ffee00-0000-4000-8000-00000000c002';
const ITEMS = 100;
const urlOf = (n) => `https://files.example.com/scan-${String(n).padStart(3, '0')}.png`;

function extract(parameters) {
	return node(
		'Extract',
		`${PACKAGE.name}.vlmRunRequest`,
		{
			resource: 'prediction',
			operation: 'extract',
			inputSource: 'url',
			domain: { __rl: true, mode: 'id', value: 'document.invoice' },
			...parameters,
		},
		{ credentials, webhookId: newId() },
	);
}

describe('queue mode: main, webhook processor, two workers', { timeout: 900_000 }, () => {
	let emulator;
	let queue;
	let api;
	let triggerUrl;
	const ids = {};

	const workerLogs = () => queue.workers.map((worker) => worker.server?.logs() ?? '');
	/** Indexes of the workers whose log says they started (or resumed) this execution. */
	const workersThatRan = (executionId, logs = workerLogs()) =>
		logs.flatMap((log, index) =>
			log.includes(`Worker started execution ${executionId} `) ? [index] : [],
		);

	async function post(path, body = {}) {
		const res = await queue.webhook.server.callWebhook(`/webhook/${path}`, { json: body }, 30_000);
		return { status: res.status, text: await res.text() };
	}

	const executionsOf = async (workflowId) =>
		(await api.api('GET', `/executions?workflowId=${workflowId}&limit=100`)).data;

	before(async () => {
		emulator = await startEmulator({
			jobMode: 'time',
			jobDurationMs: 300,
			webhookSecret: SECRET,
			webhookRetryDelaysMs: [300, 1000],
		});
		queue = await createQueue({ workers: 2, concurrency: 10 });
		triggerUrl = `${queue.webhookUrl}/webhook/${TRIGGER_WEBHOOK_ID}/webhook`;
		await importCredentials(queue.main, [
			{
				...CRED,
				data: { apiKey: emulator.apiKey, baseUrl: emulator.baseUrl, webhookSecret: SECRET },
			},
		]);
		const urls = Array.from({ length: ITEMS }, (_, n) => ({ url: urlOf(n) }));
		const workflows = {
			extract: chainWorkflow('queue: 100 items', [
				webhookNode('queue-extract', { respond: true }),
				node(
					'Scans',
					'n8n-nodes-base.code',
					{ jsCode: `return ${JSON.stringify(urls)}.map((json) => ({ json }));` },
					{ typeVersion: 2 },
				),
				extract({ urls: '={{ $json.url }}', options: { maxConcurrency: 10 } }),
			]),
			submit: chainWorkflow('queue: submit', [
				webhookNode('queue-submit', { respond: true }),
				extract({
					urls: urlOf(900),
					completion: 'submitOnly',
					callbackUrl: triggerUrl,
				}),
			]),
			// As example 4b: the trigger ignores repeats per process, Remove Duplicates (n8n's
			// database) across processes and restarts.
			trigger: chainWorkflow('queue: trigger', [
				node(
					'On Result',
					`${PACKAGE.name}.vlmRunTrigger`,
					{},
					{ credentials, webhookId: TRIGGER_WEBHOOK_ID },
				),
				node(
					'Remove Duplicates',
					'n8n-nodes-base.removeDuplicates',
					{
						operation: 'removeItemsSeenInPreviousExecutions',
						dedupeValue: '={{ $json.id }}:{{ $json.status }}',
						options: { historySize: 10000 },
					},
					{ typeVersion: 2 },
				),
			]),
			wait: chainWorkflow('queue: wait', [
				webhookNode('queue-wait'),
				extract({ urls: urlOf(901), completion: 'waitForCallback' }),
			]),
			chat: hostedChatWorkflow('queue: hosted chat', {
				webhookId: CHAT_WEBHOOK_ID,
				credentials,
			}),
		};
		const imported = await importWorkflows(queue.main, Object.values(workflows));
		for (const [index, key] of Object.keys(workflows).entries()) ids[key] = imported[index];
		for (const id of imported) await publishWorkflow(queue.main, id);
		await queue.start();
		api = queue.mainServer;
	});

	after(async () => {
		await queue?.stop();
		await emulator?.close();
	});

	test('every process loads the package', () => {
		for (const server of [api, queue.webhook.server, ...queue.workers.map((w) => w.server)]) {
			assert.deepEqual(packageLoadErrors(server.logs()), []);
		}
	});

	test('100 items are extracted on a worker, their outputs in input order', async () => {
		emulator.clearRequests();
		const res = await post('queue-extract');
		assert.equal(res.status, 200, res.text);
		const items = JSON.parse(res.text);
		assert.deepEqual(
			items.map((item) => item.vlmrun?.url),
			Array.from({ length: ITEMS }, (_, n) => urlOf(n)),
		);
		assert.ok(items.every((item) => item.vlmrun.status === 'completed'));
		const sent = emulator.requests({ method: 'POST', path: '/image/generate' });
		assert.deepEqual(
			sent.map((request) => request.body.images[0]).sort(),
			Array.from({ length: ITEMS }, (_, n) => urlOf(n)),
			'one job per item',
		);

		const summary = await api.waitForExecution({ workflowId: ids.extract });
		const execution = await waitForExecution(api, summary.id, ['success'], { ranNode: 'Extract' });
		const run = execution.data.resultData.runData.Extract[0].data.main[0];
		assert.deepEqual(
			run.map((item) => item.pairedItem?.item),
			Array.from({ length: ITEMS }, (_, n) => n),
		);
		assert.deepEqual(
			nodeOutput(execution, 'Extract').map((item) => item.vlmrun.predictionId),
			items.map((item) => item.vlmrun.predictionId),
		);
		assert.equal(workersThatRan(summary.id).length, 1, 'a worker ran it');
		assert.doesNotMatch(api.logs(), /started execution/);
	});

	test('the hosted chat streams through the webhook processor', async () => {
		emulator.clearRequests();
		const res = await queue.webhook.server.callWebhook(`/webhook/${CHAT_WEBHOOK_ID}/chat`, {
			json: { action: 'sendMessage', sessionId: randomUUID(), chatInput: 'Hello from a worker' },
			headers: { accept: 'text/plain' },
		});
		assert.equal(res.status, 200);
		const { pieces, text } = await streamedAnswer(res);
		assert.ok(pieces.length > 1, 'the answer arrived in several pieces');
		assert.equal(text, 'You said: "Hello from a worker". Files: 0 (none). Turn 1 of this session.');
		const [request] = emulator.requests({ method: 'POST', path: '/openai/chat/completions' });
		assert.equal(request.body.stream, true);
		const summary = await api.waitForExecution({ workflowId: ids.chat });
		assert.equal(workersThatRan(summary.id).length, 1, 'a worker ran it');
	});

	describe('callbacks', () => {
		before(() => emulator.configure({ jobMode: 'manual' }));

		const delivered = [];

		test('the VLM Run Trigger behind the webhook processor starts one run on a worker per signed result, none for a forged one', async () => {
			for (let n = 0; n < 2; n++) {
				const submitted = await post('queue-submit');
				assert.equal(submitted.status, 200, submitted.text);
				const [pending] = JSON.parse(submitted.text);
				const jobId = pending.vlmrun?.predictionId ?? pending.id;
				const sent = emulator.requests({ method: 'POST', path: '/image/generate' }).at(-1);
				assert.equal(sent.body.callback_url, triggerUrl);
				await emulator.advanceJob(jobId, 'completed');
				const [delivery] = emulator.webhookDeliveries().filter((d) => d.jobId === jobId);
				assert.equal(delivery.status, 200, `trigger answered ${delivery.status}`);
				delivered.push(delivery);
			}
			const deadline = Date.now() + 60_000;
			let runs = [];
			while (runs.filter((e) => e.status === 'success').length < 2) {
				assert.ok(Date.now() < deadline, `trigger runs: ${JSON.stringify(runs)}`);
				await sleep(500);
				runs = await executionsOf(ids.trigger);
			}
			const outputs = [];
			for (const summary of runs) {
				const execution = await api.api('GET', `/executions/${summary.id}?includeData=true`);
				outputs.push(...nodeOutput(execution, 'On Result'));
				assert.equal(workersThatRan(summary.id).length, 1, `a worker ran ${summary.id}`);
			}
			assert.deepEqual(
				outputs.map((item) => item.id).sort(),
				delivered.map((delivery) => delivery.jobId).sort(),
			);

			const forged = await postForgedDelivery(triggerUrl);
			assert.equal(forged.status, 401);
			await sleep(2000);
			assert.equal((await executionsOf(ids.trigger)).length, 2, 'no run for the forged one');
		});

		test('a repeated delivery starts no second run in the webhook processor that started the first', async () => {
			assert.equal(delivered.length, 2, 'the previous test delivered two results');
			for (const delivery of delivered) {
				const repeated = await postDelivery(triggerUrl, delivery.body, delivery.signature);
				assert.equal(repeated.status, 200);
				assert.match(await repeated.text(), /Already processed/);
			}
			await sleep(2000);
			assert.equal((await executionsOf(ids.trigger)).length, 2, 'still one run per result');
		});

		test('after the webhook processor restarts, a repeated delivery runs on a worker but Remove Duplicates lets nothing through', async () => {
			await queue.webhook.stop();
			await queue.webhook.start();
			const [delivery] = delivered;
			const repeated = await postDelivery(triggerUrl, delivery.body, delivery.signature);
			assert.equal(repeated.status, 200);
			assert.doesNotMatch(await repeated.text(), /Already processed/, 'a new process forgot it');
			const deadline = Date.now() + 60_000;
			let runs = [];
			while (runs.filter((e) => e.status === 'success').length < 3) {
				assert.ok(Date.now() < deadline, `trigger runs: ${JSON.stringify(runs)}`);
				await sleep(500);
				runs = await executionsOf(ids.trigger);
			}
			const outputs = [];
			for (const summary of runs) {
				const execution = await waitForExecution(api, summary.id, ['success'], {
					ranNode: 'Remove Duplicates',
				});
				outputs.push({
					id: nodeOutput(execution, 'On Result')[0].id,
					passed: nodeOutput(execution, 'Remove Duplicates').length,
				});
			}
			assert.deepEqual(
				outputs
					.filter((output) => output.passed > 0)
					.map((output) => output.id)
					.sort(),
				delivered.map((d) => d.jobId).sort(),
				'each result went past Remove Duplicates exactly once',
			);
			assert.deepEqual(
				outputs.filter((output) => output.passed === 0).map((output) => output.id),
				[delivery.jobId],
			);
		});

		test('Wait for Callback resumes on the other worker after the first is stopped; forged and replayed callbacks get no run', async () => {
			emulator.clearRequests();
			const started = await post('queue-wait');
			assert.equal(started.status, 200, started.text);
			let deadline = Date.now() + 60_000;
			while (!emulator.requests({ method: 'POST', path: '/image/generate' }).length) {
				assert.ok(Date.now() < deadline, 'the node submitted its job');
				await sleep(200);
			}
			const [sent] = emulator.requests({ method: 'POST', path: '/image/generate' });
			const resumeUrl = sent.body.callback_url;
			const match = new RegExp(`^${queue.webhookUrl}/webhook-waiting/(\\d+)\\?signature=`).exec(
				resumeUrl,
			);
			assert.ok(match, `the worker built the resume URL from N8N_WEBHOOK_URL: ${resumeUrl}`);
			const executionId = match[1];
			const waiting = await waitForExecution(api, executionId, ['waiting'], {
				ranNode: 'Extract',
			});
			const [jobId] = waitingJobs(waiting, 'Extract');
			const pending = { id: jobId };

			const [first] = workersThatRan(executionId);
			assert.notEqual(first, undefined, 'a worker started it');
			await queue.workers[first].stop();
			const other = 1 - first;

			const forged = await postDelivery(
				resumeUrl,
				JSON.stringify({ id: pending.id, status: 'completed', response: { total: 0 } }),
			);
			assert.equal(forged.status, 401);
			assert.equal((await api.api('GET', `/executions/${executionId}`)).status, 'waiting');

			await emulator.advanceJob(pending.id, 'completed');
			const [delivery] = emulator.webhookDeliveries().filter((d) => d.jobId === pending.id);
			assert.equal(delivery.status, 200);
			const done = await waitForExecution(api, executionId, ['success', 'error', 'crashed'], {
				ranNode: 'Extract',
			});
			assert.equal(done.status, 'success');
			const [item] = nodeOutput(done, 'Extract');
			assert.equal(item.vlmrun.predictionId, pending.id);
			assert.equal(item.vlmrun.status, 'completed');
			assert.equal(typeof item.total, 'number');
			assert.deepEqual(workersThatRan(executionId), [other], 'the other worker resumed it');

			const replayed = await postDelivery(resumeUrl, delivery.body, delivery.signature);
			assert.notEqual(replayed.status, 200, 'a finished execution does not resume again');
			deadline = Date.now() + 2000;
			while (Date.now() < deadline) await sleep(250);
			const log = queue.workers[other].server.logs();
			assert.equal(
				log.split(`Worker started execution ${executionId} `).length - 1,
				1,
				'no second run',
			);
			assert.equal((await api.api('GET', `/executions/${executionId}`)).status, 'success');
		});
	});
});

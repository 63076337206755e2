// The n8n 1.x long-term line (1.123.x on Node 22), one server with the package installed as on 2.x:
// each node's main operation (Request Extract with three attachments, Execution Run over three
// documents with an image artifact, Chat Message streamed behind the hosted Chat Trigger), the VLM
// Run Trigger receiving a signed callback, and Wait for Callback resumed by the job's callback. The
// examples run on 1.x in n8n-1x-examples.e2e.mjs. Run through test/e2e/run.mjs.
//
// 1.x differs from 2.x where this suite looks: its resume URL carries no token (the Webhook Signing
// Secret is the only check on a callback), and its public API leaves waiting executions out of the
// executions list, so a waiting execution is found by the id in its resume URL.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

import { streamedAnswer, waitForExecution } from './examples.mjs';
import {
	PACKAGE,
	REPO_ROOT,
	chainWorkflow,
	hostedChatWorkflow,
	createN8n,
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
	startServer,
	webhookNode,
	workflowNode as node,
} from './n8n.mjs';
import { LINES } from './provision.mjs';

const N8N = `n8n ${LINES[1].n8n}`;
const SECRET = 'whsec_e2e_n8n1x_3f81c2';
const CRED = { id: 'vlmCredN8n1x0001', name: 'VLM Run (emulator)', type: 'vlmRunApi' };
const credentials = { vlmRunApi: { id: CRED.id, name: CRED.name } };
const TRIGGER_WEBHOOK_ID = 'c0ffee00-0000-4000-8000-00000000b001';
const CHAT_WEBHOOK_ID = 'c0ffee00-0000-4000-8000-00000000b002';
const FILES = [
	{ fileName: 'invoice-1.pdf', mimeType: 'application/pdf' },
	{ fileName: 'receipt.png', mimeType: 'image/png' },
	{ fileName: 'memo.mp3', mimeType: 'audio/mpeg' },
];
const DOCUMENTS = ['invoice-1.pdf', 'invoice-2.pdf', 'contract.pdf'];

async function base64(fileName) {
	return (await readFile(join(REPO_ROOT, 'test', 'fixtures', fileName))).toString('base64');
}

/** A Code node emitting one item with the three attachments as binaries, as an email would. */
async function attachmentsCode() {
	const binary = {};
	for (const [index, { fileName, mimeType }] of FILES.entries()) {
		binary[`attachment_${index}`] = { data: await base64(fileName), mimeType, fileName };
	}
	return `return [{ json: {}, binary: ${JSON.stringify(binary)} }];`;
}

/** A Code node emitting one item per document, each with its PDF as `data`. */
async function documentsCode() {
	const items = [];
	for (const fileName of DOCUMENTS) {
		items.push({
			json: { fileName },
			binary: { data: { data: await base64(fileName), mimeType: 'application/pdf', fileName } },
		});
	}
	return `return ${JSON.stringify(items)};`;
}

/** Webhook (POST /webhook/<path>) → …nodes; by default answered with the last node's items. */
function webhookWorkflow(path, nodes, { respond = true } = {}) {
	return chainWorkflow(`1.x: ${path}`, [webhookNode(path, { respond }), ...nodes]);
}

function extractNode(parameters, extra = {}) {
	return node(
		'Extract',
		`${PACKAGE.name}.vlmRunRequest`,
		{
			resource: 'prediction',
			operation: 'extract',
			domain: { __rl: true, mode: 'id', value: 'document.invoice' },
			...parameters,
		},
		{ credentials, webhookId: newId(), ...extra },
	);
}

describe(`${N8N}`, { timeout: 600_000 }, () => {
	let emulator;
	let n8n;
	let server;
	let triggerUrl;
	const ids = {};

	async function post(path, body = {}) {
		const res = await server.callWebhook(`/webhook/${path}`, { json: body }, 30_000);
		return { status: res.status, text: await res.text() };
	}

	/** An execution by id, with its data (the 1.x list leaves waiting ones out). */
	const execution = (id) => server.api('GET', `/executions/${id}?includeData=true`);

	before(async () => {
		emulator = await startEmulator({
			jobMode: 'time',
			jobDurationMs: 300,
			webhookSecret: SECRET,
			webhookRetryDelaysMs: [200, 400],
		});
		n8n = await createN8n({ line: 1 });
		assert.equal(n8n.version, LINES[1].n8n);
		await importCredentials(n8n, [
			{
				...CRED,
				data: { apiKey: emulator.apiKey, baseUrl: emulator.baseUrl, webhookSecret: SECRET },
			},
		]);
		triggerUrl = `${n8n.url}/webhook/${TRIGGER_WEBHOOK_ID}/webhook`;
		const workflows = {
			extract: webhookWorkflow('n8n1x-extract', [
				node(
					'Attachments',
					'n8n-nodes-base.code',
					{ jsCode: await attachmentsCode() },
					{
						typeVersion: 2,
					},
				),
				extractNode({
					binarySelection: 'all',
					options: {
						domainsByType: {
							rule: [
								{ modality: 'image', domain: 'document.receipt' },
								{ modality: 'audio', domain: 'audio.transcription' },
							],
						},
					},
				}),
			]),
			run: webhookWorkflow('n8n1x-run', [
				node(
					'Documents',
					'n8n-nodes-base.code',
					{ jsCode: await documentsCode() },
					{
						typeVersion: 2,
					},
				),
				node(
					'Package',
					`${PACKAGE.name}.vlmRunExecution`,
					{
						resource: 'execution',
						operation: 'run',
						prompt: 'Check that the three files belong together and render an image of the result.',
						grouping: 'allItems',
					},
					{ credentials },
				),
			]),
			submit: webhookWorkflow('n8n1x-submit', [
				extractNode({
					inputSource: 'url',
					urls: 'https://files.example.com/invoice.pdf',
					completion: 'submitOnly',
					callbackUrl: triggerUrl,
				}),
			]),
			wait: webhookWorkflow(
				'n8n1x-wait',
				[
					extractNode({
						inputSource: 'url',
						urls: 'https://files.example.com/invoice.pdf',
						completion: 'waitForCallback',
					}),
				],
				{ respond: false },
			),
			trigger: {
				name: '1.x: trigger',
				nodes: [
					node(
						'On Result',
						`${PACKAGE.name}.vlmRunTrigger`,
						{},
						{ credentials, webhookId: TRIGGER_WEBHOOK_ID },
					),
				],
				connections: {},
			},
			chat: hostedChatWorkflow('1.x: hosted chat', {
				webhookId: CHAT_WEBHOOK_ID,
				credentials,
				allowFileUploads: true,
			}),
		};
		const imported = await importWorkflows(n8n, Object.values(workflows));
		for (const [index, key] of Object.keys(workflows).entries()) ids[key] = imported[index];
		for (const id of imported) await publishWorkflow(n8n, id);
		server = await startServer(n8n);
	});

	after(async () => {
		await server?.stop();
		await emulator?.close();
	});

	test('the package loads: its four nodes are offered, and the log names no load error', async () => {
		const { nodes } = await server.nodeTypes();
		for (const name of ['vlmRunRequest', 'vlmRunExecution', 'vlmRunChat', 'vlmRunTrigger']) {
			assert.ok(
				nodes.some((type) => type.name === `${PACKAGE.name}.${name}`),
				`${name} is listed`,
			);
		}
		assert.deepEqual(packageLoadErrors(server.logs()), []);
	});

	test('Request Extract: an item with a PDF, a PNG and an MP3 gives one item per file', async () => {
		emulator.clearRequests();
		const res = await post('n8n1x-extract');
		assert.equal(res.status, 200, res.text);
		const items = JSON.parse(res.text);
		assert.deepEqual(
			items.map(({ vlmrun }) => [vlmrun.fileName, vlmrun.domain, vlmrun.status]),
			[
				['invoice-1.pdf', 'document.invoice', 'completed'],
				['receipt.png', 'document.receipt', 'completed'],
				['memo.mp3', 'audio.transcription', 'completed'],
			],
		);
		assert.equal(typeof items[0].total, 'number');
		assert.ok(Array.isArray(items[2].segments) && items[2].segments.length > 0);
		assert.equal(emulator.requests({ method: 'POST', path: '/files' }).length, 2);
		const [image] = emulator.requests({ method: 'POST', path: '/image/generate' });
		assert.equal(
			image.body.images[0],
			`data:image/png;base64,${await base64('receipt.png')}`,
			'the PNG went inline, byte for byte',
		);
	});

	test('Execution Run: three documents make one agent execution, its artifact a binary', async () => {
		emulator.clearRequests();
		const res = await post('n8n1x-run');
		assert.equal(res.status, 200, res.text);
		const executes = emulator.requests({ method: 'POST', path: '/agent/execute' });
		assert.equal(executes.length, 1, 'one execution for the three items');
		assert.equal(Object.keys(executes[0].body.inputs).length, 3);
		const uploads = emulator.requests({ method: 'POST', path: '/files' });
		assert.equal(uploads.length, 3, 'each document uploaded');
		const [item] = JSON.parse(res.text);
		assert.equal(item.vlmrun.status, 'completed');
		assert.deepEqual(
			item.vlmrun.inputs.map((input) => input.fileName),
			DOCUMENTS,
		);
		const listed = await server.waitForExecution({ workflowId: ids.run });
		const done = await waitForExecution(server, listed.id, ['success'], { ranNode: 'Package' });
		const [output] = done.data.resultData.runData.Package[0].data.main[0];
		const ref = output.json.artifacts.image.id;
		assert.equal(output.binary?.[ref]?.mimeType, 'image/png', 'the artifact is a binary');
	});

	test('Chat Message: the hosted chat streams the answer to a message with a photo', async () => {
		emulator.clearRequests();
		const receipt = await readFile(join(REPO_ROOT, 'test', 'fixtures', 'receipt.png'));
		const form = new FormData();
		form.append('action', 'sendMessage');
		form.append('sessionId', randomUUID());
		form.append('chatInput', 'What is the total?');
		form.append('files', new Blob([receipt], { type: 'image/png' }), 'receipt.png');
		const res = await server.callWebhook(`/webhook/${CHAT_WEBHOOK_ID}/chat`, {
			method: 'POST',
			body: form,
			headers: { accept: 'text/plain' },
		});
		assert.equal(res.status, 200);
		const { pieces, text } = await streamedAnswer(res);
		assert.ok(pieces.length > 1, 'the answer arrived in several pieces');
		assert.equal(
			text,
			'You said: "What is the total?". Files: 1 (image_url). Turn 1 of this session.',
		);
		const [request] = emulator.requests({ method: 'POST', path: '/openai/chat/completions' });
		assert.equal(request.body.stream, true);
	});

	describe('callbacks', () => {
		before(() => emulator.configure({ jobMode: 'manual' }));

		test('VLM Run Trigger: a signed result starts one run; forged and repeated ones start none', async () => {
			const submitted = await post('n8n1x-submit');
			assert.equal(submitted.status, 200, submitted.text);
			const [pending] = JSON.parse(submitted.text);
			assert.equal(pending.vlmrun?.status ?? pending.status, 'pending');
			const jobId = pending.vlmrun?.predictionId ?? pending.id;
			const sent = emulator.requests({ method: 'POST', path: '/document/generate' }).at(-1);
			assert.equal(sent.body.callback_url, triggerUrl);

			await emulator.advanceJob(jobId, 'completed');
			const [delivered] = emulator.webhookDeliveries().filter((d) => d.jobId === jobId);
			assert.equal(delivered.status, 200);
			const list = await server.waitForExecution({ workflowId: ids.trigger }, undefined, 30_000);
			assert.equal(list.status, 'success');
			const [item] = nodeOutput(list, 'On Result');
			assert.deepEqual(item, JSON.parse(delivered.body), 'the item is the delivered prediction');

			const forged = await postForgedDelivery(triggerUrl);
			assert.equal(forged.status, 401);
			const repeated = await postDelivery(triggerUrl, delivered.body, delivered.signature);
			assert.equal(repeated.status, 200);
			await sleep(1000);
			const runs = await server.api('GET', `/executions?workflowId=${ids.trigger}&limit=10`);
			assert.equal(runs.data.length, 1, 'one run for one result');
		});

		test('Wait for Callback: the execution waits, an unsigned callback is refused, the signed one resumes it', async () => {
			emulator.clearRequests();
			const started = await post('n8n1x-wait');
			assert.equal(started.status, 200, started.text);
			const deadline = Date.now() + 30_000;
			while (!emulator.requests({ method: 'POST', path: '/document/generate' }).length) {
				assert.ok(Date.now() < deadline, 'the node submitted the job');
				await sleep(200);
			}
			const [sent] = emulator.requests({ method: 'POST', path: '/document/generate' });
			const match = /\/webhook-waiting\/(\d+)/.exec(sent.body.callback_url);
			assert.ok(match, `resume URL: ${sent.body.callback_url}`);
			assert.ok(sent.body.callback_url.startsWith(`${n8n.url}/`), 'built from WEBHOOK_URL');
			const executionId = match[1];
			const waiting = await waitForExecution(server, executionId, ['waiting'], {
				ranNode: 'Extract',
			});
			const [jobId] = waitingJobs(waiting, 'Extract');
			const pending = { id: jobId };

			const forged = await postDelivery(
				sent.body.callback_url,
				JSON.stringify({ id: pending.id, status: 'completed', response: { total: 0 } }),
			);
			assert.equal(forged.status, 401);
			assert.equal((await execution(executionId)).status, 'waiting');

			await emulator.advanceJob(pending.id, 'completed');
			assert.deepEqual(
				emulator
					.webhookDeliveries()
					.filter((d) => d.jobId === pending.id)
					.map((d) => d.status),
				[200],
			);
			const done = await waitForExecution(server, executionId, ['success', 'error', 'crashed'], {
				ranNode: 'Extract',
			});
			assert.equal(done.status, 'success');
			const [item] = nodeOutput(done, 'Extract');
			assert.equal(item.vlmrun.predictionId, pending.id);
			assert.equal(item.vlmrun.status, 'completed');
			assert.equal(typeof item.total, 'number');
		});
	});
});

// The Execution node's Wait for Callback in a real n8n server: the workflow waits in n8n (status
// `waiting`), the emulator calls the resume URL back with signed results, and the workflow goes on
// with the same items as Wait for Result, the agent's image artifacts included as binaries. Both
// groupings: one execution per item, and one execution for all items. Run through test/e2e/run.mjs.
// The emulator runs jobs in manual mode: an execution finishes, and calls back, when a test advances it.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import {
	PACKAGE,
	createN8n,
	importCredentials,
	importWorkflow,
	newId,
	waitingJobs,
	publishWorkflow,
	sleep,
	startEmulator,
	startServer,
	workflowNode as node,
} from './n8n.mjs';

const EXECUTION_NODE = `${PACKAGE.name}.vlmRunExecution`;
const SECRET = 'whsec_e2e_execution_callback_71c2';
const CRED = { id: 'vlmCredExecCb001', name: 'VLM Run (emulator, signed)', type: 'vlmRunApi' };
const NOTES = ['Claim 1: rear bumper dented.', 'Claim 2: windscreen cracked.'];

/** Webhook → two claim notes as items → VLM Run Execution (Run, text inputs) → After (No Op). */
function claimsWorkflow(path, parameters) {
	return {
		name: `execution callback: ${path}`,
		nodes: [
			node(
				'Start',
				'n8n-nodes-base.webhook',
				{ path, httpMethod: 'POST' },
				{ typeVersion: 2, webhookId: newId() },
			),
			node(
				'Notes',
				'n8n-nodes-base.code',
				{ jsCode: `return ${JSON.stringify(NOTES)}.map((note) => ({ json: { note } }));` },
				{ typeVersion: 2 },
			),
			node(
				'Agent',
				EXECUTION_NODE,
				{
					resource: 'execution',
					operation: 'run',
					prompt: 'Summarise the claim note and draw an image of the damage.',
					binarySelection: 'none',
					textInputs: { input: [{ name: 'note', value: '={{ $json.note }}' }] },
					...parameters,
				},
				{ credentials: { vlmRunApi: { id: CRED.id, name: CRED.name } }, webhookId: newId() },
			),
			node('After', 'n8n-nodes-base.noOp', {}),
		],
		connections: {
			Start: { main: [[{ node: 'Notes', type: 'main', index: 0 }]] },
			Notes: { main: [[{ node: 'Agent', type: 'main', index: 0 }]] },
			Agent: { main: [[{ node: 'After', type: 'main', index: 0 }]] },
		},
	};
}

/** The full items (json, binary, pairedItem) a node output in an execution fetched with its data. */
function itemsOf(execution, nodeName) {
	return execution.data.resultData.runData[nodeName][0].data.main[0];
}

const without = (object, ...keys) =>
	Object.fromEntries(Object.entries(object).filter(([key]) => !keys.includes(key)));

/** An item without what differs from one run to the next: ids, artifact refs, durations. */
function comparable({ json, binary = {} }) {
	const { vlmrun } = json;
	return {
		response: without(json, 'vlmrun', 'artifacts'),
		artifactKinds: Object.keys(json.artifacts),
		summary: {
			...without(vlmrun, 'executionId', 'artifacts'),
			usage: without(vlmrun.usage, 'duration_seconds'),
		},
		downloaded: vlmrun.artifacts.map((artifact) => [artifact.downloaded, artifact.mimeType]),
		binaries: Object.entries(binary).map(([key, file]) => [
			key.split('_')[0],
			file.mimeType,
			file.fileName.replace(key, '<ref>'),
		]),
	};
}

describe('execution callback', { timeout: 600_000 }, () => {
	let emulator;
	let n8n;
	let server;
	const ids = {};

	const finished = (execution) =>
		['success', 'error', 'crashed', 'canceled'].includes(execution.status);
	const executionsOf = async (workflowId) =>
		(await server.api('GET', `/executions?workflowId=${workflowId}&limit=100`)).data;
	const deliveriesFor = (jobId) => emulator.webhookDeliveries().filter((d) => d.jobId === jobId);

	/** Starts a workflow through its webhook and returns its execution once `predicate` holds. */
	async function start(workflowId, path, predicate) {
		const before = new Set((await executionsOf(workflowId)).map((e) => e.id));
		const res = await server.callWebhook(`/webhook/${path}`, { json: {} }, 60_000);
		assert.equal(res.status, 200, await res.text());
		return await server.waitForExecution(
			{ workflowId },
			(e) => !before.has(e.id) && predicate(e),
			60_000,
		);
	}

	async function resumed(workflowId, executionId) {
		return await server.waitForExecution(
			{ workflowId },
			(e) => e.id === executionId && finished(e),
			30_000,
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
		ids.poll = await importWorkflow(n8n, claimsWorkflow('poll', { completion: 'waitForResult' }));
		ids.wait = await importWorkflow(n8n, claimsWorkflow('wait', { completion: 'waitForCallback' }));
		ids.pollAll = await importWorkflow(
			n8n,
			claimsWorkflow('poll-all', { completion: 'waitForResult', grouping: 'allItems' }),
		);
		ids.waitAll = await importWorkflow(
			n8n,
			claimsWorkflow('wait-all', { completion: 'waitForCallback', grouping: 'allItems' }),
		);
		for (const id of Object.values(ids)) await publishWorkflow(n8n, id);
		server = await startServer(n8n);
	});

	after(async () => {
		await server?.stop();
		await emulator?.close();
	});

	/** Wait for Result, for the items Wait for Callback must match. */
	async function reference(workflowId, path) {
		emulator.configure({ jobMode: 'polls' });
		try {
			const execution = await start(workflowId, path, finished);
			assert.equal(execution.status, 'success');
			return itemsOf(execution, 'Agent');
		} finally {
			emulator.configure({ jobMode: 'manual' });
		}
	}

	test('one execution per item: the workflow waits, resumes once both have called back, with the Wait for Result items', async () => {
		const polled = await reference(ids.poll, 'poll');
		assert.equal(polled.length, 2);
		assert.ok(
			polled.every((item) => Object.keys(item.binary ?? {}).length === 1),
			'Wait for Result downloads the image',
		);

		const waiting = await start(ids.wait, 'wait', (e) => e.status === 'waiting');
		const jobIds = waitingJobs(waiting, 'Agent');
		assert.equal(new Set(jobIds).size, 2);
		const sent = emulator.requests({ method: 'POST', path: '/agent/execute' }).slice(-2);
		for (const call of sent)
			assert.match(
				call.body.callback_url,
				new RegExp(`/webhook-waiting/${waiting.id}\\?signature=`),
			);

		// A forged callback to the resume URL is refused and leaves the workflow waiting.
		const forged = await fetch(sent[0].body.callback_url, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ id: jobIds[0], status: 'completed', response: {} }),
		});
		assert.equal(forged.status, 401);

		await emulator.advanceJob(jobIds[1], 'completed');
		assert.deepEqual(
			deliveriesFor(jobIds[1]).map((d) => d.status),
			[200],
			'acknowledged without resuming',
		);
		await sleep(500);
		assert.equal((await server.api('GET', `/executions/${waiting.id}`)).status, 'waiting');

		await emulator.advanceJob(jobIds[0], 'completed');
		assert.deepEqual(
			deliveriesFor(jobIds[0]).map((d) => d.status),
			[200],
		);
		const done = await resumed(ids.wait, waiting.id);
		assert.equal(done.status, 'success');
		const items = itemsOf(done, 'Agent');
		assert.deepEqual(
			items.map((item) => item.json.vlmrun.executionId),
			jobIds,
		);
		assert.deepEqual(items.map(comparable), polled.map(comparable));
		assert.deepEqual(
			items.map((item) => item.pairedItem),
			[{ item: 0 }, { item: 1 }],
		);
		for (const item of items) {
			const ref = item.json.artifacts.image.id;
			assert.equal(item.binary[ref].mimeType, 'image/png');
			assert.equal(item.binary[ref].fileName, `${ref}.png`);
			assert.ok(item.binary[ref].id, "the image is in n8n's binary data store");
		}
		assert.deepEqual(
			itemsOf(done, 'After').map((item) => item.json),
			items.map((item) => item.json),
			'the workflow went on with the resumed items',
		);
	});

	test('one execution for all items: one callback resumes the workflow with its one item', async () => {
		const polled = await reference(ids.pollAll, 'poll-all');
		assert.equal(polled.length, 1);

		const waiting = await start(ids.waitAll, 'wait-all', (e) => e.status === 'waiting');
		const [jobId] = waitingJobs(waiting, 'Agent');
		const pending = { id: jobId };
		const [sent] = emulator.requests({ method: 'POST', path: '/agent/execute' }).slice(-1);
		assert.deepEqual(Object.keys(sent.body.inputs), ['note', 'note_2']);

		await emulator.advanceJob(pending.id, 'completed');
		assert.deepEqual(
			deliveriesFor(pending.id).map((d) => d.status),
			[200],
		);
		const done = await resumed(ids.waitAll, waiting.id);
		assert.equal(done.status, 'success');
		const items = itemsOf(done, 'Agent');
		assert.deepEqual(items.map(comparable), polled.map(comparable));
		// n8n pairs a resumed node's output by position, whatever webhook() returned
		// (WorkflowExecute.addPairedItemLineage): the group's one item pairs to the first input item only.
		assert.deepEqual(polled[0].pairedItem, [{ item: 0 }, { item: 1 }]);
		assert.deepEqual(items[0].pairedItem, { item: 0 });
	});
});

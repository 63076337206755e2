// The example workflows of examples/ in a real n8n: importing them with their credentials, and
// running each one through its real trigger (an email into dovecot, a multipart form post, a
// streamed chat message, a form post whose job calls the VLM Run Trigger back). Shared by
// `npm run demo` (demo/run.mjs) and the end-to-end suite test/e2e/examples.e2e.mjs, so what the
// demo shows is what the tests assert.
//
// Every runner returns { lines, ...outputs }: lines are what the demo prints, outputs are the node
// outputs read through n8n's public API (GET /api/v1/executions/<id>?includeData=true). A runner
// throws, with the execution's error, when the example did not do what it is for.
import { randomUUID } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

import { invoiceEmail, INVOICE_ATTACHMENTS, startDovecot } from './dovecot.mjs';
import {
	REPO_ROOT,
	createN8n,
	importCredentials,
	importWorkflows,
	nodeOutput,
	sleep,
	startEmulator,
	startServer,
} from './n8n.mjs';
import { REVIEW_WORKFLOW, runInvoiceReview } from './review-example.mjs';

export const EXAMPLES_DIR = join(REPO_ROOT, 'examples');
const FIXTURES = join(REPO_ROOT, 'test', 'fixtures');

/** The credentials the example workflows reference by these fixed ids. */
export const VLMRUN_CREDENTIAL = {
	id: 'VlmRunDemoCred01',
	name: 'VLM Run account',
	type: 'vlmRunApi',
};
export const IMAP_CREDENTIAL = {
	id: 'ImapDemoCred0001',
	name: 'IMAP account (invoices mailbox)',
	type: 'imap',
};

export const WORKFLOWS = {
	invoiceInbox: 'vlmExInvoiceMail',
	documentPackage: 'vlmExFormPackage',
	chatWithFiles: 'vlmExChatFiles01',
	asyncSubmit: 'vlmExAsyncSubmit',
	asyncResults: 'vlmExAsyncResult',
	invoiceReview: REVIEW_WORKFLOW,
};

export const FORM_PATHS = {
	documentPackage: 'vlmrun-document-package',
	asyncSubmit: 'vlmrun-transcribe',
};

/** The example workflows, in file order (1-…, 2-…, …). */
export async function loadExamples() {
	const files = (await readdir(EXAMPLES_DIR)).filter((file) => file.endsWith('.json')).sort();
	return await Promise.all(
		files.map(async (file) => ({
			file,
			workflow: JSON.parse(await readFile(join(EXAMPLES_DIR, file), 'utf8')),
		})),
	);
}

function webhookIdOf(workflow, nodeType) {
	return workflow.nodes.find((node) => node.type === nodeType)?.webhookId;
}

/** Public paths of the examples' entry points, read from the example files. */
export async function exampleUrls() {
	const examples = await loadExamples();
	const byId = Object.fromEntries(examples.map(({ workflow }) => [workflow.id, workflow]));
	const chatId = webhookIdOf(byId[WORKFLOWS.chatWithFiles], '@n8n/n8n-nodes-langchain.chatTrigger');
	const triggerId = webhookIdOf(byId[WORKFLOWS.asyncResults], 'n8n-nodes-vlmrun.vlmRunTrigger');
	return {
		documentPackageForm: `/form/${FORM_PATHS.documentPackage}`,
		asyncSubmitForm: `/form/${FORM_PATHS.asyncSubmit}`,
		chat: `/webhook/${chatId}/chat`,
		vlmrunTrigger: `/webhook/${triggerId}/webhook`,
	};
}

/**
 * Imports the two credentials and every example workflow (two CLI calls). Existing ones with the
 * same ids are overwritten, so a demo folder can be re-imported on every start.
 * @param {{ apiKey: string, baseUrl: string, webhookSecret?: string }} vlmrun
 * @param {{ host: string, port: number, user: string, password: string }} imap
 */
export async function importExamples(ctx, { vlmrun, imap }) {
	await importCredentials(ctx, [
		{
			...VLMRUN_CREDENTIAL,
			data: {
				apiKey: vlmrun.apiKey,
				baseUrl: vlmrun.baseUrl,
				webhookSecret: vlmrun.webhookSecret ?? '',
			},
		},
		{
			...IMAP_CREDENTIAL,
			data: {
				user: imap.user,
				password: imap.password,
				host: imap.host,
				port: imap.port,
				secure: false,
				allowUnauthorizedCerts: false,
			},
		},
	]);
	const examples = await loadExamples();
	// staticData: null resets what triggers remember (the Email Trigger's last message UID, the VLM
	// Run Trigger's seen deliveries) when a workflow is imported over an earlier copy of itself.
	return await importWorkflows(
		ctx,
		examples.map(({ workflow }) => ({ ...workflow, staticData: null })),
	);
}

/**
 * The VLM Run emulator, a dovecot mailbox and an n8n server with every example imported (none
 * published), all on loopback; stop() stops them.
 */
export async function startExamplesStack(emulatorOptions) {
	const emulator = await startEmulator(emulatorOptions);
	const imap = await startDovecot();
	const n8n = await createN8n();
	await importExamples(n8n, {
		vlmrun: { apiKey: emulator.apiKey, baseUrl: emulator.baseUrl },
		imap,
	});
	const server = await startServer(n8n);
	return {
		emulator,
		imap,
		server,
		async stop() {
			await server.stop();
			await imap.stop();
			await emulator.close();
		},
	};
}

/** Publishes (activates) every example on the running server. */
export async function publishExamples(server) {
	for (const id of Object.values(WORKFLOWS)) await server.publishWorkflow(id);
}

// ---------------------------------------------------------------------------------------------
// Executions

/** The ids of a workflow's executions so far, to tell the next one apart in a reused database. */
export async function executionIds(server, workflowId) {
	const list = await server.api(
		'GET',
		`/executions?${new URLSearchParams({ workflowId, limit: '100' })}`,
	);
	return new Set((list.data ?? []).map((execution) => execution.id));
}

const FINISHED = ['success', 'error', 'crashed', 'canceled'];

/**
 * Waits for an execution of the workflow that is not in `seen` to reach one of `statuses`, and
 * returns it with its data.
 */
export async function waitForNewExecution(
	server,
	workflowId,
	seen,
	{ statuses = FINISHED, timeoutMs = 90_000, what = workflowId } = {},
) {
	const deadline = Date.now() + timeoutMs;
	let last = 'none';
	for (;;) {
		const list = await server.api(
			'GET',
			`/executions?${new URLSearchParams({ workflowId, limit: '20' })}`,
		);
		const fresh = (list.data ?? []).filter((execution) => !seen.has(execution.id));
		last = fresh.map((execution) => `${execution.id}:${execution.status}`).join(', ') || 'none';
		for (const summary of fresh) {
			if (!statuses.includes(summary.status)) continue;
			return await server.api('GET', `/executions/${summary.id}?includeData=true`);
		}
		if (Date.now() > deadline) {
			throw new Error(
				`${what}: no new execution reached ${statuses.join('/')} within ${timeoutMs / 1000} s (new: ${last})`,
			);
		}
		await sleep(300);
	}
}

/**
 * Waits for the execution with this id to reach one of `statuses` (and, with `ranNode`, to hold
 * a run of that node: n8n stores an execution's status and its data separately, so for a moment
 * the status can be new and the data old); returns it with its data.
 */
export async function waitForExecution(
	server,
	id,
	statuses,
	{ timeoutMs = 90_000, what = id, ranNode } = {},
) {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const execution = await server.api('GET', `/executions/${id}?includeData=true`);
		const ran = !ranNode || execution.data?.resultData?.runData?.[ranNode]?.length > 0;
		if (statuses.includes(execution.status) && ran) return execution;
		if (Date.now() > deadline) {
			throw new Error(
				`${what}: execution ${id} is "${execution.status}" after ${timeoutMs / 1000} s, not ${statuses.join('/')}`,
			);
		}
		await sleep(300);
	}
}

/** Throws with the execution's own error unless it succeeded. */
export function assertSucceeded(execution, what) {
	if (execution.status === 'success') return;
	const error = execution.data?.resultData?.error;
	const where = error?.node?.name ? ` in "${error.node.name}"` : '';
	throw new Error(
		`${what}: execution ${execution.id} ended "${execution.status}"${where}: ${error?.message ?? 'no error recorded'}${error?.description ? ` (${error.description})` : ''}`,
	);
}

function check(condition, message) {
	if (!condition) throw new Error(message);
}

async function fixtureBlob(fileName, type) {
	return new Blob([await readFile(join(FIXTURES, fileName))], { type });
}

const money = (value) => (typeof value === 'number' ? value.toFixed(2) : String(value));

// ---------------------------------------------------------------------------------------------
// 1. Invoice inbox

/**
 * Delivers an email with two PDF invoices and a receipt photo to the dovecot mailbox; the Email
 * Trigger (IMAP) fires, VLM Run Request turns each attachment into an item, the Filter keeps the
 * totals above 100.
 */
export async function runInvoiceInbox({ server, imap, timeoutMs = 90_000 }) {
	const seen = await executionIds(server, WORKFLOWS.invoiceInbox);
	// The trigger only sees mail that arrives while it is connected (IMAP IDLE).
	await imap.waitForIdle({ timeoutMs });
	await imap.deliver(await invoiceEmail());
	const execution = await waitForNewExecution(server, WORKFLOWS.invoiceInbox, seen, {
		timeoutMs,
		what: 'Invoice inbox',
	});
	assertSucceeded(execution, 'Invoice inbox');
	const email = nodeOutput(execution, 'New invoice email');
	const extracted = nodeOutput(execution, 'Extract invoice fields');
	const kept = nodeOutput(execution, 'Total above 100');
	check(
		email.length === 1,
		`Invoice inbox: the Email Trigger gave ${email.length} items, expected 1 email`,
	);
	check(
		extracted.length === INVOICE_ATTACHMENTS.length,
		`Invoice inbox: VLM Run Request gave ${extracted.length} items, expected ${INVOICE_ATTACHMENTS.length}`,
	);
	for (const [index, item] of extracted.entries()) {
		check(
			item.vlmrun?.status === 'completed',
			`Invoice inbox: item ${index} is "${item.vlmrun?.status}", not completed`,
		);
		check(
			item.vlmrun?.domain === 'document.invoice',
			`Invoice inbox: item ${index} has domain ${item.vlmrun?.domain}`,
		);
	}
	const lines = [
		`email "${email[0].subject}" from ${email[0].from?.value?.[0]?.address ?? email[0].from} with ${extracted.length} attachments`,
		...extracted.map(
			(item) =>
				`  ${item.vlmrun.fileName.padEnd(14)} ${item.vlmrun.binaryProperty.padEnd(13)} → invoice ${item.invoice_id}, ${item.customer}, total ${money(item.total)}`,
		),
		`Filter "total > 100" kept ${kept.length} of ${extracted.length}`,
	];
	return { execution, email, extracted, kept, lines };
}

// ---------------------------------------------------------------------------------------------
// 2. Document package from a form

/**
 * Posts the form as the browser does (multipart, one text field and three files in the file
 * field), follows the form to its ending page, and resumes the ending the way that page does.
 */
export async function runDocumentPackage({ server, timeoutMs = 90_000 }) {
	const seen = await executionIds(server, WORKFLOWS.documentPackage);
	const files = [
		['invoice-1.pdf', 'application/pdf'],
		['contract.pdf', 'application/pdf'],
		['id-card.png', 'image/png'],
	];
	const form = new FormData();
	form.append('field-0', 'jane.doe@example.com');
	for (const [fileName, type] of files)
		form.append('field-1', await fixtureBlob(fileName, type), fileName);
	const posted = await server.callWebhook(
		`/form/${FORM_PATHS.documentPackage}`,
		{ method: 'POST', body: form, redirect: 'manual' },
		30_000,
	);
	const postText = await posted.text();
	check(
		posted.status === 200,
		`Document package: the form post answered ${posted.status}: ${postText.slice(0, 300)}`,
	);
	// With a Form node after the trigger, n8n answers with the page the browser goes to next.
	let waitingUrl;
	try {
		waitingUrl = new URL(JSON.parse(postText).formWaitingUrl);
	} catch {
		throw new Error(
			`Document package: the form post did not answer with a formWaitingUrl: ${postText.slice(0, 300)}`,
		);
	}

	// The ending page (Form node, Form Ending) puts the execution to wait until the page is shown.
	// The waiting URL names the execution; n8n 1.x leaves waiting executions out of the API's list.
	const executionId = /\/form-waiting\/(\d+)/.exec(waitingUrl.pathname)?.[1];
	check(executionId, `Document package: no execution id in ${waitingUrl}`);
	const waiting = await waitForExecution(server, executionId, ['waiting', ...FINISHED], {
		timeoutMs,
		what: 'Document package',
		ranNode: 'Check the package',
	});
	if (waiting.status !== 'waiting') assertSucceeded(waiting, 'Document package');
	const result = nodeOutput(waiting, 'Check the package');
	check(
		result.length === 1,
		`Document package: VLM Run Execution gave ${result.length} items, expected 1 for the whole package`,
	);
	const [answer] = result;
	// n8n's Form Trigger keeps the files of one field in the order their uploads finish parsing,
	// which is not always the order they were sent in.
	const uploaded = Object.values(
		waiting.data?.resultData?.runData?.['Upload documents']?.[0]?.data?.main?.[0]?.[0]?.binary ??
			{},
	).map((binary) => binary.fileName);
	check(
		answer.vlmrun?.status === 'completed',
		`Document package: the execution is "${answer.vlmrun?.status}"`,
	);
	check(
		answer.vlmrun?.inputs?.length === files.length,
		`Document package: ${answer.vlmrun?.inputs?.length} inputs went into the execution, expected ${files.length}`,
	);

	// What the browser does next: open the waiting form page (the ending), which posts back to finish.
	let page = '';
	if (waiting.status === 'waiting') {
		const pageUrl = `${waitingUrl.pathname}${waitingUrl.search}`;
		const shown = await server.callWebhook(pageUrl, { method: 'GET' });
		page = await shown.text();
		check(shown.status === 200, `Document package: the ending page answered ${shown.status}`);
		const finish = await server.callWebhook(pageUrl, {
			method: 'POST',
			body: '{}',
			headers: { 'content-type': 'application/json' },
		});
		await finish.text();
	}
	const done = await waitForNewExecution(server, WORKFLOWS.documentPackage, seen, {
		timeoutMs,
		what: 'Document package (ending)',
	});
	assertSucceeded(done, 'Document package');
	const lines = [
		`form post with ${files.length} files (${files.map(([name]) => name).join(', ')}) → one agent execution ${answer.vlmrun.executionId}`,
		`  same person: ${answer.same_person}; documents: ${(answer.documents ?? []).map((d) => d.document_type).join(', ')}`,
		`  summary: ${answer.summary}`,
		`ending page shown to the user: ${page ? 'yes' : 'no'}`,
	];
	return { execution: done, answer, uploaded, page, lines };
}

// ---------------------------------------------------------------------------------------------
// 3. Chat with files

/** Reads n8n's streamed webhook answer: one JSON chunk per line ({ type, content, metadata }). */
export async function readChunks(response) {
	const text = await response.text();
	return text
		.split('\n')
		.filter((line) => line.trim())
		.map((line) => JSON.parse(line));
}

/**
 * The answer `nodeName` streamed: the contents of its item chunks, which must come between its
 * begin and end chunks.
 * @returns {Promise<{ pieces: string[], text: string }>}
 */
export async function streamedAnswer(response, nodeName = 'VLM Run Chat') {
	const chunks = await readChunks(response);
	const own = chunks.filter((chunk) => chunk.metadata?.nodeName === nodeName);
	check(
		own[0]?.type === 'begin' && own.at(-1)?.type === 'end',
		`${nodeName} did not stream between begin and end: ${JSON.stringify(chunks)}`,
	);
	const pieces = own.filter((chunk) => chunk.type === 'item').map((chunk) => chunk.content);
	return { pieces, text: pieces.join('') };
}

/**
 * Sends one chat message with a receipt photo to the hosted chat's webhook the way the chat page
 * does (multipart, streaming), and reads the streamed answer.
 */
export async function runChatWithFiles({ server, timeoutMs = 60_000 }) {
	const { chat } = await exampleUrls();
	const seen = await executionIds(server, WORKFLOWS.chatWithFiles);
	const sessionId = randomUUID();
	const question = 'What is the total on this receipt?';
	const form = new FormData();
	form.append('action', 'sendMessage');
	form.append('sessionId', sessionId);
	form.append('chatInput', question);
	form.append('files', await fixtureBlob('receipt.png', 'image/png'), 'receipt.png');
	const response = await server.callWebhook(
		chat,
		{ method: 'POST', body: form, headers: { accept: 'text/plain' } },
		30_000,
	);
	check(response.status === 200, `Chat with files: the chat webhook answered ${response.status}`);
	const chunks = await readChunks(response);
	const own = chunks.filter((chunk) => chunk.metadata?.nodeName === 'VLM Run Chat');
	const pieces = own.filter((chunk) => chunk.type === 'item');
	const answer = pieces.map((chunk) => chunk.content).join('');
	check(
		own[0]?.type === 'begin' && own.at(-1)?.type === 'end',
		`Chat with files: no begin…end stream from VLM Run Chat: ${JSON.stringify(chunks).slice(0, 400)}`,
	);
	check(answer.length > 0, 'Chat with files: the streamed answer is empty');
	const execution = await waitForNewExecution(server, WORKFLOWS.chatWithFiles, seen, {
		timeoutMs,
		what: 'Chat with files',
	});
	assertSucceeded(execution, 'Chat with files');
	const [item] = nodeOutput(execution, 'VLM Run Chat');
	check(item?.text === answer, 'Chat with files: the node output differs from the streamed answer');
	const lines = [
		`you: ${question} [receipt.png]`,
		`VLM Run (streamed in ${pieces.length} pieces): ${answer}`,
	];
	return { execution, answer, chunks, sessionId, lines };
}

// ---------------------------------------------------------------------------------------------
// 4. Async pipeline

/**
 * Posts a recording to the submit form (4a): VLM Run Request submits it with Completion: Submit
 * Only and the VLM Run Trigger's URL as callback, then VLM Run calls back and 4b runs.
 */
export async function runAsyncPipeline({ server, timeoutMs = 90_000 }) {
	const seenSubmit = await executionIds(server, WORKFLOWS.asyncSubmit);
	const seenResults = await executionIds(server, WORKFLOWS.asyncResults);
	const form = new FormData();
	form.append('field-0', await fixtureBlob('memo.mp3', 'audio/mpeg'), 'memo.mp3');
	const posted = await server.callWebhook(
		`/form/${FORM_PATHS.asyncSubmit}`,
		{ method: 'POST', body: form },
		30_000,
	);
	const postText = await posted.text();
	check(
		posted.status === 200,
		`Async pipeline: the form post answered ${posted.status}: ${postText.slice(0, 300)}`,
	);
	const submitted = await waitForNewExecution(server, WORKFLOWS.asyncSubmit, seenSubmit, {
		timeoutMs,
		what: 'Async pipeline (submit)',
	});
	assertSucceeded(submitted, 'Async pipeline (submit)');
	const [job] = nodeOutput(submitted, 'Submit transcription');
	const jobId = job?.vlmrun?.predictionId ?? job?.id;
	check(jobId, `Async pipeline: Submit Only output no job id: ${JSON.stringify(job)}`);
	const results = await waitForNewExecution(server, WORKFLOWS.asyncResults, seenResults, {
		timeoutMs,
		what: 'Async pipeline (results via VLM Run Trigger)',
	});
	assertSucceeded(results, 'Async pipeline (results)');
	const [callback] = nodeOutput(results, 'VLM Run Trigger');
	const [transcript] = nodeOutput(results, 'Transcript');
	check(
		transcript?.predictionId === jobId,
		`Async pipeline: the trigger received job ${transcript?.predictionId}, expected ${jobId}`,
	);
	const lines = [
		`form post with memo.mp3 → submitted job ${jobId} (status ${job.vlmrun?.status ?? job.status}); the submit workflow ended`,
		`VLM Run called back → "${results.workflowData?.name ?? 'results'}" ran: status ${transcript.status}, ${transcript.durationSeconds ?? '?'} s`,
		`  transcript: ${transcript.transcript}`,
	];
	return { submitted, results, job, callback, transcript, lines };
}

/** Every example, in README order, with the runner that exercises it. */
export const EXAMPLES = [
	{
		key: 'invoiceInbox',
		title: '1. Invoice inbox (Email Trigger → VLM Run Request → Filter)',
		run: runInvoiceInbox,
	},
	{
		key: 'documentPackage',
		title: '2. Document package from a form (Form → VLM Run Execution → Form ending)',
		run: runDocumentPackage,
	},
	{
		key: 'chatWithFiles',
		title: '3. Chat with files (hosted chat, streaming → VLM Run Chat)',
		run: runChatWithFiles,
	},
	{
		key: 'asyncPipeline',
		title: '4. Async pipeline (Submit Only → callback → VLM Run Trigger)',
		run: runAsyncPipeline,
		needsCallbacks: true,
	},
	{
		key: 'invoiceReview',
		title: '5. Invoice inbox with review (Review Rules → data table, or a review form)',
		run: runInvoiceReview,
	},
];

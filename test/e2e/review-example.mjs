// Example 5, "Invoice inbox with review", in a real n8n: the data table it writes to, the email
// that starts it (two clean invoice scans, a blurry one, a smudged one), and a run through its real
// triggers with every review form filled in, by a browser in the e2e suite or over HTTP in the
// demo. Shared by test/e2e/review.e2e.mjs and `npm run demo` through test/e2e/examples.mjs.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

import { buildEmail, REVIEW_FOLDER } from './dovecot.mjs';
import { REPO_ROOT, nodeOutput, sleep } from './n8n.mjs';

export const REVIEW_WORKFLOW = 'vlmExInvoiceRevw';
export const REVIEW_TABLE = 'Approved invoices';
export const REVIEW_PICTURE_PATH = '/webhook/vlmrun-review-picture';

const FIXTURES = join(REPO_ROOT, 'test', 'fixtures');
const COLUMNS = [
	['invoice_id', 'string'],
	['customer', 'string'],
	['invoice_date', 'string'],
	['total', 'number'],
	['status', 'string'],
	['source_file', 'string'],
	['review_reasons', 'string'],
	['review_picture', 'string'],
	['review_form', 'string'],
];

/** The attachments of the review email, and what the example must make of each. */
export const REVIEW_ATTACHMENTS = [
	{ fileName: 'invoice-0042.png', fixture: 'invoice-scan.png', review: false },
	{ fileName: 'invoice-0042-blurry.png', fixture: 'invoice-scan-blurry.png', review: true },
	{ fileName: 'invoice-0042-copy.png', fixture: 'invoice-scan.png', review: false },
	{ fileName: 'invoice-0042-smudged.png', fixture: 'invoice-scan-smudged.png', review: true },
];

export async function reviewEmail() {
	const attachments = [];
	for (const { fileName, fixture } of REVIEW_ATTACHMENTS) {
		attachments.push({
			fileName,
			mimeType: 'image/png',
			data: await readFile(join(FIXTURES, fixture)),
		});
	}
	return buildEmail({
		subject: 'Scanned invoices',
		text: 'Hello,\r\n\r\nhere are the invoices we scanned this morning.\r\n\r\nBest regards\r\n',
		attachments,
	});
}

async function personalProject(server) {
	return (await server.rest('GET', '/projects/personal')).id;
}

/** The id of the "Approved invoices" data table, created with its columns when missing. */
export async function ensureReviewTable(server) {
	const project = await personalProject(server);
	const list = await server.rest('GET', `/projects/${project}/data-tables?take=100`);
	const found = (list.data ?? list).find((table) => table.name === REVIEW_TABLE);
	if (found) return { project, table: found.id };
	const created = await server.rest('POST', `/projects/${project}/data-tables`, {
		name: REVIEW_TABLE,
		columns: COLUMNS.map(([name, type]) => ({ name, type })),
	});
	return { project, table: created.id };
}

/**
 * Points the example's data table nodes at the table (a user picks it from the list) and
 * publishes the workflow again, so the published version uses it.
 */
export async function prepareReviewExample(server) {
	const { project, table } = await ensureReviewTable(server);
	const workflow = await server.api('GET', `/workflows/${REVIEW_WORKFLOW}`);
	const nodes = workflow.nodes.map((node) =>
		node.type === 'n8n-nodes-base.dataTable'
			? {
					...node,
					parameters: {
						...node.parameters,
						dataTableId: { ...node.parameters.dataTableId, mode: 'id', value: table },
					},
				}
			: node,
	);
	await server.api('PUT', `/workflows/${REVIEW_WORKFLOW}`, {
		name: workflow.name,
		nodes,
		connections: workflow.connections,
		settings: { executionOrder: 'v1', saveDataSuccessExecution: 'all' },
	});
	await server.publishWorkflow(REVIEW_WORKFLOW);
	return { project, table };
}

export async function tableRows(server, { project, table }) {
	const rows = await server.rest('GET', `/projects/${project}/data-tables/${table}/rows?take=100`);
	return rows.data ?? rows;
}

async function executionsOf(server) {
	const list = await server.api(
		'GET',
		`/executions?${new URLSearchParams({ workflowId: REVIEW_WORKFLOW, limit: '50' })}`,
	);
	return list.data ?? [];
}

const FINISHED = ['success', 'error', 'crashed', 'canceled'];

/**
 * What the reviewer sees next, read the way a person would: a new row of the table waiting for
 * review (with its form link, which names the execution), or, when nothing needs review, the
 * email's execution finished. Waiting executions are not listed by n8n 1.x's API, rows are.
 */
async function nextStep(server, target, { seenExecutions, seenRows, handled }, timeoutMs) {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const rows = (await tableRows(server, target)).filter((row) => !seenRows.has(row.id));
		const held = rows.find(
			(row) => row.status === 'needs review' && row.review_form && !handled.has(row.id),
		);
		if (held) return { held };
		for (const summary of await executionsOf(server)) {
			if (seenExecutions.has(summary.id) || !FINISHED.includes(summary.status)) continue;
			const execution = await server.api('GET', `/executions/${summary.id}?includeData=true`);
			if (execution.data?.resultData?.runData?.['New invoice email']) return { execution };
			seenExecutions.add(summary.id);
		}
		if (Date.now() > deadline)
			throw new Error(
				`Invoice review: after ${timeoutMs / 1000} s no invoice waits for review and the email's execution has not finished (new rows: ${rows.map((row) => row.status).join(', ') || 'none'})`,
			);
		await sleep(300);
	}
}

async function waitForSaved(server, id, count, timeoutMs) {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const execution = await server.api('GET', `/executions/${id}?includeData=true`);
		const saved = execution.data?.resultData?.runData?.['Save the reviewed invoice']?.length ?? 0;
		if (saved >= count || FINISHED.includes(execution.status)) return;
		if (Date.now() > deadline)
			throw new Error(`Invoice review: review form ${count} was not saved (${execution.status})`);
		await sleep(300);
	}
}

async function waitForExecutionStatus(server, id, statuses, timeoutMs) {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const execution = await server.api('GET', `/executions/${id}?includeData=true`);
		if (statuses.includes(execution.status)) return execution;
		if (Date.now() > deadline)
			throw new Error(`Invoice review: execution ${id} is still "${execution.status}"`);
		await sleep(300);
	}
}

/** The IMAP triggers that watch the account, each holding one IDLE session. */
async function imapTriggers(server) {
	const list = await server.api('GET', '/workflows?active=true&limit=100');
	return (list.data ?? []).filter((workflow) =>
		workflow.nodes.some((node) => node.type === 'n8n-nodes-base.emailReadImap'),
	).length;
}

/** Width and height of a PNG file, or undefined when the bytes are not one. */
export function pngSize(bytes) {
	const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
	if (bytes.length < 24 || !bytes.subarray(0, 8).equals(signature)) return undefined;
	return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

/** The review picture the example's webhook serves to the review form of a held row. */
export async function fetchReviewPicture(server, row) {
	const res = await server.callWebhook(`${REVIEW_PICTURE_PATH}?row=${row.id}`);
	return {
		status: res.status,
		contentType: res.headers.get('content-type'),
		bytes: Buffer.from(await res.arrayBuffer()),
	};
}

/**
 * A binary of an execution as n8n's binary viewer gets it: through the REST binary-data endpoint
 * with action=view when n8n stores binaries apart (filesystem or database mode, 2.x's default);
 * in 1.x's default mode the bytes are in the execution and the viewer shows them as a data: URL.
 */
export async function viewBinary(server, binary) {
	if (!binary.id)
		return {
			status: 200,
			contentType: binary.mimeType,
			bytes: Buffer.from(binary.data, 'base64'),
			url: `data:${binary.mimeType};base64,${binary.data}`,
		};
	const query = new URLSearchParams({ id: binary.id, action: 'view', mimeType: binary.mimeType });
	const res = await server.restResponse(`/binary-data?${query}`);
	return {
		status: res.status,
		contentType: res.headers.get('content-type'),
		bytes: Buffer.from(await res.arrayBuffer()),
		url: `${server.url}/rest/binary-data?${query}`,
	};
}

/**
 * A reviewer without a browser: posts the form as its page does (multipart, field-N for the Nth
 * form field; field-0 is the reasons and picture block), keeping the held values and setting the
 * total.
 */
export async function submitFormOverHttp(url, held, { total }) {
	const form = new FormData();
	form.append('field-1', held.invoice_id ?? '');
	form.append('field-2', held.customer ?? '');
	form.append('field-3', held.invoice_date ?? '');
	form.append('field-4', String(total));
	const posted = await fetch(url, { method: 'POST', body: form });
	if (!posted.ok) throw new Error(`Invoice review: the form post answered ${posted.status}`);
	await posted.text();
	return {};
}

/**
 * Mails the review email into the watched folder; VLM Run Request sends the clean scans to the
 * table and the doubtful ones, one at a time, to the review form, which `fillForm(url, invoice)`
 * fills in (it returns what it saw). Returns the run's outputs and the table's rows.
 */
export async function runInvoiceReview({
	server,
	imap,
	fillForm = async (url, held) => await submitFormOverHttp(url, held, { total: 271.88 }),
	timeoutMs = 90_000,
}) {
	const target = await prepareReviewExample(server);
	const seen = {
		seenExecutions: new Set((await executionsOf(server)).map((execution) => execution.id)),
		seenRows: new Set((await tableRows(server, target)).map((row) => row.id)),
		handled: new Set(),
	};
	await imap.waitForIdle({ timeoutMs, sessions: await imapTriggers(server) });
	await imap.deliver(await reviewEmail(), { mailbox: REVIEW_FOLDER });

	const forms = [];
	let executionId;
	for (;;) {
		const step = await nextStep(server, target, seen, timeoutMs);
		if (step.execution) {
			executionId = step.execution.id;
			break;
		}
		const { held } = step;
		seen.handled.add(held.id);
		executionId = /\/form-waiting\/(\d+)/.exec(held.review_form)?.[1];
		if (!executionId) throw new Error(`Invoice review: no execution in ${held.review_form}`);
		const url = held.review_form;
		// The row is written just before the execution starts waiting on its form.
		await waitForExecutionStatus(server, executionId, ['waiting'], timeoutMs);
		forms.push({ url, held, ...(await fillForm(url, held, forms.length)) });
		// Let the row be saved before reading the table again: n8n 1.123 on SQLite can fail a data
		// table update that overlaps another request's read ("Transaction is not started yet").
		await waitForSaved(server, executionId, forms.length, timeoutMs);
	}
	// The email's execution (the picture webhook runs as executions of this workflow too).
	const done = await waitForExecutionStatus(server, executionId, FINISHED, timeoutMs);
	if (done.status !== 'success')
		throw new Error(
			`Invoice review: execution ${done.id} ended "${done.status}": ${done.data?.resultData?.error?.message ?? ''}`,
		);
	const confident = nodeOutput(done, 'Extract and review', { output: 0 });
	const needsReview = nodeOutput(done, 'Extract and review', { output: 1 });
	const rows = (await tableRows(server, target)).filter((row) => !seen.seenRows.has(row.id));
	const lines = [
		`email "Scanned invoices" with ${REVIEW_ATTACHMENTS.length} scans → ${confident.length} confident, ${needsReview.length} need review`,
		...needsReview.map(
			(item) =>
				`  ${item.vlmrun.fileName.padEnd(26)} ${item.vlmrun.review.reasons.map((reason) => reason.message).join('; ')}`,
		),
		`review forms filled: ${forms.length}; rows in "${REVIEW_TABLE}": ${rows.map((row) => `${row.source_file} (${row.status})`).join(', ')}`,
	];
	return { execution: done, confident, needsReview, forms, rows, table: target, lines };
}

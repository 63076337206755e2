// Examples: the workflows in examples/ run in a real n8n server against the VLM Run emulator, each
// through its real trigger: an email delivered into a dovecot mailbox (Email Trigger, IMAP), a
// multipart post to the form URL (Form Trigger → Form ending), a chat message with a file to the
// hosted chat in streaming mode (Chat Trigger), and a form post whose Submit Only job calls the
// VLM Run Trigger of the second workflow back with a signed callback. Node outputs are read
// through n8n's public API. The runners are shared with `npm run demo` (test/e2e/examples.mjs).
// Run through test/e2e/run.mjs. It runs on n8n 2.41.1, and again on the 1.x line through
// n8n-1x-examples.e2e.mjs, which sets VLMRUN_E2E_LINE=1: the examples use node versions both lines have.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { ensureSystemDeps, startDovecot } from './dovecot.mjs';
import {
	WORKFLOWS,
	importExamples,
	loadExamples,
	runAsyncPipeline,
	runChatWithFiles,
	runDocumentPackage,
	runInvoiceInbox,
} from './examples.mjs';
import { PACKAGE, createN8n, packageLoadErrors, startEmulator, startServer } from './n8n.mjs';
import {
	fetchReviewPicture,
	pngSize,
	REVIEW_ATTACHMENTS,
	runInvoiceReview,
	submitFormOverHttp,
	viewBinary,
} from './review-example.mjs';
import { LINES } from './provision.mjs';

const LINE = Number(process.env.VLMRUN_E2E_LINE ?? 2);
const N8N = `n8n ${LINES[LINE].n8n}`;

const TRIGGER_NODE = `${PACKAGE.name}.vlmRunTrigger`;
const SECRET = 'whsec_e2e_examples_7c2e4a';

// Parameter types whose values are data, not more parameters.
const OPAQUE = new Set([
	'filter',
	'assignmentCollection',
	'json',
	'resourceLocator',
	'string',
	'number',
	'boolean',
	'options',
	'multiOptions',
	'resourceMapper',
]);

function versionsOf(description) {
	return Array.isArray(description.version) ? description.version : [description.version];
}

/**
 * Every parameter key of a node must be the name of a property of its node type (at its
 * typeVersion), recursively through collections and fixed collections. Returns the unknown paths.
 */
function unknownParameters(parameters, properties, path = '') {
	const unknown = [];
	for (const [key, value] of Object.entries(parameters ?? {})) {
		const candidates = properties.filter((property) => property.name === key);
		if (candidates.length === 0) {
			unknown.push(`${path}${key}`);
			continue;
		}
		if (!value || typeof value !== 'object' || Array.isArray(value)) continue;
		if (candidates.every((candidate) => OPAQUE.has(candidate.type))) continue;
		// A name several operations share (the Data Table's columns): a column mapping is data.
		if ('mappingMode' in value && candidates.some((c) => c.type === 'resourceMapper')) continue;
		const collections = candidates.filter((candidate) => candidate.type === 'collection');
		const fixed = candidates.filter((candidate) => candidate.type === 'fixedCollection');
		if (collections.length) {
			unknown.push(
				...unknownParameters(
					value,
					collections.flatMap((candidate) => candidate.options ?? []),
					`${path}${key}.`,
				),
			);
		} else if (fixed.length) {
			const groups = fixed.flatMap((candidate) => candidate.options ?? []);
			for (const [groupName, entries] of Object.entries(value)) {
				const group = groups.filter((candidate) => candidate.name === groupName);
				if (group.length === 0) {
					unknown.push(`${path}${key}.${groupName}`);
					continue;
				}
				const fields = group.flatMap((candidate) => candidate.values ?? []);
				for (const [index, entry] of (Array.isArray(entries) ? entries : [entries]).entries()) {
					unknown.push(
						...unknownParameters(entry, fields, `${path}${key}.${groupName}[${index}].`),
					);
				}
			}
		}
	}
	return unknown;
}

describe(`examples on ${N8N}`, { timeout: 600_000 }, () => {
	let emulator;
	let imap;
	let n8n;
	let server;
	let nodeTypes;
	let hasTrigger;

	before(async () => {
		ensureSystemDeps('dovecot');
		emulator = await startEmulator({
			jobMode: 'time',
			jobDurationMs: 300,
			webhookSecret: SECRET,
			webhookRetryDelaysMs: [300, 1000],
		});
		imap = await startDovecot();
		n8n = await createN8n({ line: LINE });
		await importExamples(n8n, {
			vlmrun: { apiKey: emulator.apiKey, baseUrl: emulator.baseUrl, webhookSecret: SECRET },
			imap,
		});
		server = await startServer(n8n);
		({ nodes: nodeTypes } = await server.nodeTypes());
		hasTrigger = nodeTypes.some((type) => type.name === TRIGGER_NODE);
		for (const [key, id] of Object.entries(WORKFLOWS)) {
			if (key.startsWith('async') && !hasTrigger) continue;
			await server.publishWorkflow(id);
		}
	});

	after(async () => {
		await server?.stop();
		await imap?.stop();
		await emulator?.close();
	});

	test(`every example uses node types, versions and parameter names that ${N8N} and this package have`, async () => {
		const examples = await loadExamples();
		assert.deepEqual(
			examples.map(({ workflow }) => workflow.id).sort(),
			Object.values(WORKFLOWS).sort(),
			'one file per example workflow',
		);
		for (const { file, workflow } of examples) {
			for (const node of workflow.nodes) {
				if (node.type === TRIGGER_NODE && !hasTrigger) continue;
				const description = nodeTypes.find(
					(type) => type.name === node.type && versionsOf(type).includes(node.typeVersion),
				);
				assert.ok(
					description,
					`${file}: "${node.name}" is ${node.type} v${node.typeVersion}, which this n8n does not have`,
				);
				assert.deepEqual(
					unknownParameters(node.parameters, description.properties),
					[],
					`${file}: "${node.name}" has parameters its type does not know`,
				);
			}
		}
		assert.deepEqual(packageLoadErrors(server.logs()), []);
	});

	test('1. Invoice inbox: an email with two PDF invoices and a receipt photo gives three invoice items', async () => {
		emulator.clearRequests();
		const result = await runInvoiceInbox({ server, imap });
		const [email] = result.email;
		assert.equal(email.subject, 'Invoices for January');
		assert.deepEqual(
			result.extracted.map((item) => [
				item.vlmrun.fileName,
				item.vlmrun.binaryProperty,
				item.vlmrun.modality,
			]),
			[
				['invoice-1.pdf', 'attachment_0', 'document'],
				['invoice-2.pdf', 'attachment_1', 'document'],
				['receipt.png', 'attachment_2', 'image'],
			],
		);
		for (const item of result.extracted) {
			assert.equal(item.invoice_id, 'INV-2026-0042');
			assert.equal(typeof item.total, 'number');
		}
		assert.equal(
			result.kept.length,
			result.extracted.filter((item) => item.total > 100).length,
			'the Filter keeps totals above 100',
		);
		assert.equal(
			emulator.requests({ method: 'POST', path: '/files' }).length,
			2,
			'the PDFs are uploaded',
		);
		const documents = emulator.requests({ method: 'POST', path: '/document/generate' });
		const images = emulator.requests({ method: 'POST', path: '/image/generate' });
		assert.equal(documents.length, 2);
		assert.equal(images.length, 1, 'the photo goes inline to /image/generate');
		for (const call of [...documents, ...images])
			assert.equal(call.body.domain, 'document.invoice');
	});

	test('2. Document package: three files posted to the form become one agent execution, shown on the form ending', async () => {
		emulator.clearRequests();
		const result = await runDocumentPackage({ server });
		const executes = emulator.requests({ method: 'POST', path: '/agent/execute' });
		assert.equal(executes.length, 1, 'one execution for all files');
		assert.equal(Object.keys(executes[0].body.inputs).length, 3);
		assert.match(executes[0].body.config.prompt, /same person/);
		assert.deepEqual(executes[0].body.config.json_schema.required, [
			'documents',
			'same_person',
			'summary',
		]);
		// Every file the form received went in, in the order the Form Trigger output them.
		const inputs = result.answer.vlmrun.inputs.map((input) => input.fileName ?? input.name);
		assert.deepEqual([...result.uploaded].sort(), ['contract.pdf', 'id-card.png', 'invoice-1.pdf']);
		assert.deepEqual(inputs, result.uploaded);
		assert.equal(typeof result.answer.same_person, 'boolean');
		assert.ok(result.page.includes(result.answer.summary), 'the ending page shows the summary');
		assert.equal(result.execution.status, 'success');
	});

	test('3. Chat with files: a message with a receipt photo gets a streamed answer', async () => {
		emulator.clearRequests();
		const result = await runChatWithFiles({ server });
		assert.equal(
			result.answer,
			'You said: "What is the total on this receipt?". Files: 1 (image_url). Turn 1 of this session.',
		);
		const [request] = emulator.requests({ method: 'POST', path: '/openai/chat/completions' });
		assert.equal(request.body.stream, true);
		assert.equal(request.body.messages[0].role, 'system', 'the example sends its system message');
		assert.deepEqual(
			request.body.messages.at(-1).content.map((part) => part.type),
			['image_url', 'text'],
		);
	});

	test('4. Async pipeline: a Submit Only job calls the VLM Run Trigger of the second workflow back', async (t) => {
		if (!hasTrigger) {
			t.skip(`${TRIGGER_NODE} is not registered in package.json "n8n.nodes" yet`);
			return;
		}
		emulator.clearRequests();
		const result = await runAsyncPipeline({ server });
		const [generate] = emulator.requests({ method: 'POST', path: '/audio/generate' });
		assert.ok(generate, 'the recording went to /audio/generate');
		const triggerPath = `/webhook/${result.results.workflowData.nodes.find((node) => node.type === TRIGGER_NODE).webhookId}/webhook`;
		assert.equal(
			generate.body.callback_url,
			`${server.url}${triggerPath}`,
			'the callback URL is the trigger’s Production URL',
		);
		assert.equal(
			result.job.vlmrun?.status ?? result.job.status,
			'pending',
			'Submit Only outputs the pending job',
		);
		const deliveries = emulator
			.webhookDeliveries()
			.filter((delivery) => delivery.jobId === result.transcript.predictionId);
		assert.ok(deliveries.length >= 1);
		assert.equal(deliveries.at(-1).status, 200);
		assert.match(
			deliveries.at(-1).signature,
			/^sha256=[0-9a-f]{64}$/,
			'the callback was signed, and the trigger accepted it',
		);
		assert.equal(result.transcript.status, 'completed');
		assert.match(result.transcript.transcript, /quarterly earnings call/);
	});

	test('5. Invoice inbox with review: clean scans go to the data table, doubtful ones through the review form', async () => {
		emulator.clearRequests();
		// The reviewer posts each form as its page does (test/e2e/review.e2e.mjs fills them in chromium),
		// after fetching the review picture its page shows.
		const pictures = [];
		const result = await runInvoiceReview({
			server,
			imap,
			fillForm: async (url, held) => {
				pictures.push(await fetchReviewPicture(server, held));
				return await submitFormOverHttp(url, held, { total: 271.88 });
			},
		});
		const byReview = (review) =>
			REVIEW_ATTACHMENTS.filter((a) => a.review === review).map((a) => a.fileName);
		assert.deepEqual(
			result.confident.map((item) => item.vlmrun.fileName),
			byReview(false),
		);
		assert.deepEqual(
			result.needsReview.map((item) => item.vlmrun.fileName),
			byReview(true),
		);
		assert.equal(result.forms.length, 2, 'one review form per doubtful invoice');
		// Each doubtful invoice's review picture is a PNG, which n8n's binary viewer displays, and
		// the example's webhook serves it to the form.
		for (const [index, item] of result.needsReview.entries()) {
			const { review, reviewSvg } =
				result.execution.data.resultData.runData['Extract and review'][0].data.main[1][index]
					.binary;
			assert.deepEqual(
				[review.mimeType, review.fileName, reviewSvg.mimeType],
				['image/png', item.vlmrun.fileName.replace('.png', '-review.png'), 'image/svg+xml'],
			);
			const viewed = await viewBinary(server, review);
			assert.equal(viewed.status, 200, `n8n's binary viewer gets ${review.fileName}`);
			assert.match(viewed.contentType, /^image\/png/);
			const size = pngSize(viewed.bytes);
			assert.ok(size && size.width > 760 && size.height === 984, 'the scan and its legend');
			assert.equal(pictures[index].status, 200);
			assert.match(pictures[index].contentType, /^image\/png/);
			assert.ok(pictures[index].bytes.equals(viewed.bytes), 'the form shows the same picture');
		}
		assert.deepEqual(
			result.rows.map((row) => [row.source_file, row.status]).sort(),
			REVIEW_ATTACHMENTS.map((a) => [
				a.fileName,
				a.review ? 'approved after review' : 'approved',
			]).sort(),
		);
	});
});

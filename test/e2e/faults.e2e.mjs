// Faults end to end: 40 files, read from disk by n8n's Read/Write Files node (so they live in n8n's
// filesystem binary store), go through Extract in a real n8n run from the CLI, while the emulator's
// seeded fault mix (set over its HTTP control API) answers 10 % of calls with 429, 5 % of reads with
// 503, resets 2 % of reads, fails 1 % of jobs and sends one malformed body. With continue on fail:
// 40 outputs in order, paired, one job per file. Without: one clear node error. Neither run prints an
// unhandled rejection or a TypeError. Then real mail: one item carrying two PDFs, a PNG, an empty
// part and a .txt (files read from disk and aggregated into one item by n8n's own nodes) through
// Extract under stop, continue (regular output) and continue (error output); Submit Only's output
// shape; and a 404 that names the unknown domain. Run through test/e2e/run.mjs.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

import {
	PACKAGE,
	REPO_ROOT,
	createN8n,
	executeWorkflow,
	importCredentials,
	importWorkflows,
	nodeOutput,
	packageLoadErrors,
	startEmulator,
	workflowNode,
} from './n8n.mjs';

const REQUEST_NODE = `${PACKAGE.name}.vlmRunRequest`;
const FILES = 40;
const FAILING = 'file-17-fails.png';
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;
const PROGRAMMING_ERRORS =
	/TypeError|ReferenceError|Cannot read propert|is not a function|Unhandled ?(promise )?rejection/i;

const fileName = (n) => (n === 17 ? FAILING : `file-${n}.${n % 4 === 3 ? 'pdf' : 'png'}`);

async function writeFiles(dir) {
	const png = await readFile(join(REPO_ROOT, 'test', 'fixtures', 'receipt.png'));
	const pdf = await readFile(join(REPO_ROOT, 'test', 'fixtures', 'invoice-1.pdf'));
	for (let n = 0; n < FILES; n++) {
		const name = fileName(n);
		const base = name.endsWith('.pdf') ? pdf : png;
		await writeFile(join(dir, name), Buffer.concat([base, Buffer.from(`\n#${name}#\n`)]));
	}
}

function workflow(name, dir, credential, onError) {
	return {
		name,
		nodes: [
			{
				id: 'fa000000-0000-4000-8000-000000000001',
				name: 'Start',
				type: 'n8n-nodes-base.manualTrigger',
				typeVersion: 1,
				position: [0, 0],
				parameters: {},
			},
			{
				id: 'fa000000-0000-4000-8000-000000000002',
				name: 'Read Files',
				type: 'n8n-nodes-base.readWriteFile',
				typeVersion: 1.1,
				position: [220, 0],
				parameters: { operation: 'read', fileSelector: `${dir}/*.{png,pdf}`, options: {} },
			},
			{
				id: 'fa000000-0000-4000-8000-000000000003',
				name: 'Extract',
				type: REQUEST_NODE,
				typeVersion: 1,
				position: [440, 0],
				parameters: {
					resource: 'prediction',
					operation: 'extract',
					domain: {
						__rl: true,
						mode: 'id',
						value: `={{ $json.fileName === '${FAILING}' ? 'emulator.fail' : 'document.receipt' }}`,
					},
					// Batch jobs and polls, so that the faults on reads hit status requests.
					options: { maxConcurrency: 20, synchronous: false },
				},
				credentials: { vlmRunApi: { id: credential.id, name: credential.name } },
				...(onError ? { onError } : {}),
			},
		],
		connections: {
			Start: { main: [[{ node: 'Read Files', type: 'main', index: 0 }]] },
			'Read Files': { main: [[{ node: 'Extract', type: 'main', index: 0 }]] },
		},
	};
}

const MAIL_FILES = {
	'invoice-1.pdf': 'invoice-1.pdf',
	'invoice-2.pdf': 'invoice-2.pdf',
	'receipt.png': 'receipt.png',
};
const UNUSABLE = [
	/^"empty\.pdf" \(binary field "data(_\d)?", application\/pdf, 0 bytes\): it is empty$/,
	/^"notes\.txt" \(binary field "data(_\d)?", text\/plain, 14 bytes\): VLM Run does not read this file type$/,
];

async function writeMail(dir) {
	for (const [name, fixture] of Object.entries(MAIL_FILES)) {
		await writeFile(join(dir, name), await readFile(join(REPO_ROOT, 'test', 'fixtures', fixture)));
	}
	await writeFile(join(dir, 'empty.pdf'), Buffer.alloc(0));
	await writeFile(join(dir, 'notes.txt'), 'Call me back.\n');
}

/** Start → Read Files → Aggregate (one item, every file a binary field) → Extract, plus side branches. */
function mailWorkflow(name, dir, credential, onError, extraBranches = []) {
	const vlm = { vlmRunApi: { id: credential.id, name: credential.name } };
	const start = workflowNode('Start', 'n8n-nodes-base.manualTrigger');
	const read = workflowNode(
		'Read Mail',
		'n8n-nodes-base.readWriteFile',
		{ operation: 'read', fileSelector: `${dir}/*`, options: {} },
		{ typeVersion: 1.1 },
	);
	const aggregate = workflowNode('One Email', 'n8n-nodes-base.aggregate', {
		aggregate: 'aggregateAllItemData',
		destinationFieldName: 'files',
		options: { includeBinaries: true },
	});
	const extract = workflowNode(
		'Extract',
		REQUEST_NODE,
		{
			resource: 'prediction',
			operation: 'extract',
			binarySelection: 'all',
			domain: { __rl: true, mode: 'id', value: 'document.invoice' },
		},
		{ credentials: vlm, ...(onError ? { onError } : {}) },
	);
	const branches = extraBranches.map(([branch, parameters, extra]) =>
		workflowNode(branch, REQUEST_NODE, parameters, { credentials: vlm, ...extra }),
	);
	return {
		name,
		nodes: [start, read, aggregate, extract, ...branches],
		connections: {
			Start: {
				main: [
					[
						{ node: 'Read Mail', type: 'main', index: 0 },
						...branches.map((node) => ({ node: node.name, type: 'main', index: 0 })),
					],
				],
			},
			'Read Mail': { main: [[{ node: 'One Email', type: 'main', index: 0 }]] },
			'One Email': { main: [[{ node: 'Extract', type: 'main', index: 0 }]] },
		},
	};
}

const urlExtract = (parameters) => ({
	resource: 'prediction',
	operation: 'extract',
	inputSource: 'url',
	urls: 'https://files.example.com/invoice.pdf',
	domain: { __rl: true, mode: 'id', value: 'document.invoice' },
	...parameters,
});

describe('faults', { timeout: 300_000 }, () => {
	let emulator;
	let n8n;
	let dir;
	let ids;

	async function control(method, path, body) {
		const response = await fetch(`${emulator.origin}/__emulator/${path}`, {
			method,
			headers: body ? { 'content-type': 'application/json' } : {},
			body: body ? JSON.stringify(body) : undefined,
		});
		assert.equal(response.status, 200, `${method} /__emulator/${path}`);
		return await response.json();
	}

	before(async () => {
		emulator = await startEmulator({ jobMode: 'time', jobDurationMs: 50 });
		dir = await mkdtemp(join(tmpdir(), 'vlmrun-e2e-faults-'));
		await writeFiles(dir);
		n8n = await createN8n({
			env: { N8N_RESTRICT_FILE_ACCESS_TO: dir, N8N_DEFAULT_BINARY_DATA_MODE: 'filesystem' },
		});
		const credential = { id: 'vlmCredFaults001', name: 'VLM Run (emulator)', type: 'vlmRunApi' };
		await importCredentials(n8n, [
			{ ...credential, data: { apiKey: emulator.apiKey, baseUrl: emulator.baseUrl } },
		]);
		const mail = join(dir, 'mail');
		await mkdir(mail);
		await writeMail(mail);
		ids = await importWorkflows(n8n, [
			workflow('faults: continue on fail', dir, credential, 'continueRegularOutput'),
			workflow('faults: stop on fail', dir, credential, undefined),
			mailWorkflow('faults: mail, stop on error', mail, credential, undefined),
			mailWorkflow('faults: mail, continue', mail, credential, 'continueRegularOutput'),
			mailWorkflow('faults: mail, error output', mail, credential, 'continueErrorOutput', [
				['Submit Only', urlExtract({ completion: 'submitOnly' }), {}],
				[
					'Unknown Domain',
					urlExtract({ domain: { __rl: true, mode: 'id', value: 'document.nope' } }),
					{ onError: 'continueRegularOutput' },
				],
			]),
		]);
	});

	after(async () => {
		await emulator?.close();
		if (dir) await rm(dir, { recursive: true, force: true });
	});

	async function runUnderFaults(id, seed) {
		const existing = new Set((await predictions()).map((job) => job.id));
		await control('POST', 'config', {
			faultMix: {
				seed,
				rate429: 0.1,
				rate503Reads: 0.05,
				rateResetReads: 0.02,
				rateJobFail: 0.01,
				malformedOnce: true,
				retryAfterSeconds: 0.2,
			},
		});
		await control('DELETE', 'requests');
		const before = await control('GET', 'stats');
		try {
			const result = await executeWorkflow(n8n, id, { timeoutMs: 240_000 });
			const after = await control('GET', 'stats');
			const requests = await control('GET', 'requests');
			await control('POST', 'config', { faultMix: null });
			return {
				result,
				created: after.predictions - before.predictions,
				createdJobs: (await predictions()).filter((job) => !existing.has(job.id)),
				requests,
			};
		} finally {
			await control('POST', 'config', { faultMix: null });
		}
	}

	/** Every prediction on the emulator (read without faults, outside the request log's window). */
	async function predictions() {
		const response = await fetch(`${emulator.baseUrl}/predictions?limit=1000`, {
			headers: { Authorization: `Bearer ${emulator.apiKey}` },
		});
		assert.equal(response.status, 200);
		return await response.json();
	}

	test('with continue on fail: one output per file, in order and paired, one job per file', async () => {
		const { result, created, requests } = await runUnderFaults(ids[0], 11);
		assert.equal(result.code, 0, result.error);
		assert.deepEqual(packageLoadErrors(result.stdout + result.stderr), []);
		assert.doesNotMatch(result.stdout + result.stderr, PROGRAMMING_ERRORS);

		const runData = result.run.data.resultData.runData;
		const read = runData['Read Files'][0].data.main[0];
		const extracted = runData.Extract[0].data.main[0];
		assert.equal(read.length, FILES);
		assert.equal(extracted.length, FILES);
		extracted.forEach((item, i) => {
			assert.deepEqual(item.pairedItem, { item: i }, `output ${i} pairs to input ${i}`);
			const name = read[i].json.fileName;
			if (item.json.error === undefined) {
				assert.equal(item.json.vlmrun.fileName, name);
				assert.equal(item.json.vlmrun.status, 'completed');
			} else {
				assert.match(item.json.error, /^VLM Run could not finish prediction [0-9a-f-]{36}$/);
				assert.ok(item.json.details.startsWith(`File "${name}"`), item.json.details);
			}
		});
		const failed = extracted.filter((item) => item.json.error !== undefined);
		assert.ok(
			failed.some((item) => item.json.details.includes(FAILING)),
			'the failing file is an error item',
		);

		// One prediction per file: every output names its own, and the emulator created exactly 40,
		// although generate calls were refused with 429 and sent again.
		const predictionIds = extracted.map((item) =>
			item.json.error === undefined
				? [item.json.vlmrun.predictionId]
				: [...new Set(JSON.stringify(item.json).match(UUID))],
		);
		assert.ok(predictionIds.every((list) => list.length === 1));
		assert.equal(new Set(predictionIds.flat()).size, FILES);
		assert.equal(created, FILES);
		const generates = requests.filter(
			(r) => r.method === 'POST' && /^\/(image|document)\/generate$/.test(r.path),
		);
		const polls = requests.filter((r) => r.method === 'GET' && r.path.startsWith('/predictions/'));
		assert.ok(generates.length >= FILES);
		assert.ok(polls.length > FILES, `status requests were repeated after faults (${polls.length})`);
		for (const r of requests) if (r.base) assert.equal(r.headers.authorization, 'Bearer ***');
	});

	test('without continue on fail: one clear node error naming the file, and no job twice', async () => {
		const { result, created, createdJobs, requests } = await runUnderFaults(ids[1], 12);
		assert.equal(result.code, 1, 'the run fails');
		assert.doesNotMatch(result.stdout + result.stderr, PROGRAMMING_ERRORS);
		const error = result.run.data.resultData.error;
		assert.equal(error.node?.name, 'Extract');
		assert.match(error.message, /^VLM Run could not finish prediction [0-9a-f-]{36}$/);
		// Followed by the jobs of other files that were still running or had completed (shared/stop.ts).
		assert.match(
			error.description,
			/^VLM Run said: .+ Check the input file and parameters; the prediction ID is [0-9a-f-]{36}\.( Jobs this node had created that are still running on VLM Run \(they finish and are billed\): .+\.)?( \d+ jobs? of this run had already completed; Get Many lists them\.)?$/,
		);
		const polled = new Set(
			requests
				.filter((r) => r.method === 'GET' && r.path.startsWith('/predictions/'))
				.map((r) => r.path.split('/').pop()),
		);
		// A failure stops all further work (no more polls), so each created job was polled, or is
		// named in the error, or counted there ("and N more", "N … had already completed").
		assert.equal(createdJobs.length, created, 'the listing shows every job the run created');
		assert.ok(created <= FILES);
		const named = new Set(error.description.match(UUID));
		const unfollowed = createdJobs.filter((job) => !polled.has(job.id) && !named.has(job.id));
		const count = (pattern) => Number(pattern.exec(error.description)?.[1] ?? 0);
		assert.ok(
			unfollowed.length <=
				count(/ and (\d+) more\./) + count(/(\d+) jobs? of this run had already completed/),
			`${unfollowed.length} created jobs neither followed nor accounted for in the error`,
		);
	});

	async function runMail(id) {
		await control('DELETE', 'requests');
		const result = await executeWorkflow(n8n, id, { timeoutMs: 120_000 });
		assert.doesNotMatch(result.stdout + result.stderr, PROGRAMMING_ERRORS);
		const requests = (await control('GET', 'requests')).filter((r) => r.base);
		const count = (method, path) =>
			requests.filter((r) => r.method === method && r.path === path).length;
		return { result, requests, count };
	}

	const assertUnusable = (messages) => {
		assert.equal(messages.length, 2, messages.join(' | '));
		for (const pattern of UNUSABLE) {
			assert.ok(
				messages.some((message) =>
					pattern.test(message.replace(/^The file /, '').replace(' cannot be sent to VLM Run', '')),
				),
				`${pattern} in ${messages.join(' | ')}`,
			);
		}
	};

	test('mail, stop on error: one error names both unusable files, nothing is sent', async () => {
		const { result, requests } = await runMail(ids[2]);
		assert.equal(result.code, 1, 'the run fails');
		const error = result.run.data.resultData.error;
		assert.equal(error.node?.name, 'Extract');
		assert.match(error.message, /^2 files cannot be sent to VLM Run: /);
		assertUnusable(error.message.replace(/^2 files cannot be sent to VLM Run: /, '').split('; '));
		assert.deepEqual(requests, []);
	});

	test('mail, continue (regular output): three results and two error items, the good files sent', async () => {
		const { result, count } = await runMail(ids[3]);
		assert.equal(result.code, 0, result.error);
		const items = nodeOutput(result.run, 'Extract');
		const results = items.filter((json) => json.error === undefined);
		assert.deepEqual(
			results.map((json) => json.vlmrun.fileName).sort(),
			Object.keys(MAIL_FILES).sort(),
		);
		assert.ok(results.every((json) => json.vlmrun.status === 'completed'));
		assertUnusable(
			items
				.filter((json) => json.error !== undefined)
				.map((json) =>
					json.error.replace(/^The file /, '').replace(' cannot be sent to VLM Run', ''),
				),
		);
		assert.equal(count('POST', '/files'), 2);
		assert.equal(count('POST', '/document/generate'), 2);
		assert.equal(count('POST', '/image/generate'), 1);
	});

	test('mail, continue (error output): results on the success output, unusable files on the error output; Submit Only and a 404 in the same run', async () => {
		const { result, count } = await runMail(ids[4]);
		assert.equal(result.code, 0, result.error);
		const good = nodeOutput(result.run, 'Extract');
		const bad = nodeOutput(result.run, 'Extract', { output: 1 });
		assert.equal(good.length, 3);
		assert.ok(good.every((json) => json.vlmrun.status === 'completed'));
		assertUnusable(
			bad.map((json) =>
				json.error.replace(/^The file /, '').replace(' cannot be sent to VLM Run', ''),
			),
		);
		assert.equal(count('POST', '/document/generate'), 2 + 2);

		// Submit Only: the pending prediction with the same vlmrun summary as Wait for Result.
		const [submitted] = nodeOutput(result.run, 'Submit Only');
		assert.equal(submitted.status, 'pending');
		assert.equal(submitted.vlmrun.predictionId, submitted.id);
		assert.equal(submitted.vlmrun.status, 'pending');
		assert.equal(submitted.vlmrun.domain, 'document.invoice');

		const [unknown] = nodeOutput(result.run, 'Unknown Domain');
		assert.equal(unknown.error, 'The domain "document.nope" was not found on VLM Run');
		assert.match(unknown.details, /VLM Run said: Domain not found/);
	});
});

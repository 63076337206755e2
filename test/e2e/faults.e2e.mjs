// Faults end to end: 40 files, read from disk by n8n's Read/Write Files node (so they live in n8n's
// filesystem binary store), go through Extract in a real n8n run from the CLI, while the emulator's
// seeded fault mix (set over its HTTP control API) answers 10 % of calls with 429, 5 % of reads with
// 503, resets 2 % of reads, fails 1 % of jobs and sends one malformed body. With continue on fail:
// 40 outputs in order, paired, one job per file. Without: one clear node error. Neither run prints an
// unhandled rejection or a TypeError. Run through test/e2e/run.mjs.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
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
	packageLoadErrors,
	startEmulator,
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
					options: { maxConcurrency: 20 },
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
		ids = await importWorkflows(n8n, [
			workflow('faults: continue on fail', dir, credential, 'continueRegularOutput'),
			workflow('faults: stop on fail', dir, credential, undefined),
		]);
	});

	after(async () => {
		await emulator?.close();
		if (dir) await rm(dir, { recursive: true, force: true });
	});

	async function runUnderFaults(id, seed) {
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
			return {
				result,
				created: after.predictions - before.predictions,
				requests: await control('GET', 'requests'),
			};
		} finally {
			await control('POST', 'config', { faultMix: null });
		}
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
		const { result, created, requests } = await runUnderFaults(ids[1], 12);
		assert.equal(result.code, 1, 'the run fails');
		assert.doesNotMatch(result.stdout + result.stderr, PROGRAMMING_ERRORS);
		const error = result.run.data.resultData.error;
		assert.equal(error.node?.name, 'Extract');
		assert.match(error.message, /^VLM Run could not finish prediction [0-9a-f-]{36}$/);
		assert.match(
			error.description,
			/^VLM Run said: .+ Check the input file and parameters; the prediction ID is [0-9a-f-]{36}\.$/,
		);
		const polled = new Set(
			requests
				.filter((r) => r.method === 'GET' && r.path.startsWith('/predictions/'))
				.map((r) => r.path.split('/').pop()),
		);
		assert.equal(polled.size, created, 'each created job polled, none created twice');
		assert.ok(created <= FILES);
	});
});

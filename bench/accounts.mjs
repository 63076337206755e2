// Issue 14's measurements: how Extract behaves on a real account. All in one n8n server (webhook-
// started runs), against one emulator reconfigured between runs:
//
//   lengths    (a) 20 images (answered synchronously) and 20 ten-page PDFs (batch jobs, polled) at
//              c = 10, jobs of 0.3 / 1.5 / 5 / 30 s: Extract's wall time against the floor
//              ⌈items / c⌉ × job length (target ≤ 1.25 ×)
//   requests   (b) requests per file by kind: a PNG, a one-page PDF, an MP3, a ten-page PDF
//   ratelimit  (c) 40 images + 40 one-page PDFs behind 60 requests/min, burst 5, with and without
//              Retry-After, no Requests per Minute on the credential: failed items (target 0) and wall
//              time against (requests needed ÷ rate) (target ≤ 1.15 ×)
//   cpu        (d) 1,000 images, no latency: CPU per item of Extract against n8n's HTTP Request node
//              sending the same synchronous calls (after Extract From File makes the base64 it needs)
//              in the same server, medians of 5 runs each measured from idle to idle (targets:
//              ≤ 1.1 × HTTP Request, ≤ 3 ms)
//
//   --lengths=0.3,1.5  only these job lengths (seconds) in lengths
//   --profile  V8 CPU profiles of the n8n server in bench-output/profiles-accounts
//   --trace    the emulator's request log of each lengths run (method, path, ms after the run's
//              first request, status) in bench-output/accounts-trace.json, to see where time goes
import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import {
	PACKAGE,
	REPO_ROOT,
	createN8n,
	importCredentials,
	importWorkflows,
	sleep,
	startServer,
} from '../test/e2e/n8n.mjs';
import { findN8nProcess, groupCpuMs } from './proc.mjs';
import { chainWorkflow, writeImages } from './workflows.mjs';

export const ACCOUNT_CASES = ['lengths', 'requests', 'ratelimit', 'cpu'];

const OUT_DIR = join(REPO_ROOT, 'bench-output');
const fixture = (name) => readFileSync(join(REPO_ROOT, 'test', 'fixtures', name));

/** A PDF whose `pages` page objects are readable (the node counts them to choose sync or batch). */
function pdf(pages, tag) {
	const page = '<< /Type /Page /Parent 2 0 R >>\n';
	return Buffer.from(
		`%PDF-1.4\n%${tag}\n<< /Type /Pages /Count ${pages} >>\n${page.repeat(pages)}%%EOF\n`,
	);
}

function writeFiles(dir, count, make, extension) {
	mkdirSync(dir, { recursive: true });
	for (let n = 0; n < count; n++)
		writeFileSync(join(dir, `f-${String(n).padStart(5, '0')}.${extension}`), make(n));
	return dir;
}

function node(name, type, typeVersion, parameters, extra = {}) {
	return { id: randomUUID(), name, type, typeVersion, position: [0, 0], parameters, ...extra };
}

const webhook = (path) =>
	node(
		'Start',
		'n8n-nodes-base.webhook',
		2.1,
		{ httpMethod: 'POST', path, responseMode: 'lastNode', responseData: 'noData', options: {} },
		{ webhookId: randomUUID() },
	);

const readFiles = (selector) =>
	node('Read Files', 'n8n-nodes-base.readWriteFile', 1.1, {
		operation: 'read',
		fileSelector: selector,
		options: {},
	});

const extractNode = (credential, options = {}) =>
	node(
		'Extract',
		`${PACKAGE.name}.vlmRunRequest`,
		1,
		{
			resource: 'prediction',
			operation: 'extract',
			domain: { __rl: true, mode: 'id', value: 'document.receipt' },
			options: { maxConcurrency: 10, ...options },
		},
		{ credentials: { vlmRunApi: { id: credential.id, name: credential.name } } },
	);

const toBase64 = () =>
	node('To Base64', 'n8n-nodes-base.extractFromFile', 1, {
		operation: 'binaryToPropery',
		binaryPropertyName: 'data',
		destinationKey: 'data',
		options: {},
	});

/** n8n's HTTP Request node making the same synchronous image call, 10 items per batch. */
const httpRequest = (emulator) =>
	node('HTTP Request', 'n8n-nodes-base.httpRequest', 4.2, {
		method: 'POST',
		url: `${emulator.baseUrl}/image/generate`,
		sendHeaders: true,
		headerParameters: {
			parameters: [{ name: 'Authorization', value: `Bearer ${emulator.apiKey}` }],
		},
		sendBody: true,
		specifyBody: 'json',
		jsonBody:
			'={{ JSON.stringify({ images: ["data:image/png;base64," + $json.data], model: "vlm-1", domain: "document.receipt", batch: false }) }}',
		options: { batching: { batch: { batchSize: 10, batchInterval: 0 } } },
	});

/** A run's requests as `ms method path status`, from its first request, job ids shortened. */
function timeline(requests) {
	const t0 = requests[0]?.at ?? 0;
	return requests.map(
		(entry) =>
			`${String(entry.at - t0).padStart(6)} ${entry.method} ${entry.path.replace(/([0-9a-f]{8})[0-9a-f-]{28}/, '$1')} ${entry.status}`,
	);
}

/** Waits until n8n is idle: under 5 % of a core over half a second (at most 20 s). */
async function settle(pgid) {
	const until = Date.now() + 20_000;
	for (;;) {
		const before = groupCpuMs(pgid);
		await sleep(500);
		if (groupCpuMs(pgid) - before <= 25 || Date.now() > until) return;
	}
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor((values.length - 1) / 2)];

export async function measureAccounts({
	selected,
	quick,
	jobLengths,
	profile,
	trace,
	tarball,
	filesDir,
	log,
	startEmulator,
}) {
	const emulator = await startEmulator({ jobMode: 'time', jobDurationMs: 0 });
	const n8n = await createN8n({
		tarball,
		env: {
			N8N_RESTRICT_FILE_ACCESS_TO: filesDir,
			N8N_DEFAULT_BINARY_DATA_MODE: 'filesystem',
			...(profile
				? { NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${OUT_DIR}/profiles-accounts` }
				: {}),
		},
	});
	const credential = { id: 'vlmCredAccount01', name: 'VLM Run (accounts)', type: 'vlmRunApi' };
	await importCredentials(n8n, [
		{ ...credential, data: { apiKey: emulator.apiKey, baseUrl: emulator.baseUrl } },
	]);

	const sizes = quick
		? { lengthItems: 10, lengths: [0.3, 1.5, 5], limited: 10, cpuItems: 200, cpuRepeats: 1 }
		: { lengthItems: 20, lengths: [0.3, 1.5, 5, 30], limited: 40, cpuItems: 1000, cpuRepeats: 5 };
	if (jobLengths) sizes.lengths = jobLengths;
	const dir = (name) => join(filesDir, 'accounts', name);
	writeImages(dir('images'), Math.max(sizes.lengthItems, sizes.limited));
	writeFiles(dir('long'), sizes.lengthItems, (n) => pdf(10, `long-${n}`), 'pdf');
	writeFiles(dir('short'), sizes.limited, (n) => pdf(1, `short-${n}`), 'pdf');
	writeImages(dir('cpu'), sizes.cpuItems);
	mkdirSync(dir('kinds'), { recursive: true });
	writeFileSync(join(dir('kinds'), 'receipt.png'), fixture('receipt.png'));
	writeFileSync(join(dir('kinds'), 'invoice.pdf'), fixture('invoice-1.pdf'));
	writeFileSync(join(dir('kinds'), 'memo.mp3'), fixture('memo.mp3'));
	writeFileSync(join(dir('kinds'), 'long.pdf'), pdf(10, 'kinds'));

	const flows = {
		lengthsImages: [readFiles(`${dir('images')}/item-000{0,1}*.png`), extractNode(credential)],
		lengthsPdfs: [readFiles(`${dir('long')}/*.pdf`), extractNode(credential)],
		kinds: [readFiles(`${dir('kinds')}/*`), extractNode(credential, { maxConcurrency: 1 })],
		limited: [readFiles(`${dir('images')}/*.png`), extractNode(credential)],
		limitedPdfs: [readFiles(`${dir('short')}/*.pdf`), extractNode(credential)],
		cpuBase: [readFiles(`${dir('cpu')}/*.png`)],
		cpuBase64: [readFiles(`${dir('cpu')}/*.png`), toBase64()],
		cpuExtract: [readFiles(`${dir('cpu')}/*.png`), extractNode(credential)],
		cpuHttp: [readFiles(`${dir('cpu')}/*.png`), toBase64(), httpRequest(emulator)],
	};
	if (sizes.lengthItems < 20) flows.lengthsImages[0] = readFiles(`${dir('images')}/item-0000*.png`);
	const keys = Object.keys(flows);
	const ids = Object.fromEntries(
		(
			await importWorkflows(
				n8n,
				keys.map((key) =>
					chainWorkflow(`bench accounts: ${key}`, [webhook(`accounts-${key}`), ...flows[key]]),
				),
			)
		).map((id, i) => [keys[i], id]),
	);

	log('accounts: starting n8n in server mode');
	const server = await startServer(n8n);
	const results = {};
	try {
		const pgid = findN8nProcess(n8n.dir, ['start']);
		for (const key of keys) await server.publishWorkflow(ids[key]);
		const run = async (key) => {
			const before = new Set(
				((await server.api('GET', `/executions?workflowId=${ids[key]}&limit=5`)).data ?? []).map(
					(execution) => execution.id,
				),
			);
			await settle(pgid);
			const cpu0 = groupCpuMs(pgid);
			const t0 = Date.now();
			const response = await server.callWebhook(`/webhook/accounts-${key}`, { json: {} }, 900_000);
			await response.text();
			const execution = await server.waitForExecution(
				{ workflowId: ids[key] },
				(candidate) => !before.has(candidate.id) && candidate.status !== 'running',
				120_000,
			);
			// What the run left to do after it answered (saving the execution, removing its binary
			// files) is its cost too; it must not spill into the next run's measurement.
			await settle(pgid);
			const cpuMs = groupCpuMs(pgid) - cpu0;
			const elapsedMs = Date.now() - t0;
			const last = flows[key].at(-1).name;
			const task = execution.data?.resultData?.runData?.[last]?.[0];
			const items = task?.data?.main?.[0] ?? [];
			return {
				status: execution.status,
				wallMs: task?.executionTime,
				items: items.length,
				failed: items.filter((item) => item.json?.error !== undefined).length,
				cpuMs,
				elapsedMs,
			};
		};
		const requestsOf = () => emulator.requests().filter((entry) => entry.base !== '');
		const accepted = () => requestsOf().filter((entry) => entry.status !== 429);

		if (selected.has('lengths')) {
			const rows = [];
			const traces = [];
			for (const seconds of sizes.lengths) {
				for (const [kind, key] of [
					['image (sync)', 'lengthsImages'],
					['10-page PDF (batch)', 'lengthsPdfs'],
				]) {
					emulator.configure({ jobDurationMs: seconds * 1000, rateLimit: null });
					emulator.clearRequests();
					log(`accounts (a): ${kind}, ${seconds} s jobs`);
					const outcome = await run(key);
					const floorS = Math.ceil(outcome.items / 10) * seconds;
					const polls = emulator.requests({ method: 'GET', path: /^\/predictions\// }).length;
					if (trace) traces.push({ kind, jobSeconds: seconds, requests: timeline(requestsOf()) });
					rows.push({
						kind,
						jobSeconds: seconds,
						items: outcome.items,
						failed: outcome.failed,
						wallS: outcome.wallMs / 1000,
						floorS,
						ratio: outcome.wallMs / 1000 / floorS,
						statusRequestsPerItem: polls / outcome.items,
						target: 1.25,
					});
					log(
						`  → ${(outcome.wallMs / 1000).toFixed(2)} s, ${(outcome.wallMs / 1000 / floorS).toFixed(3)} × floor, ${(polls / outcome.items).toFixed(1)} polls per item`,
					);
				}
			}
			results.lengths = { concurrency: 10, rows };
			if (trace) {
				mkdirSync(OUT_DIR, { recursive: true });
				writeFileSync(join(OUT_DIR, 'accounts-trace.json'), `${JSON.stringify(traces, null, 1)}\n`);
			}
		}

		if (selected.has('requests')) {
			emulator.configure({ jobDurationMs: 300, rateLimit: null });
			emulator.clearRequests();
			log('accounts (b): requests per file by kind');
			await run('kinds');
			// The files go one at a time (c = 1), so the log reads file by file.
			const perFile = [];
			let current = [];
			for (const entry of accepted()) {
				current.push(`${entry.method} ${entry.path.replace(/[0-9a-f-]{36}/, '{id}')}`);
				if (/\/generate$/.test(entry.path) && entry.body?.batch === false) {
					perFile.push(current);
					current = [];
				} else if (/^\/predictions\//.test(entry.path)) {
					perFile.push(current);
					current = [];
				}
			}
			results.requests = { sequence: perFile };
			log(`  → ${perFile.map((calls) => `${calls.length}: ${calls.join(', ')}`).join(' | ')}`);
		}

		if (selected.has('ratelimit')) {
			const rows = [];
			for (const retryAfter of [true, false]) {
				for (const [kind, key] of [
					['images', 'limited'],
					['one-page PDFs', 'limitedPdfs'],
				]) {
					// A fresh account for each run: the pace the node learnt is per API key and Base URL.
					// A fresh bucket with its burst (configure empties the buckets); the node keeps the
					// pace it learnt for the account from the run before, as it would in production.
					emulator.configure({
						jobDurationMs: 1000,
						rateLimit: { perMinute: 60, burst: 5, retryAfter },
					});
					emulator.clearRequests();
					log(
						`accounts (c): ${sizes.limited} ${kind} behind 60/min, burst 5, Retry-After ${retryAfter ? 'on' : 'off'}`,
					);
					const outcome = await run(key);
					const needed = accepted().length;
					const refused = requestsOf().length - needed;
					// The burst's 5 requests come free; the rest at 1 per second.
					const idealS = Math.max(0, needed - 5);
					rows.push({
						kind,
						retryAfter,
						items: outcome.items,
						failed: outcome.failed,
						requestsNeeded: needed,
						refused429: refused,
						wallS: outcome.wallMs / 1000,
						idealS,
						ratio: outcome.wallMs / 1000 / (needed / 1),
						target: 1.15,
					});
					log(
						`  → ${outcome.failed} failed, ${needed} requests + ${refused} × 429, ${(outcome.wallMs / 1000).toFixed(1)} s (${(outcome.wallMs / 1000 / needed).toFixed(3)} × requests ÷ rate)`,
					);
				}
			}
			emulator.configure({ rateLimit: null });
			results.ratelimit = { perMinute: 60, burst: 5, credentialRequestsPerMinute: null, rows };
		}

		if (selected.has('cpu')) {
			emulator.configure({ jobDurationMs: 0, rateLimit: null });
			log('accounts (d): warming up');
			await run('cpuExtract');
			await run('cpuHttp');
			const cpu = { cpuBase: [], cpuBase64: [], cpuExtract: [], cpuHttp: [] };
			for (let i = 0; i < sizes.cpuRepeats; i++) {
				for (const key of Object.keys(cpu)) {
					const outcome = await run(key);
					if (outcome.status !== 'success') throw new Error(`${key} ended ${outcome.status}`);
					cpu[key].push(outcome.cpuMs);
				}
				log(
					`  round ${i + 1}: ${Object.entries(cpu)
						.map(([key, values]) => `${key} ${values.at(-1)} ms`)
						.join(', ')}`,
				);
			}
			const per = (key, base) => (median(cpu[key]) - median(cpu[base])) / sizes.cpuItems;
			const extract = per('cpuExtract', 'cpuBase');
			const httpNode = per('cpuHttp', 'cpuBase64');
			const httpFlow = per('cpuHttp', 'cpuBase');
			results.cpu = {
				items: sizes.cpuItems,
				repeats: sizes.cpuRepeats,
				extractMsPerItem: extract,
				httpRequestNodeMsPerItem: httpNode,
				httpFlowMsPerItem: httpFlow,
				ratioToHttpNode: extract / httpNode,
				ratioToHttpFlow: extract / httpFlow,
				samples: cpu,
			};
			log(
				`  → Extract ${extract.toFixed(2)} ms/item, HTTP Request ${httpNode.toFixed(2)} (with Extract From File ${httpFlow.toFixed(2)})`,
			);
		}
	} finally {
		await server.stop().catch(() => undefined);
		await emulator.close().catch(() => undefined);
	}
	return results;
}

/** The figures against their targets, as Markdown. */
export function accountsMarkdown(accounts, meta) {
	if (!accounts) return '';
	const lines = [`### Real accounts (issue 14), ${meta.date}, ${meta.machine}`, ''];
	const ok = (pass) => (pass ? '✅' : '❌');
	if (accounts.lengths) {
		lines.push(
			'| (a) kind | job | items | wall | floor | ratio (target ≤ 1.25) | polls/item |',
			'|---|---|---|---|---|---|---|',
		);
		for (const row of accounts.lengths.rows)
			lines.push(
				`| ${row.kind} | ${row.jobSeconds} s | ${row.items} | ${row.wallS.toFixed(2)} s | ${row.floorS.toFixed(1)} s | ${row.ratio.toFixed(3)} ${ok(row.ratio <= 1.25 && row.failed === 0)} | ${row.statusRequestsPerItem.toFixed(1)} |`,
			);
		lines.push('');
	}
	if (accounts.requests) {
		lines.push('| (b) file | requests | calls |', '|---|---|---|');
		// Read Files lists them by name: invoice.pdf, long.pdf, memo.mp3, receipt.png.
		const names = ['one-page PDF', 'ten-page PDF (batch job)', 'MP3 (≈ 1 s)', 'PNG'];
		accounts.requests.sequence.forEach((calls, i) =>
			lines.push(`| ${names[i] ?? i} | ${calls.length} | ${calls.join(', ')} |`),
		);
		lines.push('');
	}
	if (accounts.ratelimit) {
		lines.push(
			'| (c) 60/min, burst 5 | Retry-After | items | failed (target 0) | requests needed | 429s | wall | wall ÷ (needed ÷ rate) (target ≤ 1.15) |',
			'|---|---|---|---|---|---|---|---|',
		);
		for (const row of accounts.ratelimit.rows)
			lines.push(
				`| ${row.kind} | ${row.retryAfter ? 'yes' : 'no'} | ${row.items} | ${row.failed} ${ok(row.failed === 0)} | ${row.requestsNeeded} | ${row.refused429} | ${row.wallS.toFixed(1)} s | ${row.ratio.toFixed(3)} ${ok(row.ratio <= 1.15)} |`,
			);
		lines.push('');
	}
	if (accounts.cpu) {
		const c = accounts.cpu;
		lines.push(
			'| (d) CPU per image | ms/item |',
			'|---|---|',
			`| Extract | ${c.extractMsPerItem.toFixed(2)} ${ok(c.extractMsPerItem <= 3)} (target ≤ 3) |`,
			`| HTTP Request node | ${c.httpRequestNodeMsPerItem.toFixed(2)} |`,
			`| Extract From File + HTTP Request | ${c.httpFlowMsPerItem.toFixed(2)} |`,
			`| Extract ÷ HTTP Request node | ${c.ratioToHttpNode.toFixed(2)} ${ok(c.ratioToHttpNode <= 1.1)} (target ≤ 1.1) |`,
			`| Extract ÷ (Extract From File + HTTP Request) | ${c.ratioToHttpFlow.toFixed(2)} |`,
			'',
		);
	}
	return lines.join('\n');
}

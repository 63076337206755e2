#!/usr/bin/env node
// `npm run bench`: measures the VLM Run nodes in a real n8n 2.41.1 (the e2e harness in test/e2e)
// against the VLM Run emulator, and writes bench-output/bench.{json,md,svg}. A benchmark, not a test:
// it asserts nothing, it reports figures and whether they meet the targets of issue 8.
//
//   npm run bench                          everything (about 15 minutes)
//   npm run bench -- throughput polling    only these measurements
//   npm run bench -- --quick               reduced sizes, to try the bench out (about 5 minutes)
//   npm run bench -- --docs                also copy the chart to docs/bench.svg (for the README)
//   npm run bench -- --api-latency=50      add 50 ms to every API call of the emulator
//   npm run bench -- --profile             write V8 CPU profiles of the n8n processes to bench-output/profiles
//                                          (issue 14's cases: bench-output/profiles-accounts)
//   npm run bench -- lengths --trace       also the emulator's request log of each run (bench/accounts.mjs)
//   npm run bench -- throughput --items=100 --concurrency=1,5   throughput with other sizes
//   npm run bench -- --report              only render bench-output/bench.json again (table and chart)
//
// Measurements (names for the subset):
//   throughput  200 single-image items, jobs of 1 s, Max Concurrent Requests 1, 5, 10, 20; node wall
//               time from the run (CLI `n8n execute`) against the floor ⌈200/c⌉ × 1 s
//   overhead    1,000 items, no latency: CPU of the n8n process group per item, beyond the same
//               workflow without Extract (server mode, webhook-started runs, medians)
//   memory      a generated 1 GiB MP4 in n8n's filesystem binary mode through Extract: peak RSS of the
//               `n8n execute` process against the same run without Extract
//   polling     jobs of 5, 30 and 120 s with Wait for Result, and 120 s with Wait for Callback, all at
//               once in server mode: status requests per job from the emulator's log
//   scaling     10 → 1,000 items at c = 10: wall and CPU per item
//   workers     (alone, bench/workers.mjs) queue mode, 10 concurrent executions × 100 items with 1 and
//               2 workers: wall times and their ratio
//   lengths, requests, ratelimit, cpu   issue 14's real-account figures (bench/accounts.mjs)
//   callbacks   (alone, bench/callbacks.mjs) Wait for Callback at 10/100/500 simultaneous callbacks
//   review-picture (alone, bench/reviewPicture.mjs) CPU of the review PNG per 1600 × 2000 image
//   routes      (alone, bench/routes.mjs) CPU per request of n8n's production webhook routes
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';

import {
	REPO_ROOT,
	createN8n,
	executeWorkflow,
	importCredentials,
	importWorkflows,
	packPackage,
	sleep,
	startEmulator,
	startServer,
} from '../test/e2e/n8n.mjs';
import { N8N_VERSION, provision } from '../test/e2e/provision.mjs';
import { ACCOUNT_CASES, accountsMarkdown, measureAccounts } from './accounts.mjs';
import { findN8nProcess, groupCpuMs, processCpuMs, sampleMemory } from './proc.mjs';
import { markdown, svg } from './report.mjs';
import {
	chainWorkflow,
	extract,
	manualTrigger,
	readFiles,
	webhookTrigger,
	writeImages,
	writeVideo,
} from './workflows.mjs';

const args = process.argv.slice(2);
// Measurements with a module of their own run alone: `npm run bench -- workers`.
if (args[0] === 'workers') {
	await (await import('./workers.mjs')).benchWorkers();
	process.exit(0);
}
if (args[0] === 'callbacks')
	process.exit(await (await import('./callbacks.mjs')).run(args.slice(1)));
if (args[0] === 'routes') process.exit(await (await import('./routes.mjs')).run(args.slice(1)));
if (args[0] === 'review-picture') process.exit(await (await import('./reviewPicture.mjs')).run());
const ALL = ['throughput', 'overhead', 'memory', 'polling', 'scaling', ...ACCOUNT_CASES];
const OUT_DIR = join(REPO_ROOT, 'bench-output');
const quick = args.includes('--quick');
const toDocs = args.includes('--docs');
const profile = args.includes('--profile');
const apiLatencyMs = Number(
	/^--api-latency=(\d+)$/.exec(args.find((arg) => arg.startsWith('--api-latency=')) ?? '')?.[1] ??
		0,
);
const unknown = args.filter((arg) => !arg.startsWith('--') && !ALL.includes(arg));
if (unknown.length) {
	console.error(`Unknown measurement(s): ${unknown.join(', ')}. Choose from: ${ALL.join(', ')}.`);
	process.exit(2);
}
const chosen = args.filter((arg) => ALL.includes(arg));
const selected = new Set(chosen.length ? chosen : ALL);

/** Writes the JSON, the Markdown table and the chart, and prints the table. */
function writeOutputs(results) {
	mkdirSync(OUT_DIR, { recursive: true });
	writeFileSync(join(OUT_DIR, 'bench.json'), `${JSON.stringify(results, null, 2)}\n`);
	const table = `${markdown(results)}\n${accountsMarkdown(results.accounts, results.meta)}`;
	writeFileSync(join(OUT_DIR, 'bench.md'), table);
	writeFileSync(join(OUT_DIR, 'bench.svg'), svg(results));
	if (toDocs) {
		mkdirSync(join(REPO_ROOT, 'docs'), { recursive: true });
		copyFileSync(join(OUT_DIR, 'bench.svg'), join(REPO_ROOT, 'docs', 'bench.svg'));
	}
	console.log(table);
}

if (args.includes('--report')) {
	writeOutputs(JSON.parse(readFileSync(join(OUT_DIR, 'bench.json'), 'utf8')));
	process.exit(0);
}

const SIZES = quick
	? {
			throughputItems: 40,
			overheadItems: 200,
			overheadRepeats: 1,
			videoBytes: 256 * 1024 ** 2,
			pollSeconds: [5, 12],
			callbackSeconds: 5,
			scaling: [10, 30, 100],
		}
	: {
			throughputItems: 200,
			overheadItems: 1000,
			overheadRepeats: 5,
			videoBytes: 1024 ** 3,
			pollSeconds: [5, 30, 120],
			callbackSeconds: 120,
			scaling: [10, 30, 100, 300, 1000],
		};
const numberFlag = (name) =>
	/^--[a-z-]+=(.+)$/.exec(args.find((arg) => arg.startsWith(`--${name}=`)) ?? '')?.[1];
if (numberFlag('items')) SIZES.throughputItems = Number(numberFlag('items'));
const CONCURRENCIES = numberFlag('concurrency')?.split(',').map(Number) ?? [1, 5, 10, 20];
const OVERHEAD_CONCURRENCY = 100;
const SCALING_CONCURRENCY = 10;

const log = (message) => process.stderr.write(`[bench] ${message}\n`);
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor((values.length - 1) / 2)];

// ---------------------------------------------------------------------------------------------

const started = Date.now();
const workDir = mkdtempSync(join(tmpdir(), 'vlmrun-bench-'));
process.env.VLMRUN_E2E_WORKDIR = workDir; // n8n instances of the harness go here
const filesDir = join(workDir, 'files');
mkdirSync(filesDir, { recursive: true });

const emulators = [];
let server;
const results = {
	meta: {
		date: new Date().toISOString().slice(0, 10),
		machine: `${cpus().length} × ${cpus()[0]?.model?.trim() ?? 'CPU'}, ${Math.round(totalmem() / 1024 ** 3)} GiB RAM`,
		n8n: N8N_VERSION,
		node: '',
		quick,
		apiLatencyMs,
	},
};

async function emulator(options) {
	const instance = await startEmulator({
		jobMode: 'time',
		jobDurationMs: 1000,
		latencyMs: apiLatencyMs,
		...options,
	});
	emulators.push(instance);
	return instance;
}

function compileTests() {
	const tsc = spawnSync(
		process.execPath,
		[join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'test/tsconfig.json'],
		{
			cwd: REPO_ROOT,
			encoding: 'utf8',
		},
	);
	if (tsc.status !== 0)
		log(
			`tsc -p test/tsconfig.json reported errors (the emulator is emitted anyway):\n${tsc.stdout}${tsc.stderr}`,
		);
}

const predictionPolls = (instance) =>
	instance.requests({ method: 'GET', path: /^\/predictions\/[^/]+$/ }).length;

/** The Extract node's run in a CLI result: { wallMs, items, errors }. */
function extractRun(run) {
	const task = run?.data?.resultData?.runData?.Extract?.[0];
	if (!task)
		throw new Error(
			`Extract did not run: ${JSON.stringify(run?.data?.resultData?.error ?? {}).slice(0, 500)}`,
		);
	const items = task.data?.main?.[0] ?? [];
	return {
		wallMs: task.executionTime,
		startTime: task.startTime,
		items: items.length,
		errors: items.filter((item) => item.json?.error).length,
	};
}

// ---------------------------------------------------------------------------------------------

async function main() {
	const runtime = await provision();
	results.meta.node = spawnSync(runtime.nodeBin, ['-v'], { encoding: 'utf8' }).stdout.trim();
	const tarball = await packPackage({ destDir: workDir });
	compileTests();
	if (ACCOUNT_CASES.some((name) => selected.has(name)))
		results.accounts = await measureAccounts({
			selected,
			quick,
			jobLengths: numberFlag('lengths')?.split(',').map(Number),
			profile,
			trace: args.includes('--trace'),
			tarball,
			filesDir,
			log,
			startEmulator,
		});
	if ([...selected].every((name) => ACCOUNT_CASES.includes(name))) return;

	const main = await emulator({});
	const n8n = await createN8n({
		tarball,
		env: {
			N8N_RESTRICT_FILE_ACCESS_TO: filesDir,
			N8N_DEFAULT_BINARY_DATA_MODE: 'filesystem',
			...(profile
				? { NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${join(OUT_DIR, 'profiles')}` }
				: {}),
		},
	});
	const credential = { id: 'vlmCredBench0001', name: 'VLM Run (emulator)', type: 'vlmRunApi' };
	const creds = [{ ...credential, data: { apiKey: main.apiKey, baseUrl: main.baseUrl } }];

	// Polling needs one emulator per job length (job length is a setting of the emulator).
	const polling = [];
	if (selected.has('polling')) {
		for (const seconds of SIZES.pollSeconds) {
			const instance = await emulator({ jobDurationMs: seconds * 1000 });
			polling.push({
				seconds,
				instance,
				credential: {
					id: `vlmCredPoll${String(seconds).padStart(5, '0')}`,
					name: `VLM Run (${seconds} s jobs)`,
					type: 'vlmRunApi',
				},
			});
		}
		const secret = 'whsec-bench-callback';
		const instance = await emulator({
			jobDurationMs: SIZES.callbackSeconds * 1000,
			webhookSecret: secret,
			webhookRetryDelaysMs: [1000, 2000],
		});
		polling.push({
			seconds: SIZES.callbackSeconds,
			callback: true,
			instance,
			secret,
			credential: { id: 'vlmCredPollCallbk', name: 'VLM Run (callback)', type: 'vlmRunApi' },
		});
		for (const entry of polling) {
			creds.push({
				...entry.credential,
				data: {
					apiKey: entry.instance.apiKey,
					baseUrl: entry.instance.baseUrl,
					...(entry.secret ? { webhookSecret: entry.secret } : {}),
				},
			});
		}
	}
	await importCredentials(n8n, creds);

	// Input files.
	const dirs = {};
	if (selected.has('throughput'))
		dirs.throughput = writeImages(join(filesDir, 'throughput'), SIZES.throughputItems);
	if (selected.has('overhead'))
		dirs.overhead = writeImages(join(filesDir, 'overhead'), SIZES.overheadItems);
	if (selected.has('scaling'))
		for (const n of SIZES.scaling) dirs[`scale${n}`] = writeImages(join(filesDir, `scale-${n}`), n);

	// Workflows, imported in one CLI call.
	const workflows = [];
	const add = (key, workflow) =>
		workflows.push({
			key,
			workflow,
			published: workflow.nodes[0].type === 'n8n-nodes-base.webhook',
		});
	if (selected.has('throughput')) {
		for (const c of CONCURRENCIES)
			add(
				`throughput${c}`,
				chainWorkflow(`bench: throughput c=${c}`, [
					manualTrigger(),
					readFiles(`${dirs.throughput}/*.png`),
					extract(credential, { maxConcurrency: c }),
				]),
			);
	}
	if (selected.has('memory')) {
		const video = join(filesDir, 'memory', 'video.mp4');
		add(
			'memoryBaseline',
			chainWorkflow('bench: memory baseline', [manualTrigger(), readFiles(video)]),
		);
		add(
			'memoryUpload',
			chainWorkflow('bench: memory upload', [
				manualTrigger(),
				readFiles(video),
				extract(credential, { domain: 'video.transcription' }),
			]),
		);
	}
	const withExtract = (key, dir, concurrency) =>
		add(
			`${key}Node`,
			chainWorkflow(`bench: ${key}`, [
				webhookTrigger(`bench-${key}`),
				readFiles(`${dir}/*.png`),
				extract(credential, { maxConcurrency: concurrency }),
			]),
		);
	if (selected.has('overhead')) {
		add(
			'overheadBaseline',
			chainWorkflow('bench: overhead baseline', [
				webhookTrigger('bench-overhead-baseline'),
				readFiles(`${dirs.overhead}/*.png`),
			]),
		);
		withExtract('overhead', dirs.overhead, OVERHEAD_CONCURRENCY);
	}
	if (selected.has('scaling'))
		for (const n of SIZES.scaling) withExtract(`scale${n}`, dirs[`scale${n}`], SCALING_CONCURRENCY);
	for (const entry of polling) {
		const key = entry.callback ? 'pollCallback' : `poll${entry.seconds}`;
		entry.key = key;
		add(
			key,
			chainWorkflow(`bench: ${key}`, [
				webhookTrigger(`bench-${key}`, entry.callback ? 'onReceived' : 'lastNode'),
				extract(entry.credential, {
					urls: `https://files.example.com/${key}.pdf`,
					domain: 'document.invoice',
					completion: entry.callback ? 'waitForCallback' : undefined,
				}),
			]),
		);
	}
	const ids = Object.fromEntries(
		(
			await importWorkflows(
				n8n,
				workflows.map(({ workflow }) => workflow),
			)
		).map((id, i) => [workflows[i].key, id]),
	);

	// ---- CLI measurements ----
	if (selected.has('throughput')) results.throughput = await measureThroughput(n8n, main, ids);
	if (selected.has('memory')) results.memory = await measureMemory(n8n, main, ids);

	// ---- server measurements ----
	const serverNeeded = ['overhead', 'scaling', 'polling'].some((name) => selected.has(name));
	if (serverNeeded) {
		log('starting n8n in server mode');
		server = await startServer(n8n);
		const pgid = findN8nProcess(n8n.dir, ['start']);
		if (!pgid) throw new Error('could not find the n8n server process');
		for (const { key, published } of workflows)
			if (published) await server.publishWorkflow(ids[key]);
		if (selected.has('polling')) results.polling = await measurePolling(server, polling, ids);
		if (selected.has('overhead') || selected.has('scaling')) {
			main.configure({ jobMode: 'time', jobDurationMs: 0, latencyMs: apiLatencyMs });
			const runner = webhookRunner(server, pgid, ids);
			await runner.warmUp(
				`scale${SIZES.scaling[0]}Node` in ids ? `scale${SIZES.scaling[0]}Node` : 'overheadNode',
			);
			if (selected.has('overhead'))
				results.overhead = await measureOverhead(runner, await runner.idleCpuRate());
			if (selected.has('scaling')) results.scaling = await measureScaling(runner);
		}
	}
}

// ---------------------------------------------------------------------------------------------
// Throughput

async function measureThroughput(n8n, main, ids) {
	const items = SIZES.throughputItems;
	main.configure({ jobMode: 'time', jobDurationMs: 1000, latencyMs: apiLatencyMs });
	const runs = [];
	for (const c of CONCURRENCIES) {
		main.clearRequests();
		log(`throughput: ${items} items at c = ${c}`);
		const result = await executeWorkflow(n8n, ids[`throughput${c}`], { timeoutMs: 900_000 });
		if (result.code !== 0) throw new Error(result.error);
		const run = extractRun(result.run);
		const floorS = Math.ceil(items / c);
		runs.push({
			concurrency: c,
			wallS: run.wallMs / 1000,
			itemsPerSecond: items / (run.wallMs / 1000),
			floorS,
			ratio: run.wallMs / 1000 / floorS,
			pollsPerItem: predictionPolls(main) / items,
			errors: run.errors,
		});
		log(
			`  → ${(run.wallMs / 1000).toFixed(1)} s, ratio ${(run.wallMs / 1000 / floorS).toFixed(3)}`,
		);
	}
	return { items, jobSeconds: 1, runs };
}

// ---------------------------------------------------------------------------------------------
// Memory

async function measureMemory(n8n, main, ids) {
	const video = join(filesDir, 'memory', 'video.mp4');
	mkdirSync(join(filesDir, 'memory'), { recursive: true });
	log(`memory: writing a ${(SIZES.videoBytes / 1024 ** 2).toFixed(0)} MiB video`);
	writeVideo(video, SIZES.videoBytes);
	main.configure({ jobMode: 'time', jobDurationMs: 500, latencyMs: apiLatencyMs });
	main.clearRequests();
	const measure = async (key) => {
		const id = ids[key];
		const sampler = sampleMemory(() => findN8nProcess(n8n.dir, ['execute', `--id=${id}`]), 50);
		const t0 = Date.now();
		const result = await executeWorkflow(n8n, id, { timeoutMs: 900_000 });
		const seconds = (Date.now() - t0) / 1000;
		const sample = sampler.stop();
		if (result.code !== 0) throw new Error(result.error);
		if (!sample.samples) throw new Error(`no memory samples of the n8n process (${key})`);
		log(
			`  ${key}: peak RSS ${(sample.peakHwm / 1024 ** 2).toFixed(0)} MiB in ${seconds.toFixed(1)} s`,
		);
		return { peak: sample.peakHwm, seconds, run: result.run };
	};
	log('memory: baseline (Read Files only)');
	const baseline = await measure('memoryBaseline');
	log('memory: Read Files → Extract');
	const upload = await measure('memoryUpload');
	const extracted = extractRun(upload.run);
	const put = main.requests({ method: 'PUT' }).at(-1);
	return {
		fileBytes: SIZES.videoBytes,
		baselinePeakBytes: baseline.peak,
		uploadPeakBytes: upload.peak,
		growthBytes: upload.peak - baseline.peak,
		baselineSeconds: baseline.seconds,
		uploadSeconds: upload.seconds,
		uploadedBytes: put?.rawBodyBytes,
		extractErrors: extracted.errors,
	};
}

// ---------------------------------------------------------------------------------------------
// Server-mode runs: a webhook starts the run, CPU is read from /proc around it

function webhookRunner(server, pgid, ids) {
	const latestExecution = async (workflowId) => {
		for (let attempt = 0; attempt < 60; attempt++) {
			const list = await server.api('GET', `/executions?workflowId=${workflowId}&limit=1`);
			const [latest] = list.data ?? [];
			if (latest?.finished || latest?.status === 'success' || latest?.status === 'error') {
				return await server.api('GET', `/executions/${latest.id}?includeData=true`);
			}
			await sleep(250);
		}
		throw new Error(`no finished execution of workflow ${workflowId}`);
	};
	const runOnce = async (key) => {
		const path = `/webhook/bench-${key.replace(/Baseline$/, '-baseline').replace(/Node$/, '')}`;
		const cpu0 = groupCpuMs(pgid);
		const t0 = Date.now();
		// The main process's CPU over time, to read off what it spent while Extract ran.
		const trace = [];
		const tracer = setInterval(() => trace.push([Date.now(), processCpuMs(pgid)]), 20);
		const response = await server.callWebhook(path, { method: 'POST', json: {} }, 900_000);
		await response.text();
		if (!response.ok) throw new Error(`${path} answered ${response.status}`);
		// Let n8n finish saving the execution (and collect its garbage) before reading the CPU again.
		await sleep(SETTLE_MS);
		clearInterval(tracer);
		const cpuMs = groupCpuMs(pgid) - cpu0;
		const elapsedMs = Date.now() - t0;
		const execution = await latestExecution(ids[key]);
		if (execution.status !== 'success')
			throw new Error(`${key}: execution ${execution.id} ended ${execution.status}`);
		const task = execution.data?.resultData?.runData?.Extract?.[0];
		const nodeCpuMs = task
			? cpuBetween(trace, task.startTime, task.startTime + task.executionTime)
			: undefined;
		return {
			cpuMs,
			elapsedMs,
			nodeWallMs: task?.executionTime,
			nodeCpuMs,
			outputItems: task?.data?.main?.[0]?.length,
		};
	};
	return {
		runOnce,
		async warmUp(key) {
			log(`warming up n8n (${key})`);
			await runOnce(key);
		},
		/** CPU ms per wall ms of the idle server, subtracted from every run. */
		async idleCpuRate() {
			// After a run n8n and V8 keep busy for a while (saving, garbage collection): wait that out.
			await sleep(5000);
			const cpu0 = groupCpuMs(pgid);
			const t0 = Date.now();
			await sleep(10_000);
			const rate = (groupCpuMs(pgid) - cpu0) / (Date.now() - t0);
			log(`idle n8n uses ${(rate * 1000).toFixed(1)} ms CPU per second`);
			return rate;
		},
	};
}

const netCpu = (run, idleRate) => run.cpuMs - idleRate * run.elapsedMs;
const SETTLE_MS = 3000;

/** CPU spent between two instants, from a trace of [time, cumulative CPU] samples (linear in between). */
function cpuBetween(trace, from, to) {
	const at = (time) => {
		const after = trace.findIndex(([t]) => t >= time);
		if (after <= 0) return after === 0 ? trace[0][1] : trace.at(-1)[1];
		const [t0, c0] = trace[after - 1];
		const [t1, c1] = trace[after];
		return c0 + ((c1 - c0) * (time - t0)) / Math.max(1, t1 - t0);
	};
	return at(to) - at(from);
}

async function measureOverhead(runner, idleRate) {
	const items = SIZES.overheadItems;
	const baseline = [];
	const withNode = [];
	const nodeWindow = [];
	for (let i = 0; i < SIZES.overheadRepeats; i++) {
		log(`overhead: round ${i + 1} of ${SIZES.overheadRepeats}`);
		baseline.push(netCpu(await runner.runOnce('overheadBaseline'), idleRate));
		const run = await runner.runOnce('overheadNode');
		if (run.outputItems !== items)
			throw new Error(`overhead: Extract output ${run.outputItems} items, expected ${items}`);
		withNode.push(netCpu(run, idleRate));
		nodeWindow.push(run.nodeCpuMs);
		log(
			`  baseline ${baseline.at(-1).toFixed(0)} ms, with Extract ${withNode.at(-1).toFixed(0)} ms (${run.nodeCpuMs.toFixed(0)} ms while Extract ran)`,
		);
	}
	const baselineCpuMs = median(baseline);
	const withNodeCpuMs = median(withNode);
	return {
		items,
		concurrency: OVERHEAD_CONCURRENCY,
		repeats: SIZES.overheadRepeats,
		baselineCpuMs,
		withNodeCpuMs,
		cpuMsPerItem: (withNodeCpuMs - baselineCpuMs) / items,
		nodeWindowCpuMsPerItem: median(nodeWindow) / items,
		samples: { baseline, withNode, nodeWindow },
	};
}

async function measureScaling(runner) {
	const runs = [];
	for (const n of SIZES.scaling) {
		// Small runs are short, so their figures vary more: take the median of three.
		const repeats = n <= 100 ? 3 : 1;
		const wallMs = [];
		const cpuMs = [];
		for (let i = 0; i < repeats; i++) {
			log(`scaling: ${n} items${repeats > 1 ? ` (${i + 1}/${repeats})` : ''}`);
			const run = await runner.runOnce(`scale${n}Node`);
			if (run.outputItems !== n)
				throw new Error(`scaling: Extract output ${run.outputItems} items, expected ${n}`);
			wallMs.push(run.nodeWallMs);
			cpuMs.push(run.nodeCpuMs);
		}
		const wall = median(wallMs);
		const floorMs = Math.ceil(n / SCALING_CONCURRENCY) * 1000;
		runs.push({
			items: n,
			wallS: wall / 1000,
			wallMsPerItem: wall / n,
			floorMsPerItem: floorMs / n,
			ratioToFloor: wall / floorMs,
			cpuMsPerItem: median(cpuMs) / n,
		});
		log(
			`  → ${(wall / n).toFixed(0)} ms wall, ${runs.at(-1).cpuMsPerItem.toFixed(2)} ms CPU per item`,
		);
	}
	return { concurrency: SCALING_CONCURRENCY, runs };
}

// ---------------------------------------------------------------------------------------------
// Polling

async function measurePolling(server, polling, ids) {
	for (const entry of polling) entry.instance.clearRequests();
	const longest = Math.max(...polling.map((entry) => entry.seconds));
	log(
		`polling: ${polling.map((entry) => `${entry.seconds} s${entry.callback ? ' (callback)' : ''}`).join(', ')} jobs at once; about ${Math.ceil(longest * 1.1)} s`,
	);
	const started = Date.now();
	const done = polling.map(async (entry) => {
		const response = await server.callWebhook(
			`/webhook/bench-${entry.key}`,
			{ method: 'POST', json: {} },
			900_000,
		);
		await response.text();
		if (!response.ok) throw new Error(`${entry.key}: webhook answered ${response.status}`);
		const execution = await server.waitForExecution(
			{ workflowId: ids[entry.key] },
			(candidate) => ['success', 'error', 'crashed', 'canceled'].includes(candidate.status),
			(entry.seconds + 120) * 1000,
		);
		const task = execution.data?.resultData?.runData?.Extract?.at(-1);
		const item = task?.data?.main?.[0]?.[0]?.json;
		return {
			entry,
			status: execution.status,
			completed: item?.vlmrun?.status === 'completed',
			statusRequests: predictionPolls(entry.instance),
			nodeSeconds: entry.callback
				? (Date.parse(execution.stoppedAt) - Date.parse(execution.startedAt)) / 1000
				: (task?.executionTime ?? NaN) / 1000,
			deliveries: entry.instance.webhookDeliveries().length,
		};
	});
	const outcomes = await Promise.all(done);
	log(`polling: done in ${((Date.now() - started) / 1000).toFixed(0)} s`);
	for (const outcome of outcomes) {
		if (outcome.status !== 'success' || !outcome.completed)
			throw new Error(`polling: ${outcome.entry.key} ended ${outcome.status}`);
	}
	const waitForResult = outcomes
		.filter((outcome) => !outcome.entry.callback)
		.map((outcome) => ({
			jobSeconds: outcome.entry.seconds,
			statusRequests: outcome.statusRequests,
			nodeSeconds: outcome.nodeSeconds,
		}));
	const callback = outcomes.find((outcome) => outcome.entry.callback);
	return {
		waitForResult,
		waitForCallback: callback && {
			jobSeconds: callback.entry.seconds,
			statusRequests: callback.statusRequests,
			nodeSeconds: callback.nodeSeconds,
			deliveries: callback.deliveries,
			note:
				callback.statusRequests > 0
					? `Wait for Callback made ${callback.statusRequests} status request(s): before putting the execution to wait, the node looks at every submitted job once (shared/callback.ts, waitForCallbacks), so that a job that finished while later files were still uploading, whose callback n8n would turn away before the execution waits, is not lost. The callback itself carried the finished prediction, so resuming needed no request.`
					: 'Wait for Callback made no status request: the callback carried the finished prediction.',
		},
	};
}

// ---------------------------------------------------------------------------------------------

let failed = false;
try {
	await main();
} catch (error) {
	failed = true;
	log(`FAILED: ${error.stack ?? error}`);
} finally {
	await server?.stop().catch(() => undefined);
	for (const instance of emulators) await instance.close().catch(() => undefined);
	rmSync(workDir, { recursive: true, force: true });
}

results.meta.durationS = Math.round((Date.now() - started) / 1000);
writeOutputs(results);
log(
	`wrote bench-output/bench.json, bench.md, bench.svg${toDocs ? ' and docs/bench.svg' : ''} in ${results.meta.durationS} s`,
);
process.exit(failed ? 1 : 0);

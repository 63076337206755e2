// `npm run bench -- callbacks`: Wait for Callback at 10, 100 and 500 jobs in one execution, in a
// real n8n 2.41.1 (single process, SQLite) against the emulator, beside n8n's own floor. A
// benchmark, not a test: it reports figures against the targets of issue 11.
//
//   npm run bench -- callbacks                     10, 100, 500 jobs, both arrival patterns, the floor
//   npm run bench -- callbacks --jobs=100          other sizes (comma-separated)
//   npm run bench -- callbacks --patterns=burst    only one arrival pattern (burst, spread)
//   npm run bench -- callbacks --no-floor          without n8n's Wait node beside it
//   npm run bench -- callbacks --node-version=1    Extract at version 1 (default 1.1, as the editor adds it)
//   npm run bench -- callbacks --n8n-env=NAME=value  an n8n setting for the run (repeatable)
//   npm run bench -- callbacks --profile           V8 CPU profiles of n8n in bench-output/profiles-callbacks,
//                                                  and where each phase's CPU went (bench/cpuprofile.mjs)
//
// Arrival patterns: `burst`, every job finishes at the same instant once the execution waits (the
// emulator in manual mode), so the callbacks race, the last ones included: the hardest case for
// "exactly one resume", and for CPU, since every request queues behind the others; `spread`, the
// jobs finish one by one, evenly over 30 s, as a batch of documents does in practice.
//
// Per run, from the emulator's delivery log and the n8n process's CPU (/proc, sampled every 10 ms,
// idle rate taken off):
// - CPU per callback: from the first job finishing to the last delivery answered, per delivery.
//   Every delivery but the last resumes nothing, so this is the cost of a non-resuming callback
//   (the resuming one's share of it is 1/N).
// - CPU of the resume: from the last delivery answered until the execution has stopped and been
//   saved (SETTLE_MS later): shaping the items, running the rest of the workflow, saving.
// - Resume after the last job finished, and after the last callback arrived at n8n (the issue's
//   target wording): the execution's stoppedAt minus either instant.
// The floor: the same number of items waiting in n8n's Wait node (Resume: On Webhook Call, Ignore
// Bots), the same number of POSTs with the same bodies from a "bot" (n8n runs the whole waiting
// route and the Wait node's webhook, which answers 403 and resumes nothing), then one POST that
// resumes it. That is what n8n's waiting route costs per request without any of our code.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { spawnSync } from 'node:child_process';

import {
	REPO_ROOT,
	createN8n,
	importCredentials,
	importWorkflows,
	nodeOutput,
	packPackage,
	waitingJobs,
	sleep,
	startEmulator,
	startServer,
} from '../test/e2e/n8n.mjs';
import { provision } from '../test/e2e/provision.mjs';
import { analyse, loadProfiles } from './cpuprofile.mjs';
import { findN8nProcess, processCpuMs } from './proc.mjs';
import { chainWorkflow, extract, webhookTrigger } from './workflows.mjs';

const IDLE_MS = 5_000;
const SETTLE_MS = 2_000;
const SPREAD_MS = 30_000;
const SECRET = 'whsec-bench-callbacks';
const BOT_AGENT = 'Googlebot/2.1 (+http://www.google.com/bot.html)';
const TARGETS = { resumeS: 2, cpuMsPerCallback: 20 };
const PROFILE_DIR = join(REPO_ROOT, 'bench-output', 'profiles-callbacks');
const log = (message) => process.stderr.write(`[bench:callbacks] ${message}\n`);
// V8 stamps profile samples with the monotonic clock (µs), the one process.hrtime reads.
const monotonicOffsetUs = Date.now() * 1000 - Number(process.hrtime.bigint() / 1000n);
const toMonotonicUs = (dateMs) => dateMs * 1000 - monotonicOffsetUs;

function option(args, name, fallback) {
	const value = args.find((arg) => arg.startsWith(`--${name}=`))?.split('=')[1];
	return value ? value.split(',') : fallback;
}

/** n8n settings to try, from --n8n-env=NAME=value (repeatable), e.g. N8N_EXPRESSION_ENGINE_LAZY_ACQUIRE=true. */
export function n8nSettings(args) {
	return Object.fromEntries(
		args
			.filter((arg) => arg.startsWith('--n8n-env='))
			.map((arg) => arg.slice('--n8n-env='.length).split(/=(.*)/s).slice(0, 2)),
	);
}

function compileTests() {
	const tsc = join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
	spawnSync(process.execPath, [tsc, '-p', 'test/tsconfig.json'], { cwd: REPO_ROOT });
}

const isOk = (status) => status !== null && status >= 200 && status < 300;

/** The n8n process's cumulative CPU, sampled every 10 ms, to read the CPU of any time window. */
function cpuTrace(pid) {
	const samples = [[Date.now(), processCpuMs(pid)]];
	const timer = setInterval(() => samples.push([Date.now(), processCpuMs(pid)]), 10);
	const at = (time) => {
		const after = samples.findIndex(([t]) => t >= time);
		if (after === -1) return samples.at(-1)[1];
		if (after === 0) return samples[0][1];
		const [t0, c0] = samples[after - 1];
		const [t1, c1] = samples[after];
		return c0 + ((c1 - c0) * (time - t0)) / Math.max(1, t1 - t0);
	};
	return {
		stop: () => clearInterval(timer),
		between: (from, to) => at(to) - at(from),
	};
}

/**
 * CPU ms per wall ms of the n8n process while nothing happens (timers, the task runner's pings),
 * over as long as the pattern lasts, so that n8n's periodic work is counted as idle, not as callbacks.
 */
async function idleRate(pid, pattern) {
	const from = { at: Date.now(), cpu: processCpuMs(pid) };
	await sleep(pattern === 'spread' ? SPREAD_MS : IDLE_MS);
	return (processCpuMs(pid) - from.cpu) / (Date.now() - from.at);
}

/** Calls `act(i)` for i < count: all at once (burst) or evenly over SPREAD_MS (spread). */
async function arrive(pattern, count, act) {
	const started = Date.now();
	const last = { at: started };
	await Promise.all(
		Array.from({ length: count }, async (_, i) => {
			if (pattern === 'spread' && count > 1) {
				const due = started + (i * SPREAD_MS) / (count - 1);
				await sleep(Math.max(0, due - Date.now()));
			}
			last.at = Math.max(last.at, Date.now());
			await act(i);
		}),
	);
	return { started, lastAt: last.at };
}

/** The workflow's executions; n8n answers 503 "Database is not ready" for a moment after heavy runs. */
async function executionsOf(server, workflowId) {
	for (let attempt = 1; ; attempt++) {
		try {
			return (await server.api('GET', `/executions?workflowId=${workflowId}&limit=250`)).data ?? [];
		} catch (error) {
			if (attempt === 10 || !/→ 503/.test(error.message)) throw error;
			await sleep(2_000);
		}
	}
}

/** Starts a workflow by its webhook and returns the execution once it waits. */
async function startWaiting(server, workflowId, path) {
	const earlier = new Set(
		(await executionsOf(server, workflowId)).map((execution) => execution.id),
	);
	const response = await server.callWebhook(`/webhook/${path}`, { method: 'POST', json: {} });
	await response.text();
	if (!response.ok) throw new Error(`${path}: the webhook answered ${response.status}`);
	const execution = await server.waitForExecution(
		{ workflowId },
		(candidate) =>
			!earlier.has(candidate.id) &&
			['waiting', 'success', 'error', 'crashed'].includes(candidate.status),
		300_000,
	);
	if (execution.status !== 'waiting')
		throw new Error(
			`${path}: the execution ended ${execution.status} instead of waiting (${execution.data?.resultData?.error?.message ?? 'no error'})`,
		);
	return execution;
}

async function finished(server, workflowId, executionId) {
	return await server.waitForExecution(
		{ workflowId },
		(candidate) =>
			candidate.id === executionId && ['success', 'error', 'crashed'].includes(candidate.status),
		900_000,
	);
}

/** The figures common to ours and the floor, from the instants and the CPU trace. */
function figures({ trace, idle, started, lastJobAt, lastArrival, lastAnswered, done, requests }) {
	const stoppedAt = Date.parse(done.stoppedAt);
	const net = (from, to) => trace.between(from, to) - idle * (to - from);
	const callbacksCpuMs = net(started, lastAnswered);
	const resumeCpuMs = net(lastAnswered, stoppedAt + SETTLE_MS);
	return {
		requests,
		cpuMsPerCallback: callbacksCpuMs / requests,
		resumeCpuMs,
		resumeAfterLastJobS: (stoppedAt - lastJobAt) / 1000,
		resumeAfterLastCallbackS: (stoppedAt - lastArrival) / 1000,
		idleCpuPercent: idle * 100,
		windows: {
			callbacks: [started, lastAnswered],
			resume: [lastAnswered, stoppedAt + SETTLE_MS],
		},
	};
}

/** Ours: Extract with Wait for Callback, `jobs` jobs finishing in `pattern`. */
async function measureOurs(server, pid, emulator, workflow, jobs, pattern) {
	emulator.clearRequests();
	const waiting = await startWaiting(server, workflow.id, workflow.path);
	const jobIds = waitingJobs(waiting, 'Extract');
	const idle = await idleRate(pid, pattern);
	const trace = cpuTrace(pid);
	const { started, lastAt } = await arrive(
		pattern,
		jobIds.length,
		async (i) => await emulator.advanceJob(jobIds[i], 'completed'),
	);
	const done = await finished(server, workflow.id, waiting.id);
	await sleep(SETTLE_MS);
	trace.stop();
	const deliveries = emulator.webhookDeliveries().filter((d) => jobIds.includes(d.jobId));
	const items = nodeOutput(done, 'Extract');
	return {
		jobs,
		pattern,
		status: done.status,
		completedItems: items.filter((item) => item.vlmrun?.status === 'completed').length,
		statusRequests: emulator.requests({ method: 'GET', path: /^\/predictions(\/|$)/ }).length,
		non2xx: deliveries.filter((d) => !isOk(d.status)).length,
		waitingExecutionBytes: JSON.stringify(waiting.data).length,
		...figures({
			trace,
			idle,
			started,
			lastJobAt: lastAt,
			lastArrival: Math.max(...deliveries.map((d) => d.at)),
			lastAnswered: Math.max(...deliveries.map((d) => d.at + d.durationMs)),
			done,
			requests: deliveries.length,
		}),
		// For the floor: an item per job (what a Wait node after Wait for Result's Extract holds), and
		// the same request bodies.
		pendingItem: { id: jobIds[0], status: 'pending' },
		deliveryBody: deliveries[0]?.body,
	};
}

/** The floor: n8n's Wait node with `jobs` items receiving `jobs` non-resuming POSTs, then one that resumes. */
async function measureFloor(server, pid, workflow, jobs, pattern, body) {
	const waiting = await startWaiting(server, workflow.id, workflow.path);
	const resumeUrl = waiting.data.resultData.runData.Items[0].data.main[0][0].json.resumeUrl;
	const post = async (userAgent) => {
		const started = Date.now();
		const response = await fetch(resumeUrl, {
			method: 'POST',
			headers: { 'content-type': 'application/json', 'user-agent': userAgent },
			body,
		});
		await response.arrayBuffer();
		return { status: response.status, at: started, answeredAt: Date.now() };
	};
	const idle = await idleRate(pid, pattern);
	const trace = cpuTrace(pid);
	const answers = [];
	const { started } = await arrive(pattern, jobs, async () => answers.push(await post(BOT_AGENT)));
	// isbot takes many tool names for bots (…bench…), so the resuming POST looks like a browser.
	// After a burst n8n may answer 503 ("Database is not ready") for a moment.
	let resuming;
	for (let attempt = 1; attempt <= 10; attempt++) {
		resuming = await post('Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0');
		if (resuming.status !== 503) break;
		await sleep(2_000);
	}
	if (!isOk(resuming.status)) throw new Error(`the floor's resuming POST got ${resuming.status}`);
	const done = await finished(server, workflow.id, waiting.id);
	await sleep(SETTLE_MS);
	trace.stop();
	const lastAnswered = Math.max(...answers.map((a) => a.answeredAt));
	return {
		jobs,
		pattern,
		status: done.status,
		botAnswers: [...new Set(answers.map((a) => a.status))].join(','),
		resumeAnswer: resuming.status,
		waitingExecutionBytes: JSON.stringify(waiting.data).length,
		...figures({
			trace,
			idle,
			started,
			// The resuming POST plays the last job's callback.
			lastJobAt: resuming.at,
			lastArrival: resuming.at,
			lastAnswered,
			done,
			requests: answers.length,
		}),
	};
}

/** n8n's Wait node after `count` items shaped like ours, the first carrying the resume URL. */
function floorWorkflow(name, path, count, template) {
	const items = `const template = ${JSON.stringify(template)};
return Array.from({ length: ${count} }, (_, n) => ({
	json: { ...template, id: template.id + '-' + n, ...(n === 0 ? { resumeUrl: $execution.resumeUrl } : {}) },
}));`;
	return chainWorkflow(name, [
		webhookTrigger(path, 'onReceived'),
		{
			id: randomUUID(),
			name: 'Items',
			type: 'n8n-nodes-base.code',
			typeVersion: 2,
			position: [0, 0],
			parameters: { jsCode: items },
		},
		{
			id: randomUUID(),
			name: 'Wait',
			type: 'n8n-nodes-base.wait',
			typeVersion: 1.1,
			position: [0, 0],
			parameters: { resume: 'webhook', httpMethod: 'POST', options: { ignoreBots: true } },
			webhookId: randomUUID(),
		},
	]);
}

/** Where the CPU of each run's phases went, from the profile of the n8n server process. */
function profileSplit(rows, pids) {
	const profiles = loadProfiles(PROFILE_DIR).filter((p) =>
		pids.some((pid) => basename(p.file).includes(`.${pid}.0.`)),
	);
	if (profiles.length === 0) return undefined;
	return rows.map((row) => {
		const phase = ([from, to]) =>
			analyse(profiles, { from: toMonotonicUs(from), to: toMonotonicUs(to), top: 15 });
		return {
			run: `${row.kind} ${row.jobs} ${row.pattern}`,
			requests: row.requests,
			callbacks: phase(row.windows.callbacks),
			resume: phase(row.windows.resume),
		};
	});
}

const f = (value, digits = 1) => (Number.isFinite(value) ? value.toFixed(digits) : '–');

function table(rows) {
	const lines = [
		'| Jobs | Arrival | Status requests (≤ jobs + 2) | Non-2xx deliveries (0) | Resume after last job (s) | Resume after last callback (s, ≤ 2) | CPU per callback (ms, ≤ 20) | n8n floor per request (ms) | CPU of the resume (ms) | Floor resume (ms) | Waiting execution (KB), ours / floor |',
		'| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
	];
	for (const row of rows.filter((r) => r.kind === 'ours')) {
		const floor = rows.find(
			(r) => r.kind === 'floor' && r.jobs === row.jobs && r.pattern === row.pattern,
		);
		lines.push(
			`| ${row.jobs} | ${row.pattern} | ${row.statusRequests} | ${row.non2xx} of ${row.requests} | ${f(row.resumeAfterLastJobS, 2)} | ${f(row.resumeAfterLastCallbackS, 2)} | ${f(row.cpuMsPerCallback)} | ${f(floor?.cpuMsPerCallback)} | ${f(row.resumeCpuMs, 0)} | ${f(floor?.resumeCpuMs, 0)} | ${f(row.waitingExecutionBytes / 1024)} / ${f(floor?.waitingExecutionBytes / 1024)} |`,
		);
	}
	return `${lines.join('\n')}\n`;
}

/** Imports and publishes the workflows (setting their ids), starts the server, finds its process. */
async function serve(n8n, workflows) {
	const ids = await importWorkflows(
		n8n,
		workflows.map((workflow) => workflow.json),
	);
	workflows.forEach((workflow, n) => (workflow.id = ids[n]));
	const server = await startServer(n8n);
	const pid = findN8nProcess(n8n.dir, ['start']);
	if (!pid) throw new Error('could not find the n8n server process');
	for (const workflow of workflows) await server.publishWorkflow(workflow.id);
	return { server, pid };
}

/** Runs the measurement; returns the process exit code. */
export async function run(args) {
	const sizes = option(args, 'jobs', ['10', '100', '500']).map(Number);
	const patterns = option(args, 'patterns', ['burst', 'spread']);
	const withFloor = !args.includes('--no-floor');
	const profile = args.includes('--profile');
	// The version a node added in the editor gets; --node-version=1 for workflows made before 1.1.
	const typeVersion = Number(option(args, 'node-version', ['1.1'])[0]);
	const n8nEnv = n8nSettings(args);
	const workDir = mkdtempSync(join(tmpdir(), 'vlmrun-bench-callbacks-'));
	process.env.VLMRUN_E2E_WORKDIR = workDir;
	let server;
	let emulator;
	let pid;
	const serverPids = [];
	const rows = [];
	let failed = false;
	try {
		await provision();
		const tarball = await packPackage({ destDir: workDir });
		compileTests();
		emulator = await startEmulator({
			jobMode: 'manual',
			webhookSecret: SECRET,
			webhookRetryDelaysMs: [1000, 2000],
		});
		if (profile) rmSync(PROFILE_DIR, { recursive: true, force: true });
		const n8n = await createN8n({
			tarball,
			env: {
				...n8nEnv,
				...(profile ? { NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${PROFILE_DIR}` } : {}),
			},
		});
		const credential = { id: 'vlmCredBenchCallb', name: 'VLM Run (callbacks)', type: 'vlmRunApi' };
		await importCredentials(n8n, [
			{
				...credential,
				data: { apiKey: emulator.apiKey, baseUrl: emulator.baseUrl, webhookSecret: SECRET },
			},
		]);
		const ours = sizes.map((jobs) => ({
			jobs,
			path: `bench-callbacks-${jobs}`,
			json: chainWorkflow(`bench callbacks ${jobs}`, [
				webhookTrigger(`bench-callbacks-${jobs}`, 'onReceived'),
				{
					...extract(credential, {
						maxConcurrency: 10,
						domain: 'document.invoice',
						completion: 'waitForCallback',
						typeVersion,
						urls: Array.from(
							{ length: jobs },
							(_, n) => `https://files.example.com/invoice-${n}.pdf`,
						).join('\n'),
					}),
					webhookId: randomUUID(),
				},
			]),
		}));
		// The floor's workflows need our pending items' shape: ours are measured first.
		({ server, pid } = await serve(n8n, ours));
		serverPids.push(pid);
		const templates = new Map();
		for (const workflow of ours) {
			for (const pattern of patterns) {
				log(`${workflow.jobs} jobs, Wait for Callback, ${pattern}`);
				const row = await measureOurs(server, pid, emulator, workflow, workflow.jobs, pattern);
				const { pendingItem, deliveryBody, ...figuresOnly } = row;
				templates.set(workflow.jobs, { pendingItem, deliveryBody });
				rows.push({ kind: 'ours', ...figuresOnly });
				log(JSON.stringify({ ...figuresOnly, windows: undefined }));
			}
		}
		if (withFloor) {
			await server.stop();
			const floors = sizes.map((jobs) => ({
				jobs,
				path: `bench-floor-${jobs}`,
				json: floorWorkflow(
					`bench floor ${jobs}`,
					`bench-floor-${jobs}`,
					jobs,
					templates.get(jobs).pendingItem,
				),
			}));
			({ server, pid } = await serve(n8n, floors));
			serverPids.push(pid);
			for (const workflow of floors) {
				for (const pattern of patterns) {
					log(`${workflow.jobs} items, n8n's Wait node (the floor), ${pattern}`);
					const body = templates.get(workflow.jobs).deliveryBody ?? '{}';
					const row = await measureFloor(server, pid, workflow, workflow.jobs, pattern, body);
					rows.push({ kind: 'floor', ...row });
					log(JSON.stringify({ ...row, windows: undefined }));
				}
			}
		}
	} catch (error) {
		// What was measured before the failure is still written.
		log(`FAILED: ${error.stack ?? error}`);
		failed = true;
	} finally {
		await server?.stop().catch(() => undefined);
		await emulator?.close().catch(() => undefined);
		rmSync(workDir, { recursive: true, force: true });
	}
	// Profiles are written when the process exits; the floor ran in a second server process.
	const profiles = profile ? profileSplit(rows, serverPids) : undefined;
	const report = table(rows);
	mkdirSync(join(REPO_ROOT, 'bench-output'), { recursive: true });
	writeFileSync(
		join(REPO_ROOT, 'bench-output', 'callbacks.json'),
		`${JSON.stringify({ date: new Date().toISOString(), n8nEnv, targets: TARGETS, rows, profiles }, null, 2)}\n`,
	);
	if (profiles)
		log(`profile split per phase in bench-output/callbacks.json (${profiles.length} runs)`);
	console.log(report);
	return failed ? 1 : 0;
}

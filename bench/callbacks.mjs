// `npm run bench -- callbacks`: Wait for Callback at 10, 100 and 500 jobs in one execution, in a
// real n8n 2.41.1 (single process) against the emulator. Per size: status requests in total, time
// from the last job finishing to the resume, CPU of the n8n process per callback it received, and
// deliveries answered other than 2xx, against the targets of issue 11. A benchmark, not a test.
//
//   npm run bench -- callbacks               10, 100, 500 jobs (about 5 minutes)
//   npm run bench -- callbacks --quick       10 and 50 jobs
//   npm run bench -- callbacks --jobs=1000   other sizes
//   npm run bench -- callbacks --profile     V8 CPU profiles of n8n in bench-output/profiles-callbacks
//
// Once the execution waits, every job finishes at the same moment (the emulator in manual mode), so
// the callbacks race, the last ones included: the hardest case for "exactly one resume". The time
// to resume is measured from that moment to the end of the execution. Results go to
// bench-output/callbacks.json and are printed as a Markdown table.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { spawnSync } from 'node:child_process';

import {
	REPO_ROOT,
	createN8n,
	importCredentials,
	importWorkflows,
	nodeOutput,
	packPackage,
	sleep,
	startEmulator,
	startServer,
} from '../test/e2e/n8n.mjs';
import { provision } from '../test/e2e/provision.mjs';
import { findN8nProcess, processCpuMs } from './proc.mjs';
import { chainWorkflow, extract, webhookTrigger } from './workflows.mjs';

const IDLE_MS = 5_000;
const SECRET = 'whsec-bench-callbacks';
const TARGETS = { resumeS: 2, cpuMsPerCallback: 20 };
const log = (message) => process.stderr.write(`[bench:callbacks] ${message}\n`);

function sizesFrom(args) {
	const flag = /^--jobs=(.+)$/.exec(args.find((arg) => arg.startsWith('--jobs=')) ?? '')?.[1];
	if (flag) return flag.split(',').map(Number);
	return args.includes('--quick') ? [10, 50] : [10, 100, 500];
}

function compileTests() {
	const tsc = join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
	spawnSync(process.execPath, [tsc, '-p', 'test/tsconfig.json'], { cwd: REPO_ROOT });
}

const isOk = (status) => status !== null && status >= 200 && status < 300;

/** One size: runs the workflow and reads what the emulator and the n8n process saw. */
async function measure(server, pid, emulator, workflowId, jobs) {
	emulator.clearRequests();
	const response = await server.callWebhook(`/webhook/bench-callbacks-${jobs}`, {
		method: 'POST',
		json: {},
	});
	await response.text();
	if (!response.ok) throw new Error(`${jobs} jobs: the webhook answered ${response.status}`);
	const waiting = await server.waitForExecution(
		{ workflowId },
		(candidate) => candidate.status === 'waiting',
		900_000,
	);
	const jobIds = waiting.data.resultData.runData.Extract[0].data.main[0].map(
		(item) => item.json.id,
	);
	// From here on only the emulator is watched, so the n8n process does nothing but the callbacks.
	// Its idle CPU over a few seconds is the baseline taken off the callbacks' CPU.
	const idleFrom = { at: Date.now(), cpu: processCpuMs(pid) };
	await sleep(IDLE_MS);
	const cpuBefore = processCpuMs(pid);
	const callbacksFrom = Date.now();
	const idleMsPerMs = (cpuBefore - idleFrom.cpu) / (callbacksFrom - idleFrom.at);
	// Every job finishes at once: the callbacks race, the last ones included.
	await Promise.all(jobIds.map(async (id) => await emulator.advanceJob(id, 'completed')));
	const lastFinish = callbacksFrom;
	const deliveries = emulator.webhookDeliveries().filter((d) => jobIds.includes(d.jobId));
	const rawCpuMs = processCpuMs(pid) - cpuBefore;
	const cpuMs = rawCpuMs - idleMsPerMs * (Date.now() - callbacksFrom);
	const done = await server.waitForExecution(
		{ workflowId },
		(candidate) =>
			candidate.id === waiting.id && ['success', 'error', 'crashed'].includes(candidate.status),
		900_000,
	);
	const items = nodeOutput(done, 'Extract');
	return {
		jobs,
		status: done.status,
		completedItems: items.filter((item) => item.vlmrun?.status === 'completed').length,
		statusRequests: emulator.requests({ method: 'GET', path: /^\/predictions(\/|$)/ }).length,
		deliveries: deliveries.length,
		non2xx: deliveries.filter((d) => !isOk(d.status)).length,
		resumeAfterLastJobS: (Date.parse(done.stoppedAt) - lastFinish) / 1000,
		cpuMsPerCallback: cpuMs / deliveries.length,
		rawCpuMsPerCallback: rawCpuMs / deliveries.length,
		idleCpuPercent: idleMsPerMs * 100,
	};
}

function table(rows) {
	const lines = [
		'| Jobs | Status requests (target ≤ jobs + 2) | Resume after last job (s, ≤ 2) | CPU per callback (ms, ≤ 20), idle taken off | Same, raw | Non-2xx deliveries (0) | Items completed |',
		'| ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
	];
	for (const row of rows) {
		lines.push(
			`| ${row.jobs} | ${row.statusRequests} | ${row.resumeAfterLastJobS.toFixed(2)} | ${row.cpuMsPerCallback.toFixed(1)} | ${row.rawCpuMsPerCallback.toFixed(1)} | ${row.non2xx} of ${row.deliveries} | ${row.completedItems} |`,
		);
	}
	return `${lines.join('\n')}\n`;
}

/** Runs the measurement; returns the process exit code. */
export async function run(args) {
	const sizes = sizesFrom(args);
	const workDir = mkdtempSync(join(tmpdir(), 'vlmrun-bench-callbacks-'));
	process.env.VLMRUN_E2E_WORKDIR = workDir;
	let server;
	let emulator;
	try {
		await provision();
		const tarball = await packPackage({ destDir: workDir });
		compileTests();
		emulator = await startEmulator({
			jobMode: 'manual',
			webhookSecret: SECRET,
			webhookRetryDelaysMs: [1000, 2000],
		});
		const profileDir = join(REPO_ROOT, 'bench-output', 'profiles-callbacks');
		const n8n = await createN8n({
			tarball,
			env: args.includes('--profile')
				? { NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${profileDir}` }
				: {},
		});
		const credential = { id: 'vlmCredBenchCallb', name: 'VLM Run (callbacks)', type: 'vlmRunApi' };
		await importCredentials(n8n, [
			{
				...credential,
				data: { apiKey: emulator.apiKey, baseUrl: emulator.baseUrl, webhookSecret: SECRET },
			},
		]);
		const workflows = sizes.map((jobs) =>
			chainWorkflow(`bench callbacks ${jobs}`, [
				webhookTrigger(`bench-callbacks-${jobs}`, 'onReceived'),
				{
					...extract(credential, {
						maxConcurrency: 10,
						domain: 'document.invoice',
						completion: 'waitForCallback',
						urls: Array.from(
							{ length: jobs },
							(_, n) => `https://files.example.com/invoice-${n}.pdf`,
						).join('\n'),
					}),
					webhookId: randomUUID(),
				},
			]),
		);
		const ids = await importWorkflows(n8n, workflows);
		server = await startServer(n8n);
		const pid = findN8nProcess(n8n.dir, ['start']);
		if (!pid) throw new Error('could not find the n8n server process');
		for (const id of ids) await server.publishWorkflow(id);
		const rows = [];
		for (const [n, jobs] of sizes.entries()) {
			log(`${jobs} jobs, Wait for Callback, all finishing at once`);
			rows.push(await measure(server, pid, emulator, ids[n], jobs));
			log(JSON.stringify(rows.at(-1)));
		}
		const report = table(rows);
		mkdirSync(join(REPO_ROOT, 'bench-output'), { recursive: true });
		writeFileSync(
			join(REPO_ROOT, 'bench-output', 'callbacks.json'),
			`${JSON.stringify({ date: new Date().toISOString(), targets: TARGETS, rows }, null, 2)}\n`,
		);
		console.log(report);
		return 0;
	} catch (error) {
		log(`FAILED: ${error.stack ?? error}`);
		return 1;
	} finally {
		await server?.stop().catch(() => undefined);
		await emulator?.close().catch(() => undefined);
		rmSync(workDir, { recursive: true, force: true });
	}
}

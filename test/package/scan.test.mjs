// n8n's verification scanner (@n8n/scan-community-package) lints what a verified package ships
// with eslint-disable comments ignored: the node and credential sources plus package.json, and
// the packed tarball's .js files plus its package.json. Its other checks (npm provenance, the
// attested source commit) need a published version; this runs the two lint passes on the working
// tree and on a fresh pack. The scanner is installed into .cache/scanner on first use.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, test } from 'node:test';

import { pack, root } from './pack.mjs';

const SCANNER = '@n8n/scan-community-package@0.32.0';
const prefix = join(root, '.cache', 'scanner');
const entry = join(
	prefix,
	'node_modules',
	'@n8n',
	'scan-community-package',
	'scanner',
	'scanner.mjs',
);

let scanner;
let packed;
before(async () => {
	if (!existsSync(entry)) {
		mkdirSync(prefix, { recursive: true });
		execFileSync('npm', ['install', '--prefix', prefix, '--no-save', '--ignore-scripts', SCANNER], {
			stdio: ['ignore', 'ignore', 'inherit'],
		});
	}
	scanner = await import(pathToFileURL(entry).href);
	packed = pack();
	const unpacked = join(packed.folder, 'unpacked');
	mkdirSync(unpacked);
	execFileSync('tar', ['-xzf', packed.tarball, '-C', unpacked, '--strip-components=1']);
	packed.unpacked = unpacked;
});
after(() => rmSync(packed.folder, { recursive: true, force: true }));

const report = (result) => [result.message, result.details].filter(Boolean).join('\n');

test('scanner lint passes on the sources it would fetch through provenance', async () => {
	const result = await scanner.analyzePackage(root, scanner.SOURCE_FILE_PATTERNS);
	assert.ok(result.passed, report(result));
});

test('scanner lint passes on the packed tarball', async () => {
	const result = await scanner.analyzePackage(packed.unpacked, ['**/*.js', 'package.json']);
	assert.ok(result.passed, report(result));
});

// The README's manual install line installs the package alone, without the peer n8n-workflow and
// without a registry. Run after `npm run build`: npm run test:package
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

import { manifest, pack, root } from './pack.mjs';

let packed;
before(() => {
	packed = pack();
});
after(() => rmSync(packed.folder, { recursive: true, force: true }));

describe("README's manual install line", () => {
	const line = readFileSync(join(root, 'README.md'), 'utf8').match(
		/`(npm install [^`]*\bn8n-nodes-vlmrun)`/,
	)?.[1];

	test('installs the package alone: no peer n8n-workflow, no registry needed', () => {
		assert.ok(line, 'README has no `npm install … n8n-nodes-vlmrun` line');
		const nodesFolder = join(packed.folder, 'n8n-user', '.n8n', 'nodes');
		mkdirSync(nodesFolder, { recursive: true });
		// The package.json n8n writes into ~/.n8n/nodes when it installs a community package.
		writeFileSync(
			join(nodesFolder, 'package.json'),
			JSON.stringify({ name: 'installed-nodes', private: true }),
		);
		const [npm, ...args] = line.split(/\s+/);
		const target = args.map((arg) => (arg === manifest.name ? packed.tarball : arg));
		// An unreachable registry: the line must not need one for a package without dependencies.
		execFileSync(npm, [...target, '--registry=http://127.0.0.1:9/', '--fetch-retries=0'], {
			cwd: nodesFolder,
			encoding: 'utf8',
			stdio: ['ignore', 'pipe', 'pipe'],
			env: { ...process.env, npm_config_audit: 'false', npm_config_fund: 'false' },
		});
		const installed = readdirSync(join(nodesFolder, 'node_modules')).filter(
			(name) => !name.startsWith('.'),
		);
		assert.deepEqual(installed, [manifest.name]);
		const installedManifest = JSON.parse(
			readFileSync(join(nodesFolder, 'node_modules', manifest.name, 'package.json'), 'utf8'),
		);
		assert.equal(installedManifest.version, manifest.version);
		for (const entry of manifest.n8n.nodes)
			assert.ok(existsSync(join(nodesFolder, 'node_modules', manifest.name, entry)), entry);
		assert.ok(!existsSync(join(nodesFolder, 'node_modules', 'n8n-workflow')));
	});
});

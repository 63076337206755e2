// The packed tarball holds only what n8n loads: the built nodes and credential, their icons and
// codex files, package.json, README and LICENSE. Run after `npm run build`: npm run test:package
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

import { manifest, pack, root } from './pack.mjs';

let packed;
before(() => {
	packed = pack();
});
after(() => rmSync(packed.folder, { recursive: true, force: true }));

/** The source file a dist/ file is built or copied from. */
function sourceOf(distPath) {
	const path = distPath.slice('dist/'.length);
	return path.replace(/\.js\.map$|\.d\.ts$|\.js$/, '.ts');
}

describe('packed tarball', () => {
	test('holds package.json, README, LICENSE and the built nodes and credential, nothing else', () => {
		const strays = packed.files.filter(
			(path) =>
				!['package.json', 'README.md', 'LICENSE'].includes(path) &&
				!/^dist\/(nodes|credentials)\/.+\.(js|d\.ts|js\.map|svg|png|json)$/.test(path),
		);
		assert.deepEqual(strays, []);
	});

	test('every dist/ file comes from a source file in nodes/ or credentials/ (no test, docs or package.json copy)', () => {
		const orphans = packed.files
			.filter((path) => path.startsWith('dist/'))
			.filter((path) => !existsSync(join(root, sourceOf(path))));
		assert.deepEqual(orphans, []);
		assert.ok(!packed.files.includes('dist/package.json'), 'dist/package.json is packed');
	});

	test('every node and credential n8n loads is packed, with the icons it names', () => {
		const entries = [...manifest.n8n.nodes, ...manifest.n8n.credentials];
		for (const entry of entries) assert.ok(packed.files.includes(entry), `${entry} is not packed`);
		for (const entry of entries) {
			const code = readFileSync(join(root, entry), 'utf8');
			const icons = [...code.matchAll(/'file:([\w.-]+)'/g)].map((match) => match[1]);
			assert.ok(icons.length > 0, `${entry} names no icon`);
			const folder = entry.slice(0, entry.lastIndexOf('/') + 1);
			for (const icon of icons)
				assert.ok(packed.files.includes(folder + icon), `${folder + icon} is not packed`);
		}
	});

	test('every source file of nodes/ and credentials/ is built into the tarball', () => {
		const tracked = execFileSync('git', ['ls-files', 'nodes', 'credentials'], {
			cwd: root,
			encoding: 'utf8',
		})
			.split('\n')
			.filter(Boolean);
		const missing = tracked
			.map((path) => `dist/${path.replace(/\.ts$/, '.js')}`)
			.filter((path) => !packed.files.includes(path));
		assert.deepEqual(missing, []);
	});

	test('LICENSE is the MIT license that package.json declares', () => {
		assert.equal(manifest.license, 'MIT');
		const license = readFileSync(join(root, 'LICENSE'), 'utf8');
		assert.match(license, /^MIT License\n/);
		assert.match(license, /Permission is hereby granted, free of charge/);
	});
});

// Packs the built package the way `npm publish` would, into a temp folder, and lists what the
// tarball holds. Needs `npm run build` first (the tarball is dist/ plus the package files).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

/** @returns {{ folder: string, tarball: string, files: string[] }} */
export function pack() {
	if (!existsSync(join(root, 'dist')))
		throw new Error('dist/ is missing: run `npm run build` before packing');
	const folder = mkdtempSync(join(tmpdir(), 'vlmrun-pack-'));
	const output = execFileSync('npm', ['pack', '--json', '--pack-destination', folder], {
		cwd: root,
		encoding: 'utf8',
		stdio: ['ignore', 'pipe', 'inherit'],
	});
	const [result] = JSON.parse(output);
	return {
		folder,
		tarball: join(folder, result.filename),
		files: result.files.map((file) => file.path).sort(),
	};
}

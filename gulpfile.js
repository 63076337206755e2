// Build: tsc, then copy only the node and credential assets (icons, codex .node.json) into dist.
// Why not `n8n-node build`: it copies every *.png and *.svg of the whole repository into dist, so the
// README's screenshots (docs/), the benchmark chart and the test fixtures (test/fixtures/*.png) would
// be published in the package. This copies from nodes/ and credentials/ only; `n8n-node lint` and
// `n8n-node release` still drive lint and publishing.
const { src, dest, series } = require('gulp');
const { readFile, rm, writeFile } = require('node:fs/promises');
const { spawn } = require('node:child_process');

function clean() {
	return rm('dist', { recursive: true, force: true });
}

const CLIENT_FILE = 'nodes/VlmRun/shared/client.generated.ts';

// The X-Client-Id header names this package's version. It is written into a small source file
// here rather than read from package.json at run time, so dist/ needs no copy of package.json.
async function clientVersion() {
	const { name, version } = JSON.parse(await readFile('package.json', 'utf8'));
	const text = `// Written by \`gulp build\` (gulpfile.js, clientVersion) from package.json; do not edit.\nexport const CLIENT_ID = '${name}/${version}';\n`;
	const current = await readFile(CLIENT_FILE, 'utf8').catch(() => '');
	if (current !== text) await writeFile(CLIENT_FILE, text);
}

function compile() {
	return new Promise((resolve, reject) => {
		const tsc = spawn(
			process.execPath,
			[require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.json'],
			{
				stdio: 'inherit',
			},
		);
		tsc.on('exit', (code) =>
			code === 0 ? resolve() : reject(new Error(`tsc exited with ${code}`)),
		);
	});
}

function copyAssets() {
	return src(['nodes/**/*.{svg,png,json}', 'credentials/**/*.{svg,png}'], {
		base: '.',
		encoding: false,
	}).pipe(dest('dist'));
}

exports.clean = clean;
exports.clientVersion = clientVersion;
exports.build = series(clean, clientVersion, compile, copyAssets);
exports.default = exports.build;

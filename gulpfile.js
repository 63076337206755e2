// Build: tsc, then copy only the node and credential assets (icons, codex .node.json) into dist.
// Why not `n8n-node build`: it copies every *.png and *.svg of the whole repository into dist, so the
// README's screenshots (docs/), the benchmark chart and the test fixtures (test/fixtures/*.png) would
// be published in the package. This copies from nodes/ and credentials/ only; `n8n-node lint` and
// `n8n-node release` still drive lint and publishing.
const { src, dest, series } = require('gulp');
const { rm } = require('node:fs/promises');
const { spawn } = require('node:child_process');

function clean() {
	return rm('dist', { recursive: true, force: true });
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
exports.build = series(clean, compile, copyAssets);
exports.default = exports.build;

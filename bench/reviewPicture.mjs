// `npm run bench -- review-picture`: the CPU the review PNG costs per image (issue 16), measured on
// the built package (dist/) in this Node process: decode the input, draw boxes and legend, encode
// the PNG, for a 1600 × 2000 scanned page as PNG and as JPEG and a 1600 × 2000 photo as JPEG
// (baseline and progressive). JPEG inputs need libjpeg-turbo's cjpeg (Debian: libjpeg-turbo-progs)
// to be written; without it only the PNG input is measured. Target: under 300 ms per picture.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';

import { REPO_ROOT } from '../test/e2e/n8n.mjs';

const require = createRequire(import.meta.url);
const RASTER = join(REPO_ROOT, 'dist', 'nodes', 'VlmRun', 'shared', 'review', 'raster');
const WIDTH = 1600;
const HEIGHT = 2000;
const ROUNDS = 7;

/** A page: off-white paper with lines of dark print; a photo: smooth shading with some grain. */
function pixels(kind) {
	const data = new Uint8Array(WIDTH * HEIGHT * 3);
	for (let y = 0; y < HEIGHT; y++) {
		for (let x = 0; x < WIDTH; x++) {
			const i = (y * WIDTH + x) * 3;
			if (kind === 'page') {
				const ink = y % 40 < 14 && x % 9 < 5 && (x * 7 + y * 13) % 11 < 6 && x > 100 && x < 1500;
				const value = ink ? 30 : 248 - ((x * 31 + y * 17) % 5);
				data.set([value, value, value - 3], i);
			} else {
				const grain = (x * 7919 + y * 104729) % 9;
				data.set(
					[
						120 + 80 * Math.sin(x / 190) + grain,
						110 + 70 * Math.cos(y / 230) + grain,
						90 + 60 * Math.sin((x + y) / 310) + grain,
					],
					i,
				);
			}
		}
	}
	return { width: WIDTH, height: HEIGHT, data };
}

function jpeg(image, options) {
	const ppm = Buffer.concat([Buffer.from(`P6\n${WIDTH} ${HEIGHT}\n255\n`), image.data]);
	const result = spawnSync('cjpeg', ['-quality', '85', ...options], {
		input: ppm,
		maxBuffer: 1 << 30,
	});
	return result.status === 0 ? result.stdout : undefined;
}

const cpuMs = (since) => {
	const used = process.cpuUsage(since);
	return (used.user + used.system) / 1000;
};
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

export async function run() {
	if (!existsSync(join(RASTER, 'index.js'))) {
		console.error('Build the package first: npm run build');
		return 1;
	}
	const { decodePng, encodePng } = require(join(RASTER, 'png.js'));
	const { decodeJpeg } = require(join(RASTER, 'jpeg.js'));
	const { drawReview } = require(join(RASTER, 'draw.js'));
	const fields = Array.from({ length: 11 }, (_, i) => ({
		field: `field_${i}`,
		value: `value ${i}`,
		boxes: [{ page: 1, xywh: [0.1 + (i % 2) * 0.45, 0.05 + i * 0.08, 0.35, 0.05] }],
		flags: i % 4 ? [] : ['confidence'],
	}));
	const page = pixels('page');
	const photo = pixels('photo');
	const inputs = [
		['page, PNG', Buffer.from(encodePng(page)), decodePng],
		['page, JPEG baseline', jpeg(page, []), decodeJpeg],
		['page, JPEG progressive', jpeg(page, ['-progressive']), decodeJpeg],
		['photo, JPEG baseline', jpeg(photo, []), decodeJpeg],
		['photo, JPEG progressive', jpeg(photo, ['-progressive']), decodeJpeg],
	].filter(([, bytes]) => bytes);
	const rows = [];
	for (const [name, bytes, decode] of inputs) {
		const phases = { decode: [], draw: [], encode: [], total: [] };
		let output = 0;
		// One round to warm the JIT up, then ROUNDS measured.
		for (let round = 0; round <= ROUNDS; round++) {
			const start = process.cpuUsage();
			let since = process.cpuUsage();
			const image = decode(bytes);
			const decodeMs = cpuMs(since);
			since = process.cpuUsage();
			const picture = drawReview(image, 'Review of the page', fields);
			const drawMs = cpuMs(since);
			since = process.cpuUsage();
			output = encodePng(picture).length;
			const encodeMs = cpuMs(since);
			if (round === 0) continue;
			phases.decode.push(decodeMs);
			phases.draw.push(drawMs);
			phases.encode.push(encodeMs);
			phases.total.push(cpuMs(start));
		}
		rows.push(
			`| ${name} | ${(bytes.length / 1024).toFixed(0)} kB | ${median(phases.decode).toFixed(0)} | ${median(phases.draw).toFixed(0)} | ${median(phases.encode).toFixed(0)} | **${median(phases.total).toFixed(0)}** | ${(output / 1024).toFixed(0)} kB |`,
		);
	}
	const [load] = loadavg();
	console.log(
		[
			`Review PNG of a ${WIDTH} × ${HEIGHT} input (drawn at 1280 × 1600 plus the legend), CPU ms, median of ${ROUNDS}; ${new Date().toISOString().slice(0, 10)}, ${cpus().length} × ${cpus()[0].model}, Node ${process.version}, load ${load.toFixed(2)}`,
			'',
			'| Input | Size | Decode | Draw | Encode | Total | PNG |',
			'| --- | --- | --- | --- | --- | --- | --- |',
			...rows,
			...(inputs.length < 5 ? ['', 'JPEG inputs skipped: cjpeg not found.'] : []),
		].join('\n'),
	);
	return 0;
}

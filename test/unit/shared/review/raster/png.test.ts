import { decodePng, encodePng } from '../../../../../nodes/VlmRun/shared/review/raster/png';
import { makePng, readRgbPng, type PngSpec } from '../../../../pngFiles';

/*
 * PNG decoding of every colour type and bit depth (files written with node:zlib, every row filter)
 * and encoding (read back with node:zlib).
 */

const W = 7;
const H = 5;
const grid = <T>(pixel: (x: number, y: number) => T) =>
	Array.from({ length: H }, (_, y) => Array.from({ length: W }, (_, x) => pixel(x, y)));
/** All five filters, each on a row that has a row above and one that does not. */
const FILTERS = [4, 0, 1, 2, 3];

function decoded(spec: Omit<PngSpec, 'width' | 'height' | 'samples'>, samples: number[][][]) {
	const file = makePng({ ...spec, width: W, height: H, samples: samples.map((row) => row.flat()) });
	const image = decodePng(file);
	expect(image).toBeDefined();
	expect([image!.width, image!.height]).toEqual([W, H]);
	return grid((x, y) => Array.from(image!.data.subarray((y * W + x) * 3, (y * W + x) * 3 + 3)));
}

describe('decodePng', () => {
	for (const filter of [...FILTERS, FILTERS]) {
		it(`reads 8-bit RGB with filter ${filter}`, () => {
			const colour = (x: number, y: number) => [x * 30, y * 50, (x * y * 17) % 256];
			expect(decoded({ colourType: 2, depth: 8, filters: [filter].flat() }, grid(colour))).toEqual(
				grid(colour),
			);
		});
	}

	it('reads 8-bit RGBA, putting transparent pixels on white', () => {
		const pixels = grid((x, y) => [200, 100, x * 10, [255, 0, 128][(x + y) % 3]]);
		const onWhite = (v: number, a: number) => Math.floor((v * a + 255 * (255 - a) + 127) / 255);
		expect(decoded({ colourType: 6, depth: 8, filters: FILTERS }, pixels)).toEqual(
			grid((x, y) => {
				const [r, g, b, a] = pixels[y][x];
				return [onWhite(r, a), onWhite(g, a), onWhite(b, a)];
			}),
		);
	});

	it.each([1, 2, 4, 8] as const)('reads %i-bit greyscale, scaled to 0..255', (depth) => {
		const max = (1 << depth) - 1;
		const pixels = grid((x, y) => [(x + y) % (max + 1)]);
		expect(decoded({ colourType: 0, depth, filters: FILTERS }, pixels)).toEqual(
			grid((x, y) => Array(3).fill(Math.floor((((x + y) % (max + 1)) * 255) / max))),
		);
	});

	it('reads 16-bit greyscale with alpha and 16-bit RGB (their high bytes)', () => {
		expect(
			decoded(
				{ colourType: 4, depth: 16, filters: FILTERS },
				grid((x) => [x * 9000, 65535]),
			),
		).toEqual(grid((x) => Array(3).fill((x * 9000) >> 8)));
		expect(
			decoded(
				{ colourType: 2, depth: 16, filters: FILTERS },
				grid((x, y) => [x * 9000, y * 12000, 65535]),
			),
		).toEqual(grid((x, y) => [(x * 9000) >> 8, (y * 12000) >> 8, 255]));
	});

	it.each([1, 2, 4, 8] as const)('reads %i-bit palette images, with tRNS alpha', (depth) => {
		const palette = [
			[255, 0, 0],
			[0, 128, 0],
			[0, 0, 255],
			[10, 20, 30],
		].slice(0, 1 << depth);
		const transparency = Buffer.from([255, 255, 0]);
		const pixels = grid((x, y) => [(x * 3 + y) % palette.length]);
		expect(
			decoded({ colourType: 3, depth, palette, transparency, filters: FILTERS }, pixels),
		).toEqual(
			grid((x, y) =>
				(x * 3 + y) % palette.length === 2
					? [255, 255, 255]
					: palette[(x * 3 + y) % palette.length],
			),
		);
	});

	it('makes the tRNS colour of an RGB image white', () => {
		const transparency = Buffer.from([0, 1, 0, 2, 0, 3]);
		const pixels = grid((x) => (x === 3 ? [1, 2, 3] : [9, 9, 9]));
		expect(decoded({ colourType: 2, depth: 8, transparency }, pixels)).toEqual(
			grid((x) => (x === 3 ? [255, 255, 255] : [9, 9, 9])),
		);
	});

	it('returns undefined for interlaced, truncated, corrupt and non-PNG input', () => {
		const spec: PngSpec = {
			width: W,
			height: H,
			colourType: 2,
			depth: 8,
			samples: grid(() => [1, 2, 3]).map((row) => row.flat()),
		};
		expect(decodePng(makePng(spec))).toBeDefined();
		expect(decodePng(makePng({ ...spec, interlaced: true }))).toBeUndefined();
		const file = makePng(spec);
		expect(decodePng(file.subarray(0, file.length - 30))).toBeUndefined();
		const corrupt = Buffer.from(file);
		corrupt.fill(0xff, 45, 60);
		expect(decodePng(corrupt)).toBeUndefined();
		expect(decodePng(Buffer.from('GIF89a....'))).toBeUndefined();
		// Declared 7×5, its data inflating to a megabyte: refused before the memory is taken.
		const bomb = makePng({ ...spec, samples: [[...Array(1 << 18).keys()].map(() => 0)] });
		expect(decodePng(bomb)).toBeUndefined();
	});
});

describe('encodePng', () => {
	it('writes an 8-bit RGB PNG that node:zlib reads back pixel for pixel', () => {
		const width = 301;
		const height = 97;
		const data = new Uint8Array(width * height * 3);
		// Flat paper, a gradient, and noise: rows where Sub wins and rows where Up wins.
		for (let i = 0; i < data.length; i++) {
			const y = Math.floor(i / (width * 3));
			data[i] = y < 30 ? 255 : y < 60 ? (i % (width * 3)) & 0xff : (i * 2654435761) >>> 24;
		}
		const file = Buffer.from(encodePng({ width, height, data }));
		const reference = readRgbPng(file);
		expect([reference.width, reference.height]).toEqual([width, height]);
		expect(Buffer.compare(reference.data, Buffer.from(data))).toBe(0);
		const ours = decodePng(file);
		expect(Buffer.compare(Buffer.from(ours!.data), Buffer.from(data))).toBe(0);
	});

	it('compresses a page of white paper to a small file', () => {
		const width = 1200;
		const height = 1600;
		const file = encodePng({ width, height, data: new Uint8Array(width * height * 3).fill(255) });
		// 5.8 MB of pixels in about 9 kB.
		expect(file.length).toBeLessThan(12_000);
		expect(readRgbPng(Buffer.from(file)).data.every((byte) => byte === 255)).toBe(true);
	});
});

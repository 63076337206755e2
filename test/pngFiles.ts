/* eslint-disable @n8n/community-nodes/no-restricted-imports */
import * as zlib from 'node:zlib';

/*
 * PNG files written with node:zlib for the decoder's tests: any colour type, bit depth and row
 * filter, so each path of the decoder reads a file it did not write itself.
 */

function chunk(type: string, body: Buffer): Buffer {
	const length = Buffer.alloc(4);
	length.writeUInt32BE(body.length);
	const typed = Buffer.concat([Buffer.from(type, 'latin1'), body]);
	const crc = Buffer.alloc(4);
	crc.writeUInt32BE(zlib.crc32(typed));
	return Buffer.concat([length, typed, crc]);
}

export interface PngSpec {
	width: number;
	height: number;
	colourType: 0 | 2 | 3 | 4 | 6;
	depth: 1 | 2 | 4 | 8 | 16;
	/** Samples row by row, one number per channel, in the depth's range. */
	samples: number[][];
	palette?: number[][];
	transparency?: Buffer;
	/** The filter type of each row (cycles); raw rows are filtered accordingly. */
	filters?: number[];
	interlaced?: boolean;
}

const CHANNELS = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };

function paeth(a: number, b: number, c: number): number {
	const p = a + b - c;
	const pa = Math.abs(p - a);
	const pb = Math.abs(p - b);
	const pc = Math.abs(p - c);
	return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

function packRow(samples: number[], depth: number): Buffer {
	if (depth === 16) {
		const row = Buffer.alloc(samples.length * 2);
		samples.forEach((value, i) => row.writeUInt16BE(value, i * 2));
		return row;
	}
	const row = Buffer.alloc(Math.ceil((samples.length * depth) / 8));
	samples.forEach((value, i) => {
		const bit = i * depth;
		row[bit >> 3] |= value << (8 - depth - (bit & 7));
	});
	return row;
}

export function makePng(spec: PngSpec): Buffer {
	const channels = CHANNELS[spec.colourType];
	const bpp = Math.max(1, (channels * spec.depth) >> 3);
	const rows = spec.samples.map((row) => packRow(row, spec.depth));
	const filters = spec.filters ?? [0];
	const filtered = rows.map((row, y) => {
		const type = filters[y % filters.length];
		const above = y > 0 ? rows[y - 1] : Buffer.alloc(row.length);
		const out = Buffer.alloc(row.length + 1);
		out[0] = type;
		for (let x = 0; x < row.length; x++) {
			const left = x >= bpp ? row[x - bpp] : 0;
			const upLeft = x >= bpp ? above[x - bpp] : 0;
			const predictor = [0, left, above[x], (left + above[x]) >> 1, paeth(left, above[x], upLeft)][
				type
			];
			out[x + 1] = (row[x] - predictor) & 0xff;
		}
		return out;
	});
	const header = Buffer.alloc(13);
	header.writeUInt32BE(spec.width, 0);
	header.writeUInt32BE(spec.height, 4);
	header[8] = spec.depth;
	header[9] = spec.colourType;
	header[12] = spec.interlaced ? 1 : 0;
	const idat = zlib.deflateSync(Buffer.concat(filtered));
	return Buffer.concat([
		Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
		chunk('IHDR', header),
		...(spec.palette ? [chunk('PLTE', Buffer.from(spec.palette.flat()))] : []),
		...(spec.transparency ? [chunk('tRNS', spec.transparency)] : []),
		// Split in two IDAT chunks, as encoders do for big images.
		chunk('IDAT', idat.subarray(0, idat.length >> 1)),
		chunk('IDAT', idat.subarray(idat.length >> 1)),
		chunk('IEND', Buffer.alloc(0)),
	]);
}

/** Reads back an 8-bit RGB PNG with node:zlib: the reference for the encoder's output. */
export function readRgbPng(file: Buffer): { width: number; height: number; data: Buffer } {
	const width = file.readUInt32BE(16);
	const height = file.readUInt32BE(20);
	if (file[24] !== 8 || file[25] !== 2) throw new Error('not an 8-bit RGB PNG');
	const idat: Buffer[] = [];
	for (let offset = 8; offset < file.length; ) {
		const length = file.readUInt32BE(offset);
		const type = file.toString('latin1', offset + 4, offset + 8);
		const body = file.subarray(offset + 8, offset + 8 + length);
		if (
			zlib.crc32(file.subarray(offset + 4, offset + 8 + length)) !==
			file.readUInt32BE(offset + 8 + length)
		)
			throw new Error(`bad CRC in ${type}`);
		if (type === 'IDAT') idat.push(body);
		offset += 12 + length;
	}
	const raw = zlib.inflateSync(Buffer.concat(idat));
	const rowBytes = width * 3;
	const data = Buffer.alloc(rowBytes * height);
	for (let y = 0; y < height; y++) {
		const type = raw[y * (rowBytes + 1)];
		for (let x = 0; x < rowBytes; x++) {
			const left = x >= 3 ? data[y * rowBytes + x - 3] : 0;
			const up = y > 0 ? data[(y - 1) * rowBytes + x] : 0;
			const upLeft = y > 0 && x >= 3 ? data[(y - 1) * rowBytes + x - 3] : 0;
			const predictor = [0, left, up, (left + up) >> 1, paeth(left, up, upLeft)][type];
			data[y * rowBytes + x] = (raw[y * (rowBytes + 1) + 1 + x] + predictor) & 0xff;
		}
	}
	return { width, height, data };
}

import { crc32 } from './checksums';
import { deflateZlib } from './deflate';
import { MAX_DECODED_PIXELS, rgbImage, type RgbImage } from './image';
import { inflateZlib } from './inflate';

/*
 * PNG (ISO 15948) decoding of the review's input, every colour type and bit depth but interlaced
 * files (rare in scans and photos: those keep the SVG picture), and encoding of the picture as
 * 8-bit RGB. Decoding returns undefined for anything it does not read, never throws.
 */

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

export const isPng = (bytes: Uint8Array) =>
	bytes.length > 8 && SIGNATURE.every((byte, i) => bytes[i] === byte);

/** Samples per pixel of each colour type: grey, RGB, palette, grey+alpha, RGBA. */
const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };

interface Header {
	width: number;
	height: number;
	depth: number;
	colourType: number;
	interlaced: boolean;
}

interface Chunks {
	header: Header;
	palette?: Uint8Array;
	transparency?: Uint8Array;
	data: Uint8Array;
}

function readChunks(bytes: Uint8Array): Chunks | undefined {
	const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
	let header: Header | undefined;
	let palette: Uint8Array | undefined;
	let transparency: Uint8Array | undefined;
	const data: Uint8Array[] = [];
	for (let offset = 8; offset + 8 <= bytes.length; ) {
		const length = view.getUint32(offset);
		const type = String.fromCharCode(...bytes.subarray(offset + 4, offset + 8));
		const body = bytes.subarray(offset + 8, offset + 8 + length);
		if (body.length !== length) return undefined;
		if (type === 'IHDR' && length >= 13) {
			header = {
				width: view.getUint32(offset + 8),
				height: view.getUint32(offset + 12),
				depth: body[8],
				colourType: body[9],
				interlaced: body[12] !== 0,
			};
		} else if (type === 'PLTE') palette = body;
		else if (type === 'tRNS') transparency = body;
		else if (type === 'IDAT') data.push(body);
		else if (type === 'IEND') break;
		offset += 12 + length;
	}
	if (!header || !data.length) return undefined;
	const joined = new Uint8Array(data.reduce((sum, part) => sum + part.length, 0));
	data.reduce((at, part) => (joined.set(part, at), at + part.length), 0);
	return { header, palette, transparency, data: joined };
}

function paeth(left: number, up: number, upLeft: number): number {
	const p = left + up - upLeft;
	const pa = Math.abs(p - left);
	const pb = Math.abs(p - up);
	const pc = Math.abs(p - upLeft);
	return pa <= pb && pa <= pc ? left : pb <= pc ? up : upLeft;
}

/** Reverses the per-row filters in place; returns false for an unknown filter type. */
function unfilter(raw: Uint8Array, rowBytes: number, height: number, bpp: number): boolean {
	// One loop per filter type: a page-sized scan is ten million bytes.
	for (let y = 0; y < height; y++) {
		const start = y * (rowBytes + 1) + 1;
		const end = start + rowBytes;
		const above = start - (rowBytes + 1);
		const filter = raw[start - 1];
		if (filter === 0) continue;
		if (filter > 4) return false;
		if (y === 0 && filter !== 1) {
			// The first row has no row above: Up is None, Average and Paeth predict from the left.
			if (filter === 2) continue;
			for (let i = start + bpp; i < end; i++)
				raw[i] = (raw[i] + (filter === 3 ? raw[i - bpp] >> 1 : raw[i - bpp])) & 0xff;
			continue;
		}
		if (filter === 1)
			for (let i = start + bpp; i < end; i++) raw[i] = (raw[i] + raw[i - bpp]) & 0xff;
		else if (filter === 2)
			for (let i = start; i < end; i++) raw[i] = (raw[i] + raw[i - rowBytes - 1]) & 0xff;
		else if (filter === 3) {
			for (let i = start; i < start + bpp; i++)
				raw[i] = (raw[i] + (raw[above + i - start] >> 1)) & 0xff;
			for (let i = start + bpp; i < end; i++)
				raw[i] = (raw[i] + ((raw[i - bpp] + raw[i - rowBytes - 1]) >> 1)) & 0xff;
		} else {
			for (let i = start; i < start + bpp; i++) raw[i] = (raw[i] + raw[i - rowBytes - 1]) & 0xff;
			for (let i = start + bpp; i < end; i++)
				raw[i] =
					(raw[i] + paeth(raw[i - bpp], raw[i - rowBytes - 1], raw[i - rowBytes - 1 - bpp])) & 0xff;
		}
	}
	return true;
}

/** Puts a colour with alpha (0..255) on white. */
const onWhite = (value: number, alpha: number) => (value * alpha + 255 * (255 - alpha) + 127) / 255;

export function decodePng(bytes: Uint8Array): RgbImage | undefined {
	if (!isPng(bytes)) return undefined;
	try {
		return decodeChunks(readChunks(bytes));
	} catch {
		// Corrupt compressed data: the review keeps its SVG, which shows what the browser makes of it.
		return undefined;
	}
}

function decodeChunks(chunks: Chunks | undefined): RgbImage | undefined {
	if (!chunks) return undefined;
	const { width, height, depth, colourType, interlaced } = chunks.header;
	const channels = CHANNELS[colourType];
	if (!channels || interlaced || ![1, 2, 4, 8, 16].includes(depth)) return undefined;
	if (!width || !height || width * height > MAX_DECODED_PIXELS) return undefined;
	const bitsPerPixel = channels * depth;
	const rowBytes = Math.ceil((width * bitsPerPixel) / 8);
	const bpp = Math.max(1, bitsPerPixel >> 3);
	// Exactly this many bytes: more would be a file crafted to exhaust memory.
	const raw = inflateZlib(chunks.data, (rowBytes + 1) * height, (rowBytes + 1) * height);
	if (raw.length < (rowBytes + 1) * height || !unfilter(raw, rowBytes, height, bpp))
		return undefined;

	const maxSample = (1 << Math.min(depth, 8)) - 1;
	/** Sample c of pixel x in the row starting at `start`, scaled to 0..255 (palette: raw index). */
	const sample = (start: number, x: number, c: number, scale: boolean): number => {
		if (depth === 8) return raw[start + x * channels + c];
		if (depth === 16) return raw[start + (x * channels + c) * 2];
		const bit = (x * channels + c) * depth;
		const value = (raw[start + (bit >> 3)] >> (8 - depth - (bit & 7))) & maxSample;
		return scale ? (value * 255) / maxSample : value;
	};
	const palette = colourType === 3 ? paletteOnWhite(chunks) : undefined;
	if (colourType === 3 && !palette) return undefined;
	const key = colourKey(chunks, colourType, depth);

	const image = rgbImage(width, height);
	const out = image.data;
	if (depth === 8 && (colourType === 2 || colourType === 6) && !key) {
		// The common case (RGB and RGBA scans and screenshots) without a call per sample.
		for (let y = 0, o = 0; y < height; y++) {
			let i = y * (rowBytes + 1) + 1;
			for (let x = 0; x < width; x++, o += 3, i += channels) {
				const alpha = channels === 4 ? raw[i + 3] : 255;
				out[o] = alpha === 255 ? raw[i] : onWhite(raw[i], alpha);
				out[o + 1] = alpha === 255 ? raw[i + 1] : onWhite(raw[i + 1], alpha);
				out[o + 2] = alpha === 255 ? raw[i + 2] : onWhite(raw[i + 2], alpha);
			}
		}
		return image;
	}
	for (let y = 0, o = 0; y < height; y++) {
		const start = y * (rowBytes + 1) + 1;
		for (let x = 0; x < width; x++, o += 3) {
			if (palette) {
				const index = sample(start, x, 0, false) * 3;
				out[o] = palette[index];
				out[o + 1] = palette[index + 1];
				out[o + 2] = palette[index + 2];
				continue;
			}
			const grey = channels < 3;
			const r = sample(start, x, 0, true);
			const g = grey ? r : sample(start, x, 1, true);
			const b = grey ? r : sample(start, x, 2, true);
			let alpha = channels === 2 || channels === 4 ? sample(start, x, channels - 1, true) : 255;
			if (key && r === key[0] && g === key[1] && b === key[2]) alpha = 0;
			out[o] = alpha === 255 ? r : onWhite(r, alpha);
			out[o + 1] = alpha === 255 ? g : onWhite(g, alpha);
			out[o + 2] = alpha === 255 ? b : onWhite(b, alpha);
		}
	}
	return image;
}

/** The palette as RGB triplets (256 entries), with tRNS alpha already put on white. */
function paletteOnWhite({ palette, transparency }: Chunks): Uint8Array | undefined {
	if (!palette || palette.length % 3) return undefined;
	const rgb = new Uint8Array(256 * 3);
	for (let i = 0; i < palette.length / 3 && i < 256; i++) {
		const alpha = transparency && i < transparency.length ? transparency[i] : 255;
		for (let c = 0; c < 3; c++) rgb[i * 3 + c] = onWhite(palette[i * 3 + c], alpha);
	}
	return rgb;
}

/** The colour tRNS makes transparent in grey and RGB images, in the 0..255 scale of `sample`. */
function colourKey(
	{ transparency }: Chunks,
	colourType: number,
	depth: number,
): number[] | undefined {
	if (!transparency || (colourType !== 0 && colourType !== 2)) return undefined;
	const values = [];
	for (let i = 0; i + 1 < transparency.length; i += 2) {
		const value = (transparency[i] << 8) | transparency[i + 1];
		values.push(
			depth === 16 ? value >> 8 : depth === 8 ? value : (value * 255) / ((1 << depth) - 1),
		);
	}
	if (colourType === 0 && values.length >= 1) return [values[0], values[0], values[0]];
	return values.length >= 3 ? values.slice(0, 3) : undefined;
}

function chunk(type: string, body: Uint8Array): Uint8Array {
	const out = new Uint8Array(body.length + 12);
	const view = new DataView(out.buffer);
	view.setUint32(0, body.length);
	for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
	out.set(body, 8);
	view.setUint32(body.length + 8, crc32(out.subarray(4, body.length + 8)));
	return out;
}

/**
 * The encoder's row filter: Up (each byte minus the one above), Sub on the first row. Up turns
 * the paper of a scan and the flat areas of the legend into runs of zeroes, which the compressor
 * shrinks to a few bits; choosing a filter per row saved little on review pictures and cost a
 * pass over every row.
 */
function filterRows({ width, height, data }: RgbImage): Uint8Array {
	const rowBytes = width * 3;
	const out = new Uint8Array((rowBytes + 1) * height);
	out[0] = 1;
	for (let x = 0; x < rowBytes; x++) out[1 + x] = x < 3 ? data[x] : data[x] - data[x - 3];
	for (let y = 1; y < height; y++) {
		const start = y * (rowBytes + 1);
		out[start] = 2;
		for (let i = y * rowBytes, o = start + 1, end = i + rowBytes; i < end; i++, o++)
			out[o] = data[i] - data[i - rowBytes];
	}
	return out;
}

/** The image as an 8-bit RGB, non-interlaced PNG file. */
export function encodePng(image: RgbImage): Uint8Array {
	const header = new Uint8Array(13);
	const view = new DataView(header.buffer);
	view.setUint32(0, image.width);
	view.setUint32(4, image.height);
	header[8] = 8; // bit depth
	header[9] = 2; // colour type: RGB
	const parts = [
		Uint8Array.from(SIGNATURE),
		chunk('IHDR', header),
		chunk('IDAT', deflateZlib(filterRows(image))),
		chunk('IEND', new Uint8Array(0)),
	];
	const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
	parts.reduce((at, part) => (out.set(part, at), at + part.length), 0);
	return out;
}

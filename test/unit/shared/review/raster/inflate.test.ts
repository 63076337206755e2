/* eslint-disable @n8n/community-nodes/no-restricted-imports */
import { randomBytes } from 'node:crypto';
import * as zlib from 'node:zlib';

import { deflateRaw, deflateZlib } from '../../../../../nodes/VlmRun/shared/review/raster/deflate';
import { inflateRaw, inflateZlib } from '../../../../../nodes/VlmRun/shared/review/raster/inflate';

/*
 * The DEFLATE decoder against node:zlib's encoder (stored, fixed and dynamic blocks), and our
 * encoder against node:zlib's decoder.
 */

const text = Buffer.from(
	Array.from({ length: 3000 }, (_, i) => `invoice ${i % 97} total ${(i * 7.31).toFixed(2)}\n`).join(
		'',
	),
);
/** Rows like a filtered scan: long runs of one byte with some noise. */
const scanLike = Buffer.from(
	Array.from({ length: 200_000 }, (_, i) => (i % 997 < 900 ? 0 : (i * 31) % 256)),
);
/** Jest's toEqual walks big buffers element by element (seconds a megabyte); compare them here. */
function expectSameBytes(actual: Uint8Array, expected: Uint8Array): void {
	expect(actual.length).toBe(expected.length);
	expect(
		Buffer.compare(Buffer.from(actual.buffer, actual.byteOffset, actual.length), expected),
	).toBe(0);
}

const samples: Array<[string, Buffer]> = [
	['empty', Buffer.alloc(0)],
	['one byte', Buffer.from([42])],
	['random', randomBytes(100_000)],
	['text', text],
	['scan-like rows', scanLike],
	['a megabyte of zeros', Buffer.alloc(1 << 20)],
];

describe('inflate', () => {
	it.each(samples)('decodes stored blocks (level 0): %s', (_, data) => {
		const compressed = zlib.deflateSync(data, { level: 0 });
		expectSameBytes(inflateZlib(compressed), data);
	});

	it.each(samples)('decodes fixed Huffman blocks: %s', (_, data) => {
		const compressed = zlib.deflateRawSync(data, { strategy: zlib.constants.Z_FIXED });
		expectSameBytes(inflateRaw(compressed), data);
	});

	it.each(samples)('decodes dynamic Huffman blocks (levels 1, 6, 9): %s', (_, data) => {
		for (const level of [1, 6, 9]) {
			const compressed = zlib.deflateSync(data, { level });
			expectSameBytes(inflateZlib(compressed, data.length), data);
		}
	});

	it('decodes a stream mixing block types (flushes between writes)', () => {
		const deflater = zlib.createDeflate();
		const parts: Buffer[] = [];
		deflater.on('data', (chunk: Buffer) => parts.push(chunk));
		const pieces = [text.subarray(0, 5000), randomBytes(3000), scanLike.subarray(0, 50_000)];
		return new Promise<void>((resolve) => {
			deflater.write(pieces[0]);
			deflater.flush(zlib.constants.Z_FULL_FLUSH, () => {
				deflater.params(0, zlib.constants.Z_DEFAULT_STRATEGY, () => {
					deflater.write(pieces[1]);
					deflater.flush(zlib.constants.Z_FULL_FLUSH, () => {
						deflater.params(9, zlib.constants.Z_DEFAULT_STRATEGY, () => {
							deflater.end(pieces[2]);
						});
					});
				});
			});
			deflater.on('end', () => {
				expectSameBytes(inflateZlib(Buffer.concat(parts)), Buffer.concat(pieces));
				resolve();
			});
		});
	});

	it('refuses data that is not zlib, and corrupt or truncated streams', () => {
		expect(() => inflateZlib(Buffer.from('not zlib at all'))).toThrow('not zlib DEFLATE data');
		const compressed = zlib.deflateSync(text);
		expect(() => inflateZlib(compressed.subarray(0, compressed.length / 2))).toThrow(
			'DEFLATE data ends early',
		);
		const reservedType = Buffer.from([0x78, 0x01, 0b111]);
		expect(() => inflateZlib(reservedType)).toThrow('invalid DEFLATE block type');
		const badStored = Buffer.from([0x78, 0x01, 0b001, 5, 0, 5, 0]);
		expect(() => inflateZlib(badStored)).toThrow('corrupt stored DEFLATE block');
		// A kilobyte that inflates to a megabyte, where a thousand bytes were expected.
		const bomb = zlib.deflateSync(Buffer.alloc(1 << 20));
		expect(() => inflateZlib(bomb, 1000, 1000)).toThrow('DEFLATE data larger than expected');
	});
});

describe('deflate', () => {
	it.each(samples)('compresses so that node:zlib restores the bytes: %s', (_, data) => {
		expectSameBytes(zlib.inflateSync(deflateZlib(data)), data);
		expectSameBytes(zlib.inflateRawSync(deflateRaw(data)), data);
	});

	it('compresses nearly as well as zlib, and grows random data by at most 1/8', () => {
		// Within a quarter of zlib's default level (1,039, 17,791 and 2,149 bytes here).
		expect(deflateZlib(Buffer.alloc(1 << 20)).length).toBeLessThan(1300);
		expect(deflateZlib(text).length).toBeLessThan(22_000);
		expect(deflateZlib(scanLike).length).toBeLessThan(2700);
		expect(deflateZlib(randomBytes(10_000)).length).toBeLessThanOrEqual(11_250 + 16);
	});

	it('round-trips through our own decoder', () => {
		expectSameBytes(inflateZlib(deflateZlib(scanLike)), scanLike);
	});
});

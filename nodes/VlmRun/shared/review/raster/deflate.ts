import { adler32 } from './checksums';
import { DISTANCE_BASE, DISTANCE_EXTRA, LENGTH_BASE, LENGTH_EXTRA } from './inflate';

/*
 * A small DEFLATE compressor for the review PNG: LZ77 matches found through hash chains, written
 * with the fixed Huffman code (one block). Dynamic codes would save some more bytes; filtered scan
 * rows are mostly long runs that matches already shrink to a few bits per 258 bytes, so a
 * page-sized picture stays a few hundred kilobytes, not the tens of megabytes of stored blocks.
 */

const WINDOW = 32768;
const HASH_BITS = 15;
const MIN_MATCH = 3;
const MAX_MATCH = 258;
/** How many earlier positions with the same 3-byte hash are tried: speed against size. */
const MAX_CHAIN = 16;
/** Positions inside a match longer than this are not indexed, so long runs cost little hashing. */
const INDEX_MATCHES_UP_TO = 32;

function reverseBits(code: number, length: number): number {
	let reversed = 0;
	for (let i = 0; i < length; i++) reversed |= ((code >> i) & 1) << (length - 1 - i);
	return reversed;
}

/** The fixed literal/length code (RFC 1951 §3.2.6), bit-reversed for LSB-first output. */
const FIXED = (() => {
	const code = new Int32Array(288);
	const length = new Uint8Array(288);
	for (let symbol = 0; symbol < 288; symbol++) {
		const [base, first, bits] =
			symbol < 144
				? [0x30, 0, 8]
				: symbol < 256
					? [0x190, 144, 9]
					: symbol < 280
						? [0, 256, 7]
						: [0xc0, 280, 8];
		code[symbol] = reverseBits(base + symbol - first, bits);
		length[symbol] = bits;
	}
	return { code, length };
})();

/** Length 3..258 → its length symbol's index (0..28). */
const LENGTH_INDEX = (() => {
	const index = new Uint8Array(MAX_MATCH + 1);
	for (let i = 0; i < 29; i++) index.fill(i, LENGTH_BASE[i], MAX_MATCH + 1);
	return index;
})();

/** Distance 1..32768 → its distance symbol (0..29). */
const DISTANCE_SYMBOL = (() => {
	const symbol = new Uint8Array(WINDOW + 1);
	for (let i = 0; i < 30; i++) symbol.fill(i, DISTANCE_BASE[i], WINDOW + 1);
	return symbol;
})();

/** Raw DEFLATE data of the bytes. */
export function deflateRaw(data: Uint8Array): Uint8Array {
	// At most 9 bits a byte (a literal); a match spends fewer bits than its bytes would.
	const out = new Uint8Array(Math.ceil((data.length * 9) / 8) + 16);
	let written = 0;
	let buffer = 0;
	let count = 0;
	const put = (value: number, bits: number) => {
		buffer |= value << count;
		count += bits;
		while (count >= 8) {
			out[written++] = buffer & 0xff;
			buffer >>>= 8;
			count -= 8;
		}
	};
	const literal = (symbol: number) => put(FIXED.code[symbol], FIXED.length[symbol]);

	put(1, 1); // the last block
	put(1, 2); // fixed Huffman codes
	const head = new Int32Array(1 << HASH_BITS).fill(-1);
	const previous = new Int32Array(WINDOW);
	const hashAt = (i: number) =>
		Math.imul((data[i] << 16) | (data[i + 1] << 8) | data[i + 2], 0x9e3779b1) >>> (32 - HASH_BITS);
	const index = (i: number) => {
		const hash = hashAt(i);
		previous[i & (WINDOW - 1)] = head[hash];
		head[hash] = i;
	};
	const end = data.length;
	for (let i = 0; i < end; ) {
		let bestLength = 0;
		let bestDistance = 0;
		if (i + MIN_MATCH <= end) {
			const limit = Math.min(MAX_MATCH, end - i);
			let candidate = head[hashAt(i)];
			for (let chain = MAX_CHAIN; candidate >= 0 && i - candidate <= WINDOW && chain > 0; chain--) {
				if (data[candidate + bestLength] === data[i + bestLength]) {
					let length = 0;
					while (length < limit && data[candidate + length] === data[i + length]) length++;
					if (length > bestLength) {
						bestLength = length;
						bestDistance = i - candidate;
						if (length === limit) break;
					}
				}
				candidate = previous[candidate & (WINDOW - 1)];
			}
			index(i);
		}
		if (bestLength < MIN_MATCH) {
			literal(data[i++]);
			continue;
		}
		const lengthIndex = LENGTH_INDEX[bestLength];
		literal(257 + lengthIndex);
		put(bestLength - LENGTH_BASE[lengthIndex], LENGTH_EXTRA[lengthIndex]);
		const distanceSymbol = DISTANCE_SYMBOL[bestDistance];
		put(reverseBits(distanceSymbol, 5), 5);
		put(bestDistance - DISTANCE_BASE[distanceSymbol], DISTANCE_EXTRA[distanceSymbol]);
		// A long match indexes only its last position, which keeps the next match of a run near.
		const from = bestLength <= INDEX_MATCHES_UP_TO ? i + 1 : i + bestLength - 1;
		for (let j = from; j < i + bestLength && j + MIN_MATCH <= end; j++) index(j);
		i += bestLength;
	}
	literal(256);
	if (count > 0) out[written++] = buffer & 0xff;
	return out.subarray(0, written);
}

/** zlib data (header, DEFLATE, Adler-32) of the bytes, as a PNG's IDAT holds it. */
export function deflateZlib(data: Uint8Array): Uint8Array {
	const raw = deflateRaw(data);
	const out = new Uint8Array(raw.length + 6);
	// CMF 0x78: DEFLATE with a 32 KiB window; FLG 0x01 makes the header a multiple of 31.
	out[0] = 0x78;
	out[1] = 0x01;
	out.set(raw, 2);
	const adler = adler32(data);
	out[raw.length + 2] = adler >>> 24;
	out[raw.length + 3] = (adler >>> 16) & 0xff;
	out[raw.length + 4] = (adler >>> 8) & 0xff;
	out[raw.length + 5] = adler & 0xff;
	return out;
}

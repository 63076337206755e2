import { adler32 } from './checksums';
import { canonicalCodes, codeLengths } from './huffmanCodes';
import { DISTANCE_BASE, DISTANCE_EXTRA, LENGTH_BASE, LENGTH_EXTRA } from './inflate';

/*
 * A small DEFLATE compressor for the review PNG: LZ77 matches found through hash chains, written
 * in blocks of BLOCK_TOKENS tokens, each with Huffman codes built for its own symbols (dynamic
 * blocks). Filtered rows of a scan are mostly long runs, which matches shrink to a few bits per
 * 258 bytes; the residue of a photo or a JPEG's ringing is small numbers, which the block's own
 * code writes in fewer than 8 bits. A page-sized picture is a few hundred kilobytes to a couple
 * of megabytes, not the tens of megabytes of stored blocks.
 */

const WINDOW = 32768;
const HASH_BITS = 15;
const MIN_MATCH = 3;
const MAX_MATCH = 258;
/** How many earlier positions with the same 3-byte hash are tried: speed against size. */
const MAX_CHAIN = 8;
/** Literals in a row after which the search for matches thins out. */
const MISSES_BEFORE_SKIPPING = 128;
/** Positions inside a match longer than this are not indexed, so long runs cost little hashing. */
const INDEX_MATCHES_UP_TO = 32;
/** Tokens (literals and matches) per block: codes follow the picture's parts; memory stays small. */
const BLOCK_TOKENS = 1 << 16;
const END_OF_BLOCK = 256;
/** The order in which a dynamic block lists the code lengths of the code-length alphabet. */
const CODE_LENGTH_ORDER = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15];

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

class BitWriter {
	out: Uint8Array;
	written = 0;
	private buffer = 0;
	private count = 0;

	constructor(capacity: number) {
		this.out = new Uint8Array(capacity);
	}

	reserve(bytes: number): void {
		if (this.written + bytes <= this.out.length) return;
		const grown = new Uint8Array(Math.max(this.out.length * 2, this.written + bytes));
		grown.set(this.out.subarray(0, this.written));
		this.out = grown;
	}

	put(value: number, bits: number): void {
		this.buffer |= value << this.count;
		this.count += bits;
		while (this.count >= 8) {
			this.out[this.written++] = this.buffer & 0xff;
			this.buffer >>>= 8;
			this.count -= 8;
		}
	}

	finish(): Uint8Array {
		if (this.count > 0) this.out[this.written++] = this.buffer & 0xff;
		return this.out.subarray(0, this.written);
	}
}

/** The code lengths of both codes, run-length coded with symbols 16-18, as a block header. */
function lengthSymbols(lengths: Uint8Array): Array<[number, number]> {
	const symbols: Array<[number, number]> = []; // [symbol, extra bits value]
	for (let i = 0; i < lengths.length; ) {
		const value = lengths[i];
		let run = 1;
		while (i + run < lengths.length && lengths[i + run] === value) run++;
		i += run;
		if (value === 0) {
			for (; run >= 11; run -= Math.min(run, 138)) symbols.push([18, Math.min(run, 138) - 11]);
			if (run >= 3) symbols.push([17, run - 3]);
			else for (; run > 0; run--) symbols.push([0, 0]);
			continue;
		}
		symbols.push([value, 0]);
		for (run--; run >= 3; run -= Math.min(run, 6)) symbols.push([16, Math.min(run, 6) - 3]);
		for (; run > 0; run--) symbols.push([value, 0]);
	}
	return symbols;
}

const EXTRA_BITS: Record<number, number> = { 16: 2, 17: 3, 18: 7 };

/** Writes one dynamic block of the tokens (length/literal, distance 0 for a literal). */
function writeBlock(
	writer: BitWriter,
	lengthOrLiteral: Uint16Array,
	distance: Uint16Array,
	tokens: number,
	last: boolean,
): void {
	const literalFrequency = new Uint32Array(286);
	const distanceFrequency = new Uint32Array(30);
	for (let t = 0; t < tokens; t++) {
		if (!distance[t]) literalFrequency[lengthOrLiteral[t]]++;
		else {
			literalFrequency[257 + LENGTH_INDEX[lengthOrLiteral[t]]]++;
			distanceFrequency[DISTANCE_SYMBOL[distance[t]]]++;
		}
	}
	literalFrequency[END_OF_BLOCK] = 1;
	// Two codes at least in each tree keep both complete (a lone code is a special case decoders
	// treat differently).
	if (literalFrequency.filter(Boolean).length < 2) literalFrequency[0] ||= 1;
	if (distanceFrequency.filter(Boolean).length < 2) {
		distanceFrequency[0] ||= 1;
		distanceFrequency[1] ||= 1;
	}
	const literalLengths = codeLengths(literalFrequency, 15);
	const distanceLengths = codeLengths(distanceFrequency, 15);
	let literalCount = 286;
	while (literalCount > 257 && !literalLengths[literalCount - 1]) literalCount--;
	let distanceCount = 30;
	while (distanceCount > 1 && !distanceLengths[distanceCount - 1]) distanceCount--;
	const header = lengthSymbols(
		Uint8Array.from([
			...literalLengths.subarray(0, literalCount),
			...distanceLengths.subarray(0, distanceCount),
		]),
	);
	const headerFrequency = new Uint32Array(19);
	for (const [symbol] of header) headerFrequency[symbol]++;
	const headerLengths = codeLengths(headerFrequency, 7);
	const headerCodes = canonicalCodes(headerLengths);
	let headerCount = 19;
	while (headerCount > 4 && !headerLengths[CODE_LENGTH_ORDER[headerCount - 1]]) headerCount--;

	// 48 bits at most a token (15 + 5 length, 15 + 13 distance), and the header.
	writer.reserve(tokens * 6 + 512);
	writer.put(last ? 1 : 0, 1);
	writer.put(2, 2); // dynamic Huffman codes
	writer.put(literalCount - 257, 5);
	writer.put(distanceCount - 1, 5);
	writer.put(headerCount - 4, 4);
	for (let i = 0; i < headerCount; i++) writer.put(headerLengths[CODE_LENGTH_ORDER[i]], 3);
	for (const [symbol, extra] of header) {
		writer.put(headerCodes[symbol], headerLengths[symbol]);
		if (symbol >= 16) writer.put(extra, EXTRA_BITS[symbol]);
	}
	const literalCodes = canonicalCodes(literalLengths);
	const distanceCodes = canonicalCodes(distanceLengths);
	for (let t = 0; t < tokens; t++) {
		const value = lengthOrLiteral[t];
		const back = distance[t];
		if (!back) {
			writer.put(literalCodes[value], literalLengths[value]);
			continue;
		}
		const index = LENGTH_INDEX[value];
		writer.put(literalCodes[257 + index], literalLengths[257 + index]);
		writer.put(value - LENGTH_BASE[index], LENGTH_EXTRA[index]);
		const symbol = DISTANCE_SYMBOL[back];
		writer.put(distanceCodes[symbol], distanceLengths[symbol]);
		writer.put(back - DISTANCE_BASE[symbol], DISTANCE_EXTRA[symbol]);
	}
	writer.put(literalCodes[END_OF_BLOCK], literalLengths[END_OF_BLOCK]);
}

/** Raw DEFLATE data of the bytes. */
export function deflateRaw(data: Uint8Array): Uint8Array {
	const writer = new BitWriter((data.length >> 1) + 1024);
	const lengthOrLiteral = new Uint16Array(BLOCK_TOKENS);
	const distance = new Uint16Array(BLOCK_TOKENS);
	let tokens = 0;
	const token = (value: number, back: number) => {
		lengthOrLiteral[tokens] = value;
		distance[tokens++] = back;
		if (tokens === BLOCK_TOKENS) {
			writeBlock(writer, lengthOrLiteral, distance, tokens, false);
			tokens = 0;
		}
	};

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
	let misses = 0;
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
			token(data[i++], 0);
			// Past a long stretch without matches (photo grain), look for one less often: each
			// search there costs more than the bytes it would save.
			if (++misses > MISSES_BEFORE_SKIPPING && i < end) {
				const skip = Math.min(end - i, misses >> 6);
				for (let j = 0; j < skip; j++) token(data[i++], 0);
			}
			continue;
		}
		misses = 0;
		token(bestLength, bestDistance);
		// A long match indexes only its last position, which keeps the next match of a run near.
		const from = bestLength <= INDEX_MATCHES_UP_TO ? i + 1 : i + bestLength - 1;
		for (let j = from; j < i + bestLength && j + MIN_MATCH <= end; j++) index(j);
		i += bestLength;
	}
	writeBlock(writer, lengthOrLiteral, distance, tokens, true);
	return writer.finish();
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

/*
 * A DEFLATE (RFC 1951) decoder inside a zlib (RFC 1950) wrapper, for the IDAT data of PNG inputs.
 * Shipped code may not import node:zlib (n8n's community-node rules allow n8n-workflow, zod and
 * crypto only), so the review picture decodes PNGs itself. Huffman codes are read through one
 * lookup table per code (indexed by the next maxBits input bits), which is what keeps a page-sized
 * scan well under a tenth of a second.
 */

/** Base lengths and extra bits of length symbols 257..285. */
export const LENGTH_BASE = [
	3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131,
	163, 195, 227, 258,
];
export const LENGTH_EXTRA = [
	0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0,
];
/** Base distances and extra bits of distance symbols 0..29. */
export const DISTANCE_BASE = [
	1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049,
	3073, 4097, 6145, 8193, 12289, 16385, 24577,
];
export const DISTANCE_EXTRA = [
	0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13,
];
/** The order in which a dynamic block lists the code lengths of the code-length alphabet. */
const CODE_LENGTH_ORDER = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15];

/** Each entry: symbol << 4 | code length; indexed by the next `bits` input bits (LSB first). */
interface Huffman {
	table: Int32Array;
	bits: number;
}

/** Builds the lookup table of a canonical Huffman code from its code lengths (0 = unused). */
function huffman(lengths: ArrayLike<number>): Huffman {
	let bits = 0;
	const count = new Int32Array(16);
	for (let i = 0; i < lengths.length; i++) {
		count[lengths[i]]++;
		if (lengths[i] > bits) bits = lengths[i];
	}
	count[0] = 0;
	const next = new Int32Array(16);
	for (let length = 1, code = 0; length <= 15; length++) {
		code = (code + count[length - 1]) << 1;
		next[length] = code;
	}
	const size = 1 << Math.max(bits, 1);
	const table = new Int32Array(size);
	for (let symbol = 0; symbol < lengths.length; symbol++) {
		const length = lengths[symbol];
		if (!length) continue;
		const code = next[length]++;
		// Huffman codes are stored most significant bit first; the table is indexed LSB first.
		let reversed = 0;
		for (let i = 0; i < length; i++) reversed |= ((code >> i) & 1) << (length - 1 - i);
		for (let index = reversed; index < size; index += 1 << length)
			table[index] = (symbol << 4) | length;
	}
	return { table, bits: Math.max(bits, 1) };
}

let fixedCodes: { literal: Huffman; distance: Huffman } | undefined;

function fixed() {
	if (!fixedCodes) {
		const lengths = new Uint8Array(288);
		lengths.fill(8, 0, 144);
		lengths.fill(9, 144, 256);
		lengths.fill(7, 256, 280);
		lengths.fill(8, 280, 288);
		fixedCodes = { literal: huffman(lengths), distance: huffman(new Uint8Array(30).fill(5)) };
	}
	return fixedCodes;
}

class Inflater {
	private position = 0;
	private bitBuffer = 0;
	private bitCount = 0;
	out: Uint8Array;
	length = 0;

	constructor(
		private readonly input: Uint8Array,
		start: number,
		expectedSize: number,
		private readonly maxSize: number,
	) {
		this.position = start;
		this.out = new Uint8Array(Math.max(Math.min(expectedSize, maxSize), 1024));
	}

	private need(count: number): void {
		while (this.bitCount < count) {
			if (this.position >= this.input.length) {
				// Zero bits past the end let the last code decode; reading far past it is corrupt data.
				if (this.position > this.input.length + 4) throw new Error('DEFLATE data ends early');
				this.bitCount += 8;
				this.position++;
				continue;
			}
			this.bitBuffer |= this.input[this.position++] << this.bitCount;
			this.bitCount += 8;
		}
	}

	bits(count: number): number {
		if (count === 0) return 0;
		this.need(count);
		const value = this.bitBuffer & ((1 << count) - 1);
		this.bitBuffer >>>= count;
		this.bitCount -= count;
		return value;
	}

	decode(code: Huffman): number {
		this.need(code.bits);
		const entry = code.table[this.bitBuffer & ((1 << code.bits) - 1)];
		const length = entry & 15;
		if (!length) throw new Error('invalid Huffman code in DEFLATE data');
		this.bitBuffer >>>= length;
		this.bitCount -= length;
		return entry >> 4;
	}

	private reserve(extra: number): void {
		if (this.length + extra <= this.out.length) return;
		if (this.length + extra > this.maxSize) throw new Error('DEFLATE data larger than expected');
		const grown = new Uint8Array(Math.max(this.out.length * 2, this.length + extra));
		grown.set(this.out.subarray(0, this.length));
		this.out = grown;
	}

	stored(): void {
		// A stored block starts at a byte boundary: drop the rest of the current byte.
		this.bitBuffer = 0;
		this.position -= this.bitCount >> 3;
		this.bitCount = 0;
		if (this.position + 4 > this.input.length) throw new Error('DEFLATE data ends early');
		const size = this.input[this.position] | (this.input[this.position + 1] << 8);
		const check = this.input[this.position + 2] | (this.input[this.position + 3] << 8);
		if ((size ^ 0xffff) !== check) throw new Error('corrupt stored DEFLATE block');
		this.position += 4;
		if (this.position + size > this.input.length) throw new Error('DEFLATE data ends early');
		this.reserve(size);
		this.out.set(this.input.subarray(this.position, this.position + size), this.length);
		this.length += size;
		this.position += size;
	}

	compressed(literal: Huffman, distance: Huffman): void {
		for (;;) {
			const symbol = this.decode(literal);
			if (symbol < 256) {
				if (this.length >= this.out.length) this.reserve(1);
				this.out[this.length++] = symbol;
				continue;
			}
			if (symbol === 256) return;
			const lengthIndex = symbol - 257;
			if (lengthIndex >= 29) throw new Error('invalid length symbol in DEFLATE data');
			const size = LENGTH_BASE[lengthIndex] + this.bits(LENGTH_EXTRA[lengthIndex]);
			const distanceSymbol = this.decode(distance);
			if (distanceSymbol >= 30) throw new Error('invalid distance symbol in DEFLATE data');
			const back = DISTANCE_BASE[distanceSymbol] + this.bits(DISTANCE_EXTRA[distanceSymbol]);
			if (back > this.length) throw new Error('DEFLATE distance reaches before the data');
			this.reserve(size);
			const out = this.out;
			let from = this.length - back;
			const end = this.length + size;
			// Byte by byte: a copy may overlap what it writes (distance < length repeats a run).
			for (let to = this.length; to < end; to++) out[to] = out[from++];
			this.length = end;
		}
	}

	dynamicCodes(): { literal: Huffman; distance: Huffman } {
		const literalCount = this.bits(5) + 257;
		const distanceCount = this.bits(5) + 1;
		const codeLengthCount = this.bits(4) + 4;
		const codeLengthLengths = new Uint8Array(19);
		for (let i = 0; i < codeLengthCount; i++)
			codeLengthLengths[CODE_LENGTH_ORDER[i]] = this.bits(3);
		const codeLengths = huffman(codeLengthLengths);
		const lengths = new Uint8Array(literalCount + distanceCount);
		for (let i = 0; i < lengths.length; ) {
			const symbol = this.decode(codeLengths);
			if (symbol < 16) {
				lengths[i++] = symbol;
				continue;
			}
			let repeat: number;
			let value = 0;
			if (symbol === 16) {
				if (i === 0) throw new Error('DEFLATE code lengths repeat nothing');
				value = lengths[i - 1];
				repeat = 3 + this.bits(2);
			} else if (symbol === 17) repeat = 3 + this.bits(3);
			else repeat = 11 + this.bits(7);
			if (i + repeat > lengths.length) throw new Error('too many DEFLATE code lengths');
			lengths.fill(value, i, i + repeat);
			i += repeat;
		}
		return {
			literal: huffman(lengths.subarray(0, literalCount)),
			distance: huffman(lengths.subarray(literalCount)),
		};
	}

	run(): Uint8Array {
		for (let last = 0; !last; ) {
			last = this.bits(1);
			const type = this.bits(2);
			if (type === 0) this.stored();
			else if (type === 1) this.compressed(fixed().literal, fixed().distance);
			else if (type === 2) {
				const { literal, distance } = this.dynamicCodes();
				this.compressed(literal, distance);
			} else throw new Error('invalid DEFLATE block type');
		}
		return this.out.subarray(0, this.length);
	}
}

/**
 * Raw DEFLATE data → bytes. `expectedSize` sizes the first buffer; more than `maxSize` bytes (a
 * small file that inflates to gigabytes) is an error. Throws on corrupt data.
 */
export function inflateRaw(
	data: Uint8Array,
	expectedSize = data.length * 4,
	maxSize = Number.MAX_SAFE_INTEGER,
): Uint8Array {
	return new Inflater(data, 0, expectedSize, maxSize).run();
}

/**
 * zlib data (as in a PNG's IDAT chunks) → bytes. The Adler-32 trailer is not checked: the PNG
 * chunks' CRCs already cover the data, and a picture for a person tolerates what a checksum would
 * refuse.
 */
export function inflateZlib(
	data: Uint8Array,
	expectedSize?: number,
	maxSize = Number.MAX_SAFE_INTEGER,
): Uint8Array {
	if (data.length < 2) throw new Error('zlib data ends early');
	const [cmf, flg] = data;
	if ((cmf & 15) !== 8 || ((cmf << 8) | flg) % 31 !== 0) throw new Error('not zlib DEFLATE data');
	if (flg & 0x20) throw new Error('zlib preset dictionaries are not supported');
	return new Inflater(data, 2, expectedSize ?? data.length * 4, maxSize).run();
}

/*
 * Entropy-coded JPEG data: the bit reader (with 0xFF00 byte stuffing and markers inside scans) and
 * Huffman tables looked up through the next 16 bits at once, one array read per code.
 */

export type HuffmanTable = Int32Array;

/**
 * A Huffman table from a DHT segment's 16 code counts and its symbols: entry (code padded to 16
 * bits) = length << 8 | symbol; 0 where no code starts.
 */
export function huffmanTable(counts: Uint8Array, symbols: Uint8Array): HuffmanTable {
	const table = new Int32Array(1 << 16);
	let code = 0;
	let k = 0;
	for (let length = 1; length <= 16; length++) {
		for (let i = 0; i < counts[length - 1]; i++, k++) {
			const start = code << (16 - length);
			const end = (code + 1) << (16 - length);
			if (end > table.length || k >= symbols.length) throw new Error('invalid JPEG Huffman table');
			table.fill((length << 8) | symbols[k], start, end);
			code++;
		}
		code <<= 1;
	}
	return table;
}

export class BitReader {
	private buffer = 0;
	private count = 0;
	/** Set once a marker ends the entropy-coded data: zero bits are read from then on. */
	private atMarker = false;

	constructor(
		private readonly data: Uint8Array,
		public position: number,
	) {}

	private fill(): void {
		while (this.count <= 24) {
			let byte = 0;
			if (!this.atMarker && this.position < this.data.length) {
				byte = this.data[this.position];
				if (byte === 0xff) {
					const next = this.data[this.position + 1];
					if (next === 0) this.position += 2;
					else {
						this.atMarker = true;
						byte = 0;
					}
				} else this.position++;
			}
			this.buffer = (this.buffer << 8) | byte;
			this.count += 8;
		}
	}

	bits(length: number): number {
		if (length === 0) return 0;
		this.fill();
		this.count -= length;
		return (this.buffer >>> this.count) & ((1 << length) - 1);
	}

	bit(): number {
		return this.bits(1);
	}

	decode(table: HuffmanTable): number {
		this.fill();
		const entry = table[(this.buffer >>> (this.count - 16)) & 0xffff];
		if (!entry) throw new Error('invalid Huffman code in JPEG data');
		this.count -= entry >> 8;
		return entry & 0xff;
	}

	/** A coefficient of `length` bits, sign-extended as JPEG codes them (F.2.2.1's EXTEND). */
	receiveExtend(length: number): number {
		if (length === 0) return 0;
		const value = this.bits(length);
		return value < 1 << (length - 1) ? value - (1 << length) + 1 : value;
	}

	/** Skips to the restart marker that should come next and past it; false if there is none. */
	restart(): boolean {
		this.buffer = 0;
		this.count = 0;
		this.atMarker = false;
		const marker = nextMarker(this.data, this.position);
		if (marker < 0 || this.data[marker + 1] < 0xd0 || this.data[marker + 1] > 0xd7) return false;
		this.position = marker + 2;
		return true;
	}
}

/** The offset of the next marker (0xFF, then neither 0x00 nor 0xFF) at or after `from`, or -1. */
export function nextMarker(data: Uint8Array, from: number): number {
	for (let i = from; i + 1 < data.length; i++) {
		if (data[i] === 0xff && data[i + 1] !== 0 && data[i + 1] !== 0xff) return i;
	}
	return -1;
}

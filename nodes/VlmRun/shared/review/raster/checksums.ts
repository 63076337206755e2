/*
 * The two checksums a PNG file carries: CRC-32 over each chunk and Adler-32 at the end of its zlib
 * stream. Written out because shipped code may not import node:zlib.
 */

const CRC_TABLE = (() => {
	const table = new Int32Array(256);
	for (let n = 0; n < 256; n++) {
		let c = n;
		for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
		table[n] = c;
	}
	return table;
})();

/** CRC-32 (ISO 3309, as PNG uses it) of the bytes. */
export function crc32(bytes: Uint8Array): number {
	let crc = -1;
	for (let i = 0; i < bytes.length; i++) crc = CRC_TABLE[(crc ^ bytes[i]) & 0xff] ^ (crc >>> 8);
	return (crc ^ -1) >>> 0;
}

/** Adler-32 (RFC 1950) of the bytes. */
export function adler32(bytes: Uint8Array): number {
	let a = 1;
	let b = 0;
	// The modulo once per 5552 bytes (RFC 1950's NMAX) instead of per byte: the sums stay small
	// integers in between.
	for (let start = 0; start < bytes.length; start += 5552) {
		const end = Math.min(start + 5552, bytes.length);
		for (let i = start; i < end; i++) {
			a += bytes[i];
			b += a;
		}
		a %= 65521;
		b %= 65521;
	}
	return ((b << 16) | a) >>> 0;
}

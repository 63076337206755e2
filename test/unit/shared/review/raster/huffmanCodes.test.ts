import {
	canonicalCodes,
	codeLengths,
} from '../../../../../nodes/VlmRun/shared/review/raster/huffmanCodes';

/* The encoder's Huffman codes: optimal where allowed, limited to DEFLATE's lengths, complete. */

const kraft = (lengths: Uint8Array) =>
	Array.from(lengths).reduce((sum, length) => sum + (length ? 2 ** -length : 0), 0);

describe('codeLengths', () => {
	it('gives frequent symbols short codes and makes a complete code', () => {
		const lengths = codeLengths([50, 25, 12, 6, 3, 2, 0, 2], 15);
		expect(Array.from(lengths)).toEqual([1, 2, 3, 4, 5, 6, 0, 6]);
		expect(kraft(lengths)).toBe(1);
	});

	it('keeps every code within the limit when the frequencies would make a deeper tree', () => {
		// Fibonacci frequencies make a Huffman tree as deep as there are symbols.
		const fibonacci = [1, 1];
		while (fibonacci.length < 30) fibonacci.push(fibonacci.at(-1)! + fibonacci.at(-2)!);
		expect(Math.max(...codeLengths(fibonacci, 40))).toBe(29);
		const limited = codeLengths(fibonacci, 15);
		expect(Math.max(...limited)).toBeLessThanOrEqual(15);
		expect(kraft(limited)).toBe(1);
	});

	it('gives a lone symbol a one-bit code', () => {
		expect(Array.from(codeLengths([0, 7, 0], 15))).toEqual([0, 1, 0]);
	});
});

describe('canonicalCodes', () => {
	it('numbers codes of each length in symbol order, bit-reversed (RFC 1951 §3.2.2 example)', () => {
		// A-H with lengths 3,3,3,3,3,2,4,4 get 010,011,100,101,110,00,1110,1111.
		const codes = canonicalCodes(Uint8Array.from([3, 3, 3, 3, 3, 2, 4, 4]));
		const reverse = (code: number, length: number) =>
			parseInt(code.toString(2).padStart(length, '0').split('').reverse().join(''), 2);
		expect(Array.from(codes)).toEqual(
			[
				[0b010, 3],
				[0b011, 3],
				[0b100, 3],
				[0b101, 3],
				[0b110, 3],
				[0b00, 2],
				[0b1110, 4],
				[0b1111, 4],
			].map(([code, length]) => reverse(code, length)),
		);
	});
});

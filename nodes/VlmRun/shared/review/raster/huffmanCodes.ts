/*
 * Huffman codes for the DEFLATE encoder's dynamic blocks: code lengths from symbol frequencies,
 * limited to DEFLATE's maximum length, and the canonical codes those lengths define (RFC 1951
 * §3.2.2), bit-reversed for LSB-first output.
 */

/** Code lengths (0 for unused symbols) of a Huffman code for `frequencies`, none above maxBits. */
export function codeLengths(frequencies: ArrayLike<number>, maxBits: number): Uint8Array {
	const count = frequencies.length;
	let weights = Array.from(frequencies);
	for (;;) {
		const lengths = huffmanLengths(weights, count);
		if (lengths.every((length) => length <= maxBits)) return lengths;
		// Too deep: flatten the rare symbols' weights and build again (a few rounds at most).
		weights = weights.map((weight) => (weight ? Math.max(1, weight >> 1) : 0));
	}
}

function huffmanLengths(weights: number[], count: number): Uint8Array {
	const lengths = new Uint8Array(count);
	const used = weights.flatMap((weight, symbol) => (weight ? [symbol] : []));
	if (used.length === 1) lengths[used[0]] = 1;
	if (used.length <= 1) return lengths;
	// Tree nodes: leaves first, then merged nodes; parent links give each leaf's depth.
	const weight = used.map((symbol) => weights[symbol]);
	const parent: number[] = [];
	const queue = used.map((_, node) => node).sort((a, b) => weight[a] - weight[b]);
	const merged: number[] = [];
	// Two sorted queues (leaves, merged nodes) give the two lightest nodes without a heap.
	const takeLightest = () =>
		merged.length && (!queue.length || weight[merged[0]] < weight[queue[0]])
			? (merged.shift() as number)
			: (queue.shift() as number);
	while (queue.length + merged.length > 1) {
		const a = takeLightest();
		const b = takeLightest();
		const node = weight.length;
		weight.push(weight[a] + weight[b]);
		parent[a] = node;
		parent[b] = node;
		merged.push(node);
	}
	used.forEach((symbol, leaf) => {
		let depth = 0;
		for (let node = leaf; parent[node] !== undefined; node = parent[node]) depth++;
		lengths[symbol] = depth;
	});
	return lengths;
}

/** The canonical codes of the lengths, bit-reversed (DEFLATE writes codes MSB first). */
export function canonicalCodes(lengths: Uint8Array): Uint16Array {
	const countOfLength = new Uint16Array(16);
	for (const length of lengths) countOfLength[length]++;
	countOfLength[0] = 0;
	const next = new Uint16Array(16);
	for (let length = 1, code = 0; length <= 15; length++) {
		code = (code + countOfLength[length - 1]) << 1;
		next[length] = code;
	}
	const codes = new Uint16Array(lengths.length);
	lengths.forEach((length, symbol) => {
		if (!length) return;
		const code = next[length]++;
		let reversed = 0;
		for (let i = 0; i < length; i++) reversed |= ((code >> i) & 1) << (length - 1 - i);
		codes[symbol] = reversed;
	});
	return codes;
}

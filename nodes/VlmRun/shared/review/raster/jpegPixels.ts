import { rgbImage, type RgbImage } from './image';

/*
 * From decoded JPEG coefficients to pixels: dequantisation and the inverse DCT of each 8×8 block
 * into a sample plane per component, then chroma upsampling and YCbCr → RGB (JFIF's equations).
 */

/** Zigzag position → natural (row-major) position in an 8×8 block. */
export const ZIGZAG = Uint8Array.from([
	0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5, 12, 19, 26, 33, 40, 48, 41, 34, 27, 20,
	13, 6, 7, 14, 21, 28, 35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23, 30, 37, 44, 51, 58, 59, 52,
	45, 38, 31, 39, 46, 53, 60, 61, 54, 47, 55, 62, 63,
]);

/** COSINES[x * 8 + u] = C(u) cos((2x + 1) u π / 16) / 2, the separable IDCT's matrix. */
const COSINES = (() => {
	const table = new Float64Array(64);
	for (let x = 0; x < 8; x++)
		for (let u = 0; u < 8; u++)
			table[x * 8 + u] =
				((u === 0 ? Math.SQRT1_2 : 1) * Math.cos(((2 * x + 1) * u * Math.PI) / 16)) / 2;
	return table;
})();

export interface ComponentPlane {
	/** Blocks across and down, as stored (including the padding of whole MCUs). */
	blocksAcross: number;
	blocksDown: number;
	/** 64 coefficients a block, natural order, not yet dequantised. */
	coefficients: Int16Array;
	quantisation: Uint16Array;
	/** Sampling factors. */
	h: number;
	v: number;
}

/** Inverse DCT of every block of a component into a plane of samples, blocksAcross × 8 wide. */
export function componentSamples(component: ComponentPlane): {
	samples: Uint8ClampedArray;
	width: number;
} {
	const { blocksAcross, blocksDown, coefficients, quantisation } = component;
	const width = blocksAcross * 8;
	const samples = new Uint8ClampedArray(width * blocksDown * 8);
	const block = new Float64Array(64);
	const rows = new Float64Array(64);
	for (let by = 0; by < blocksDown; by++) {
		for (let bx = 0; bx < blocksAcross; bx++) {
			const offset = (by * blocksAcross + bx) * 64;
			let acZero = true;
			for (let i = 1; i < 64 && acZero; i++) if (coefficients[offset + i] !== 0) acZero = false;
			const origin = by * 8 * width + bx * 8;
			if (acZero) {
				// A flat block (paper, sky): every sample is the DC value. Most of a scanned page.
				const value = (coefficients[offset] * quantisation[0]) / 8 + 128;
				for (let y = 0; y < 8; y++) samples.fill(value, origin + y * width, origin + y * width + 8);
				continue;
			}
			for (let i = 0; i < 64; i++) block[i] = coefficients[offset + i] * quantisation[i];
			// Rows: rows[v * 8 + x] = Σu C(u) F(v, u) cos(...)/2, summing only up to the row's last
			// non-zero coefficient (quantisation leaves few: most blocks end after a handful).
			let lastRow = 0;
			for (let v = 0; v < 8; v++) {
				let last = -1;
				for (let u = 7; u >= 0 && last < 0; u--) if (block[v * 8 + u] !== 0) last = u;
				if (last >= 0) lastRow = v;
				for (let x = 0; x < 8; x++) {
					let sum = 0;
					for (let u = 0; u <= last; u++) sum += COSINES[x * 8 + u] * block[v * 8 + u];
					rows[v * 8 + x] = sum;
				}
			}
			// Columns: sample(y, x) = Σv C(v) rows(v, x) cos(...)/2 + 128, over the non-zero rows.
			for (let y = 0; y < 8; y++) {
				for (let x = 0; x < 8; x++) {
					let sum = 0;
					for (let v = 0; v <= lastRow; v++) sum += COSINES[y * 8 + v] * rows[v * 8 + x];
					samples[origin + y * width + x] = sum + 128;
				}
			}
		}
	}
	return { samples, width };
}

/**
 * The image from its component planes: 1 (grey) or 3 (YCbCr, or RGB when `rgb`), each upsampled
 * to the full size by repeating samples (nearest neighbour is enough for a review picture).
 */
export function toRgb(
	width: number,
	height: number,
	components: ComponentPlane[],
	rgb: boolean,
): RgbImage {
	const maxH = Math.max(...components.map((c) => c.h));
	const maxV = Math.max(...components.map((c) => c.v));
	const planes = components.map((component) => {
		const { samples, width: planeWidth } = componentSamples(component);
		const columns = new Int32Array(width);
		for (let x = 0; x < width; x++) columns[x] = Math.floor((x * component.h) / maxH);
		return { samples, planeWidth, columns, v: component.v };
	});
	const image = rgbImage(width, height);
	const out = new Uint8ClampedArray(image.data.buffer);
	if (planes.length === 1) {
		const [grey] = planes;
		for (let y = 0, o = 0; y < height; y++) {
			const row = Math.floor((y * grey.v) / maxV) * grey.planeWidth;
			for (let x = 0; x < width; x++, o += 3) {
				const value = grey.samples[row + grey.columns[x]];
				out[o] = value;
				out[o + 1] = value;
				out[o + 2] = value;
			}
		}
		return image;
	}
	const [a, b, c] = planes;
	for (let y = 0, o = 0; y < height; y++) {
		const rowA = Math.floor((y * a.v) / maxV) * a.planeWidth;
		const rowB = Math.floor((y * b.v) / maxV) * b.planeWidth;
		const rowC = Math.floor((y * c.v) / maxV) * c.planeWidth;
		for (let x = 0; x < width; x++, o += 3) {
			const first = a.samples[rowA + a.columns[x]];
			const second = b.samples[rowB + b.columns[x]];
			const third = c.samples[rowC + c.columns[x]];
			if (rgb) {
				out[o] = first;
				out[o + 1] = second;
				out[o + 2] = third;
				continue;
			}
			const cb = second - 128;
			const cr = third - 128;
			out[o] = first + 1.402 * cr;
			out[o + 1] = first - 0.344136 * cb - 0.714136 * cr;
			out[o + 2] = first + 1.772 * cb;
		}
	}
	return image;
}

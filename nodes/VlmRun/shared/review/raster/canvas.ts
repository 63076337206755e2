import { CELL_WIDTH, GLYPH_HEIGHT, GLYPH_WIDTH, glyph, glyphTop } from './font';
import { rgbImage, type RgbImage } from './image';

/*
 * The few drawing operations the review PNG needs, on an RgbImage: rectangles (filled, blended,
 * outlined), text in the bitmap font, and a box-filter downscale. Coordinates are clipped to the
 * image, so callers can draw near its edges without checks.
 */

export type Colour = readonly [number, number, number];

/** Fills a rectangle; with opacity below 1 the colour is blended over what is there. */
export function fillRect(
	image: RgbImage,
	x: number,
	y: number,
	width: number,
	height: number,
	colour: Colour,
	opacity = 1,
): void {
	const left = Math.max(0, Math.round(x));
	const top = Math.max(0, Math.round(y));
	const right = Math.min(image.width, Math.round(x + width));
	const bottom = Math.min(image.height, Math.round(y + height));
	const { data } = image;
	for (let row = top; row < bottom; row++) {
		for (let o = (row * image.width + left) * 3, end = (row * image.width + right) * 3; o < end; ) {
			for (let c = 0; c < 3; c++, o++)
				data[o] = opacity >= 1 ? colour[c] : data[o] + (colour[c] - data[o]) * opacity;
		}
	}
}

/** Outlines a rectangle with lines `thickness` pixels wide, drawn inside its bounds. */
export function strokeRect(
	image: RgbImage,
	x: number,
	y: number,
	width: number,
	height: number,
	thickness: number,
	colour: Colour,
): void {
	const t = Math.max(1, Math.min(thickness, width / 2, height / 2));
	fillRect(image, x, y, width, t, colour);
	fillRect(image, x, y + height - t, width, t, colour);
	fillRect(image, x, y, t, height, colour);
	fillRect(image, x + width - t, y, t, height, colour);
}

export const textWidth = (text: string, scale: number) => text.length * CELL_WIDTH * scale;
export const textHeight = (scale: number) => GLYPH_HEIGHT * scale;

/**
 * Draws text with its top-left corner at (x, y), descenders below textHeight; bold doubles each
 * stroke one pixel to the right.
 */
export function drawText(
	image: RgbImage,
	x: number,
	y: number,
	text: string,
	colour: Colour,
	scale: number,
	bold = false,
): void {
	for (let i = 0; i < text.length; i++) {
		const rows = glyph(text[i]);
		const left = x + i * CELL_WIDTH * scale;
		const top = y + glyphTop(text[i]) * scale;
		for (let row = 0; row < GLYPH_HEIGHT; row++) {
			for (let column = 0; column < GLYPH_WIDTH; column++) {
				if (!(rows[row] & (1 << (GLYPH_WIDTH - 1 - column)))) continue;
				const px = left + column * scale;
				const py = top + row * scale;
				fillRect(image, px, py, scale + (bold ? 1 : 0), scale, colour);
			}
		}
	}
}

/** Copies `source` onto `target` with its top-left corner at (x, y). */
export function blit(target: RgbImage, source: RgbImage, x: number, y: number): void {
	const width = Math.min(source.width, target.width - x);
	for (let row = 0; row < source.height && row + y < target.height; row++) {
		const from = row * source.width * 3;
		target.data.set(
			source.data.subarray(from, from + width * 3),
			((row + y) * target.width + x) * 3,
		);
	}
}

/**
 * The image scaled down so that its longest side is at most `maxSide`, each target pixel the
 * average of the source pixels it covers (a box filter keeps thin print legible, where skipping
 * pixels would drop strokes). Smaller images come back as they are.
 */
export function downscale(image: RgbImage, maxSide: number): RgbImage {
	const factor = Math.max(image.width, image.height) / maxSide;
	if (factor <= 1) return image;
	const width = Math.max(1, Math.round(image.width / factor));
	const height = Math.max(1, Math.round(image.height / factor));
	const out = rgbImage(width, height);
	const columnStart = new Int32Array(width + 1);
	for (let x = 0; x <= width; x++) columnStart[x] = Math.min(image.width, Math.floor(x * factor));
	const sums = new Float64Array(width * 3);
	for (let y = 0; y < height; y++) {
		const top = Math.floor(y * factor);
		const bottom = Math.max(top + 1, Math.min(image.height, Math.floor((y + 1) * factor)));
		sums.fill(0);
		for (let row = top; row < bottom; row++) {
			const base = row * image.width * 3;
			for (let x = 0; x < width; x++) {
				const end = Math.max(columnStart[x] + 1, columnStart[x + 1]);
				for (let sx = columnStart[x]; sx < end; sx++) {
					const i = base + sx * 3;
					sums[x * 3] += image.data[i];
					sums[x * 3 + 1] += image.data[i + 1];
					sums[x * 3 + 2] += image.data[i + 2];
				}
			}
		}
		for (let x = 0; x < width; x++) {
			const count =
				(bottom - top) * (Math.max(columnStart[x] + 1, columnStart[x + 1]) - columnStart[x]);
			const o = (y * width + x) * 3;
			out.data[o] = sums[x * 3] / count + 0.5;
			out.data[o + 1] = sums[x * 3 + 1] / count + 0.5;
			out.data[o + 2] = sums[x * 3 + 2] / count + 0.5;
		}
	}
	return out;
}

/*
 * The decoded picture every raster step shares: 8-bit RGB, row by row, no alpha (transparent
 * pixels are put on white when decoded, as a viewer would show them on a page).
 */
export interface RgbImage {
	width: number;
	height: number;
	/** width × height × 3 bytes. */
	data: Uint8Array;
}

/**
 * Inputs above this many pixels (a 60-megapixel photo is 180 MB as RGB) are not decoded: the
 * review keeps its SVG, which the browser scales, instead of holding the worker's memory.
 */
export const MAX_DECODED_PIXELS = 40_000_000;

export function rgbImage(width: number, height: number): RgbImage {
	return { width, height, data: new Uint8Array(width * height * 3) };
}

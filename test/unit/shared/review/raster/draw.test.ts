import type { PictureField } from '../../../../../nodes/VlmRun/shared/review/picture';
import { downscale } from '../../../../../nodes/VlmRun/shared/review/raster/canvas';
import { drawReview, MAX_SIDE } from '../../../../../nodes/VlmRun/shared/review/raster/draw';
import { glyph } from '../../../../../nodes/VlmRun/shared/review/raster/font';
import { rgbImage, type RgbImage } from '../../../../../nodes/VlmRun/shared/review/raster/image';

/*
 * The review PNG's pixels: outlines in the flagged and confident colours, number tags, legend
 * text, and the scale-down of big inputs.
 */

const RED = [0xd1, 0x24, 0x2f];
const GREEN = [0x1a, 0x7f, 0x37];
const GREY = [200, 210, 220];

function pixel(image: RgbImage, x: number, y: number): number[] {
	const i = (y * image.width + x) * 3;
	return Array.from(image.data.subarray(i, i + 3));
}

function count(
	image: RgbImage,
	colour: number[],
	from: { x: number; y: number },
	to: { x: number; y: number },
) {
	let n = 0;
	for (let y = from.y; y < to.y; y++)
		for (let x = from.x; x < to.x; x++)
			if (pixel(image, x, y).every((v, c) => v === colour[c])) n++;
	return n;
}

function paper(width: number, height: number): RgbImage {
	const image = rgbImage(width, height);
	for (let i = 0; i < image.data.length; i += 3) image.data.set(GREY, i);
	return image;
}

const fields: PictureField[] = [
	{
		field: 'invoice_id',
		value: 'INV-1',
		confidence: 'hi',
		flags: [],
		boxes: [{ page: 1, xywh: [0.5, 0.1, 0.4, 0.1] }],
	},
	{
		field: 'total',
		value: 271.88,
		confidence: 'low',
		flags: ['confidence'],
		boxes: [{ page: 1, xywh: [0.5, 0.7, 0.4, 0.2] }],
	},
	// On a later page of a document: not drawn, not listed.
	{
		field: 'notes',
		value: 'x',
		confidence: 'hi',
		flags: [],
		boxes: [{ page: 2, xywh: [0, 0, 1, 1] }],
	},
	{ field: 'customer', value: 'Zoë Müller', confidence: 'hi', flags: [], boxes: [] },
];

describe('drawReview', () => {
	const picture = drawReview(paper(400, 300), 'Review of scan.png', fields);

	it('puts the image at the top left and a legend beside it', () => {
		expect(picture.height).toBe(300);
		expect(picture.width).toBeGreaterThan(400 + 'invoice_id: INV-1'.length * 12);
		expect(pixel(picture, 10, 290)).toEqual(GREY);
		expect(pixel(picture, picture.width - 1, 299)).toEqual([255, 255, 255]);
	});

	it('outlines a flagged field thick and red over a red tint, a confident one thin and green', () => {
		// total: x 200..360, y 210..270; the number tag covers its top-left corner.
		for (const [x, y] of [
			[359, 269],
			[359, 240],
			[280, 269],
			[357, 267],
		])
			expect(pixel(picture, x, y)).toEqual(RED);
		expect(pixel(picture, 356, 266)).toEqual(
			GREY.map((v, c) => Math.trunc(v + (RED[c] - v) * 0.16)),
		);
		// invoice_id: x 200..360, y 30..60, a one-pixel line.
		for (const [x, y] of [
			[359, 59],
			[359, 45],
			[280, 59],
		])
			expect(pixel(picture, x, y)).toEqual(GREEN);
		expect(pixel(picture, 358, 58)).toEqual(GREY);
	});

	it('tags each box with its number: white digits on the field colour', () => {
		const tagRed = count(picture, RED, { x: 190, y: 190 }, { x: 230, y: 215 });
		const tagWhite = count(picture, [255, 255, 255], { x: 190, y: 190 }, { x: 230, y: 215 });
		expect(tagRed).toBeGreaterThan(100);
		expect(tagWhite).toBeGreaterThan(10);
	});

	it('lists the located fields in the legend, flagged in red, and nothing for the others', () => {
		const legend = { x: 400, y: 0 };
		const end = { x: picture.width, y: picture.height };
		expect(count(picture, RED, legend, end)).toBeGreaterThan(200);
		expect(count(picture, GREEN, legend, end)).toBeGreaterThan(200);
		// Title and two rows: nothing drawn below the third row.
		expect(count(picture, [255, 255, 255], { x: 400, y: 120 }, end)).toBe(
			(picture.width - 400) * 180,
		);
	});
});

describe('downscale', () => {
	it(`scales the longest side down to ${MAX_SIDE}, averaging the pixels each covers`, () => {
		const image = rgbImage(3200, 1000);
		// Alternating black and white columns average to grey.
		for (let y = 0; y < 1000; y++)
			for (let x = 0; x < 3200; x += 2)
				image.data.fill(255, (y * 3200 + x) * 3, (y * 3200 + x) * 3 + 3);
		const scaled = downscale(image, MAX_SIDE);
		expect([scaled.width, scaled.height]).toEqual([1600, 500]);
		expect(pixel(scaled, 800, 250)).toEqual([128, 128, 128]);
		expect(downscale(paper(100, 50), MAX_SIDE).width).toBe(100);
	});
});

describe('font', () => {
	it('has a distinct glyph for each printable ASCII character and draws others as ?', () => {
		const printable = Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i));
		const shapes = new Set(printable.map((char) => glyph(char).join(',')));
		expect(shapes.size).toBe(95);
		expect(glyph(' ').every((row) => row === 0)).toBe(true);
		expect(glyph('é')).toEqual(glyph('?'));
	});
});

import type { PictureField } from '../picture';
import { shorten, valueText } from '../picture';
import {
	blit,
	downscale,
	drawText,
	fillRect,
	strokeRect,
	textHeight,
	textWidth,
	type Colour,
} from './canvas';
import { rgbImage, type RgbImage } from './image';

/*
 * The review picture as pixels, laid out like its SVG twin: the image (scaled to at most
 * MAX_SIDE) with a numbered box around every located field, thick and red for flagged fields,
 * thin and green for the others; beside it a legend of the numbered fields with their values and
 * the rules that flagged them. Numbers instead of labels on the image keep close fields legible.
 */

/** Longest side of the image in the picture: enough to read a scanned page, small to send. */
export const MAX_SIDE = 1600;

const OK: Colour = [0x1a, 0x7f, 0x37];
const FLAGGED: Colour = [0xd1, 0x24, 0x2f];
const WHITE: Colour = [255, 255, 255];
const INK: Colour = [0x22, 0x22, 0x22];
const MAX_LEGEND_CHARS = 64;

/** Typography the bitmap font draws as ASCII. */
const PLAIN: Record<string, string> = {
	'…': '...',
	'–': '-',
	'—': '-',
	'‘': "'",
	'’': "'",
	'“': '"',
	'”': '"',
	'\u00a0': ' ',
};

/** The bitmap font knows ASCII: accents are dropped (é → e), anything else becomes '?'. */
function ascii(text: string): string {
	return text
		.normalize('NFD')
		.replace(/[\u0300-\u036f]/g, '')
		.replace(/[…–—‘’“”\u00a0]/g, (char) => PLAIN[char]);
}

function legendText(field: PictureField): string {
	const flags = field.flags.length ? `  ! ${field.flags.join(', ')}` : '';
	return ascii(`${shorten(`${field.field}: ${valueText(field.value)}`)}${flags}`).slice(
		0,
		MAX_LEGEND_CHARS,
	);
}

interface Layout {
	scale: number;
	padding: number;
	rowHeight: number;
	tagWidth: number;
}

/** A filled tag with the field's number in white, its top-left corner at (x, y). */
function tag(
	canvas: RgbImage,
	x: number,
	y: number,
	number: number,
	colour: Colour,
	layout: Layout,
) {
	const { scale } = layout;
	const text = String(number);
	fillRect(canvas, x, y, layout.tagWidth, textHeight(scale) + 2 * scale, colour);
	const left = x + (layout.tagWidth - textWidth(text, scale) + scale) / 2;
	drawText(canvas, Math.round(left), y + scale, text, WHITE, scale);
}

function drawBoxes(canvas: RgbImage, size: RgbImage, fields: PictureField[], layout: Layout) {
	const { scale } = layout;
	const tagHeight = textHeight(scale) + 2 * scale;
	const placed = fields.flatMap((field, index) =>
		field.boxes
			.filter((box) => box.page === 1)
			.map(({ xywh: [x, y, w, h] }) => ({
				number: index + 1,
				flagged: field.flags.length > 0,
				left: Math.round(x * size.width),
				top: Math.round(y * size.height),
				width: Math.max(1, Math.round(w * size.width)),
				height: Math.max(1, Math.round(h * size.height)),
			})),
	);
	// Flagged boxes last, so that their red lies over the green of a neighbour.
	placed.sort((a, b) => Number(a.flagged) - Number(b.flagged));
	for (const box of placed) {
		const colour = box.flagged ? FLAGGED : OK;
		if (box.flagged) fillRect(canvas, box.left, box.top, box.width, box.height, FLAGGED, 0.16);
		strokeRect(
			canvas,
			box.left,
			box.top,
			box.width,
			box.height,
			box.flagged ? scale + 1 : scale - 1 || 1,
			colour,
		);
	}
	for (const box of placed) {
		// The number sits on the box's top-left corner, kept inside the image.
		const x = Math.min(Math.max(0, box.left - scale), size.width - layout.tagWidth);
		const y = Math.min(Math.max(0, box.top - tagHeight + scale), size.height - tagHeight);
		tag(canvas, x, y, box.number, box.flagged ? FLAGGED : OK, layout);
	}
}

/** The picture: `image` at full resolution; it is scaled down here. */
export function drawReview(image: RgbImage, title: string, fields: PictureField[]): RgbImage {
	const scaled = downscale(image, MAX_SIDE);
	const located = fields.filter((field) => field.boxes.some((box) => box.page === 1));
	const scale = scaled.width >= 1100 ? 3 : 2;
	const padding = 6 * scale;
	const layout: Layout = {
		scale,
		padding,
		rowHeight: textHeight(scale) + 5 * scale,
		tagWidth: textWidth(String(located.length), scale) + 3 * scale,
	};
	const titleText = ascii(title).slice(0, MAX_LEGEND_CHARS);
	const texts = located.map(legendText);
	const legendWidth =
		padding * 2 +
		Math.max(
			textWidth(titleText, scale),
			layout.tagWidth + 2 * scale + Math.max(0, ...texts.map((text) => textWidth(text, scale))),
		);
	const legendHeight = padding * 2 + layout.rowHeight * (located.length + 1);
	const canvas = rgbImage(scaled.width + legendWidth, Math.max(scaled.height, legendHeight));
	canvas.data.fill(255);
	blit(canvas, scaled, 0, 0);
	drawBoxes(canvas, scaled, located, layout);

	const left = scaled.width + padding;
	drawText(canvas, left, padding, titleText, INK, scale, true);
	texts.forEach((text, index) => {
		const flagged = located[index].flags.length > 0;
		const colour = flagged ? FLAGGED : OK;
		const top = padding + layout.rowHeight * (index + 1);
		tag(canvas, left, top - scale, index + 1, colour, layout);
		drawText(canvas, left + layout.tagWidth + 2 * scale, top, text, colour, scale, flagged);
	});
	return canvas;
}

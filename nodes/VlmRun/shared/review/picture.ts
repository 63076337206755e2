import type { FieldMetadata } from './fields';
import type { Size } from './imageSize';

/*
 * The reviewer's picture: the original image with a numbered box around every field VLM Run
 * located (grounding), and beside it a legend of the numbered fields with their values; flagged
 * fields in red with the rule that flagged them. Numbers instead of labels on the image keep
 * close fields legible. An SVG with the image embedded as a data URI, so it is one self-contained
 * file that n8n's binary viewer and any browser open.
 */

export interface PictureField extends FieldMetadata {
	/** Why the field needs review; empty when it passed every rule. */
	flags: string[];
}

const OK_COLOUR = '#1a7f37';
const FLAG_COLOUR = '#d1242f';
const MAX_LABEL_CHARS = 44;

function escapeXml(text: string): string {
	return text.replace(
		/[<>&"']/g,
		(char) =>
			({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[char] as string,
	);
}

export function shorten(text: string): string {
	return text.length > MAX_LABEL_CHARS ? `${text.slice(0, MAX_LABEL_CHARS - 1)}…` : text;
}

export function valueText(value: unknown): string {
	if (value === null || value === undefined) return '(empty)';
	if (typeof value === 'object') return Array.isArray(value) ? `${value.length} entries` : '{…}';
	return String(value);
}

const round = (n: number) => Math.round(n * 10) / 10;

interface Layout {
	size: Size;
	fontSize: number;
	legendLeft: number;
	rowHeight: number;
}

function label(field: PictureField): string {
	const flagged = field.flags.length ? ` ⚠ ${field.flags.join(', ')}` : '';
	return `${shorten(`${field.field}: ${valueText(field.value)}`)}${flagged}`;
}

/** The boxes of one field on the image, each with the field's number in its corner. */
function boxes(field: PictureField, number: number, layout: Layout): string {
	const { size, fontSize } = layout;
	const flagged = field.flags.length > 0;
	const colour = flagged ? FLAG_COLOUR : OK_COLOUR;
	const stroke = Math.max(1, round(fontSize / (flagged ? 5 : 9)));
	const radius = round(fontSize * 0.75);
	return field.boxes
		.filter((box) => box.page === 1)
		.map(({ xywh: [x, y, w, h] }) => {
			const left = round(x * size.width);
			const top = round(y * size.height);
			const cx = round(Math.max(radius, Math.min(left, size.width - radius)));
			const cy = round(Math.max(radius, Math.min(top, size.height - radius)));
			return [
				`<g class="${flagged ? 'flagged' : 'ok'}"><title>${escapeXml(label(field))}</title>`,
				`<rect x="${left}" y="${top}" width="${round(w * size.width)}" height="${round(h * size.height)}" fill="${colour}" fill-opacity="${flagged ? 0.16 : 0.05}" stroke="${colour}" stroke-width="${stroke}"/>`,
				`<circle cx="${cx}" cy="${cy}" r="${radius}" fill="${colour}"/>`,
				`<text x="${cx}" y="${round(cy + fontSize * 0.35)}" font-size="${round(fontSize * 0.9)}" font-weight="bold" text-anchor="middle" fill="#fff">${number}</text></g>`,
			].join('');
		})
		.join('\n');
}

function legendRow(field: PictureField, number: number, row: number, layout: Layout): string {
	const { fontSize, legendLeft, rowHeight } = layout;
	const colour = field.flags.length ? FLAG_COLOUR : OK_COLOUR;
	const y = round(fontSize * 2.6 + row * rowHeight);
	return [
		`<circle cx="${round(legendLeft + fontSize)}" cy="${round(y - fontSize * 0.35)}" r="${round(fontSize * 0.75)}" fill="${colour}"/>`,
		`<text x="${round(legendLeft + fontSize)}" y="${y}" font-size="${round(fontSize * 0.9)}" font-weight="bold" text-anchor="middle" fill="#fff">${number}</text>`,
		`<text x="${round(legendLeft + fontSize * 2.3)}" y="${y}" font-size="${fontSize}" fill="${colour}"${field.flags.length ? ' font-weight="bold"' : ''}>${escapeXml(label(field))}</text>`,
	].join('');
}

/** The review picture as SVG text; `size` is the image's pixel size, which the boxes scale to. */
export function reviewPicture(
	image: { dataUri: string; size: Size; title: string },
	fields: PictureField[],
): string {
	const { width, height } = image.size;
	const located = fields.filter((field) => field.boxes.some((box) => box.page === 1));
	const fontSize = round(
		Math.max(8, Math.min(width / 48, height / ((located.length + 3) * 1.7), 22)),
	);
	const legendWidth = round(fontSize * 32);
	const layout: Layout = {
		size: image.size,
		fontSize,
		legendLeft: width + fontSize,
		rowHeight: round(fontSize * 1.7),
	};
	const total = round(width + legendWidth + fontSize * 2);
	// A small image gets a legend taller than itself.
	const tall = round(Math.max(height, fontSize * 2.6 + located.length * layout.rowHeight));
	return [
		'<?xml version="1.0" encoding="UTF-8"?>',
		`<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="${total}" height="${tall}" viewBox="0 0 ${total} ${tall}" font-family="Helvetica, Arial, sans-serif">`,
		`<title>${escapeXml(image.title)}</title>`,
		`<rect x="${width}" y="0" width="${round(total - width)}" height="${tall}" fill="#fff"/>`,
		`<image x="0" y="0" width="${width}" height="${height}" preserveAspectRatio="none" href="${image.dataUri}" xlink:href="${image.dataUri}"/>`,
		...located.map((field, index) => boxes(field, index + 1, layout)),
		`<text x="${layout.legendLeft}" y="${round(fontSize * 1.2)}" font-size="${fontSize}" font-weight="bold" fill="#222">${escapeXml(image.title)}</text>`,
		...located.map((field, index) => legendRow(field, index + 1, index, layout)),
		'</svg>',
		'',
	].join('\n');
}

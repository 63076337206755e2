import type { FieldMetadata } from './fields';
import type { Size } from './imageSize';

/*
 * The reviewer's picture: the original image with a labelled box around every field VLM Run
 * located (grounding), the flagged ones in red with their reason. An SVG with the image embedded
 * as a data URI, so it is one self-contained file that n8n's binary viewer and any browser open.
 */

export interface PictureField extends FieldMetadata {
	/** Why the field needs review; empty when it passed every rule. */
	flags: string[];
}

const OK_COLOUR = '#1a7f37';
const FLAG_COLOUR = '#d1242f';
const MAX_LABEL_CHARS = 48;

function escapeXml(text: string): string {
	return text.replace(
		/[<>&"']/g,
		(char) =>
			({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[char] as string,
	);
}

function shorten(text: string): string {
	return text.length > MAX_LABEL_CHARS ? `${text.slice(0, MAX_LABEL_CHARS - 1)}…` : text;
}

function valueText(value: unknown): string {
	if (value === null || value === undefined) return '(empty)';
	if (typeof value === 'object') return Array.isArray(value) ? `${value.length} entries` : '{…}';
	return String(value);
}

const round = (n: number) => Math.round(n * 10) / 10;

function fieldShapes(field: PictureField, size: Size, fontSize: number): string {
	const flagged = field.flags.length > 0;
	const colour = flagged ? FLAG_COLOUR : OK_COLOUR;
	const stroke = Math.max(1, round(fontSize / (flagged ? 5 : 9)));
	const label = shorten(
		`${field.field}: ${valueText(field.value)}${flagged ? ` ⚠ ${field.flags.join(', ')}` : ''}`,
	);
	// Rough text width: labels get a background so they stay legible on any image.
	const labelWidth = round(label.length * fontSize * 0.56 + fontSize * 0.6);
	const labelHeight = round(fontSize * 1.35);
	return field.boxes
		.filter((box) => box.page === 1)
		.map(({ xywh: [x, y, w, h] }) => {
			const left = round(x * size.width);
			const top = round(y * size.height);
			const labelTop = top >= labelHeight ? round(top - labelHeight) : round(top + h * size.height);
			const labelLeft = round(Math.max(0, Math.min(left, size.width - labelWidth)));
			return [
				`<g class="${flagged ? 'flagged' : 'ok'}"><title>${escapeXml(label)}</title>`,
				`<rect x="${left}" y="${top}" width="${round(w * size.width)}" height="${round(h * size.height)}" fill="${colour}" fill-opacity="${flagged ? 0.18 : 0.06}" stroke="${colour}" stroke-width="${stroke}"/>`,
				`<rect x="${labelLeft}" y="${labelTop}" width="${labelWidth}" height="${labelHeight}" fill="${colour}" fill-opacity="0.85" rx="${round(fontSize / 5)}"/>`,
				`<text x="${round(labelLeft + fontSize * 0.3)}" y="${round(labelTop + fontSize * 1.05)}" font-size="${fontSize}" fill="#fff">${escapeXml(label)}</text></g>`,
			].join('');
		})
		.join('\n');
}

/** The review picture as SVG text; `size` is the image's pixel size, which the boxes scale to. */
export function reviewPicture(
	image: { dataUri: string; size: Size; title: string },
	fields: PictureField[],
): string {
	const { width, height } = image.size;
	const fontSize = Math.max(10, round(Math.min(width, height) / 45));
	// Flagged boxes are drawn last so they sit on top of the others.
	const ordered = [...fields].sort(
		(a, b) => Number(a.flags.length > 0) - Number(b.flags.length > 0),
	);
	return [
		'<?xml version="1.0" encoding="UTF-8"?>',
		`<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="Helvetica, Arial, sans-serif">`,
		`<title>${escapeXml(image.title)}</title>`,
		`<image x="0" y="0" width="${width}" height="${height}" preserveAspectRatio="none" href="${image.dataUri}" xlink:href="${image.dataUri}"/>`,
		...ordered.map((field) => fieldShapes(field, image.size, fontSize)).filter(Boolean),
		'</svg>',
		'',
	].join('\n');
}

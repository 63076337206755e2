import type { PictureField } from '../picture';
import { drawReview } from './draw';
import { decodeJpeg } from './jpeg';
import { decodePng, encodePng } from './png';

/*
 * The review picture as a PNG, which n8n's binary viewer displays (it refuses SVG: an SVG can
 * carry scripts, so image/svg+xml is not among n8n's viewable MIME types). Undefined when the
 * input is an image this decoder does not read (WebP, GIF, TIFF, some JPEG variants); the review
 * then keeps only the SVG picture. The bytes decide the format, not the MIME type a file came with.
 */
export function reviewPng(
	bytes: Uint8Array,
	title: string,
	fields: PictureField[],
): Uint8Array | undefined {
	const image = decodePng(bytes) ?? decodeJpeg(bytes);
	return image && encodePng(drawReview(image, title, fields));
}

/*
 * What the emulator reads from the bytes it is given, to answer like a model that looks at them:
 * whether a data URL really holds an image, how many pages a PDF has, how long audio lasts.
 */

const IMAGE_SIGNATURES: Array<[string, number[]]> = [
	['png', [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]],
	['jpeg', [0xff, 0xd8, 0xff]],
	['gif', [0x47, 0x49, 0x46, 0x38]],
	['webp', [0x52, 0x49, 0x46, 0x46]],
	['bmp', [0x42, 0x4d]],
	['tiff', [0x49, 0x49, 0x2a, 0x00]],
	['tiff', [0x4d, 0x4d, 0x00, 0x2a]],
];

const DATA_URL = /^data:([^;,]+);base64,(.*)$/is;

/** The bytes of a base64 data URL, or null when it is not one. */
export function decodeDataUrl(url: string): Buffer | null {
	const match = DATA_URL.exec(url);
	if (!match) return null;
	const payload = match[2].replace(/\s+/g, '');
	if (!/^[A-Za-z0-9+/]*={0,2}$/.test(payload)) return null;
	return Buffer.from(payload, 'base64');
}

/** Whether the bytes start like one of the image formats VLM Run reads. */
export function isImage(bytes: Buffer): boolean {
	return IMAGE_SIGNATURES.some(([, signature]) => signature.every((byte, i) => bytes[i] === byte));
}

/** Pages of a PDF, from its page objects; null when they are not readable (compressed streams). */
export function pdfPages(bytes: Buffer): number | null {
	if (bytes.subarray(0, 5).toString('latin1') !== '%PDF-') return null;
	const count = bytes.toString('latin1').match(/\/Type\s*\/Page(?![a-z])/g)?.length ?? 0;
	return count || null;
}

/** Audio length in seconds, estimated at 128 kbit/s (the usual MP3 rate). */
export const audioSeconds = (bytes: number) => bytes / 16_000;

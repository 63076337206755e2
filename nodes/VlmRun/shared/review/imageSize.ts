/*
 * Pixel size of an image from its header, for the review picture's coordinate system. Covers the
 * image types VLM Run reads (PNG, JPEG, GIF, WebP); BMP and TIFF come back undefined.
 */

export interface Size {
	width: number;
	height: number;
}

function png(bytes: Buffer): Size | undefined {
	if (bytes.length < 24 || bytes.readUInt32BE(0) !== 0x89504e47) return undefined;
	return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

function gif(bytes: Buffer): Size | undefined {
	if (bytes.length < 10 || bytes.toString('latin1', 0, 3) !== 'GIF') return undefined;
	return { width: bytes.readUInt16LE(6), height: bytes.readUInt16LE(8) };
}

function jpeg(bytes: Buffer): Size | undefined {
	if (bytes.length < 4 || bytes[0] !== 0xff || bytes[1] !== 0xd8) return undefined;
	let offset = 2;
	while (offset + 9 < bytes.length) {
		if (bytes[offset] !== 0xff) return undefined;
		const marker = bytes[offset + 1];
		// Start-of-frame markers (baseline, progressive, ...) hold the size; DHT, JPG and DAC do not.
		if (marker >= 0xc0 && marker <= 0xcf && ![0xc4, 0xc8, 0xcc].includes(marker)) {
			return { height: bytes.readUInt16BE(offset + 5), width: bytes.readUInt16BE(offset + 7) };
		}
		offset += 2 + bytes.readUInt16BE(offset + 2);
	}
	return undefined;
}

function webp(bytes: Buffer): Size | undefined {
	if (bytes.length < 30 || bytes.toString('latin1', 8, 12) !== 'WEBP') return undefined;
	const chunk = bytes.toString('latin1', 12, 16);
	if (chunk === 'VP8 ')
		return { width: bytes.readUInt16LE(26) & 0x3fff, height: bytes.readUInt16LE(28) & 0x3fff };
	if (chunk === 'VP8L') {
		const bits = bytes.readUInt32LE(21);
		return { width: (bits & 0x3fff) + 1, height: ((bits >> 14) & 0x3fff) + 1 };
	}
	if (chunk === 'VP8X')
		return { width: bytes.readUIntLE(24, 3) + 1, height: bytes.readUIntLE(27, 3) + 1 };
	return undefined;
}

export function imageSize(bytes: Buffer): Size | undefined {
	const size = png(bytes) ?? gif(bytes) ?? jpeg(bytes) ?? webp(bytes);
	return size && size.width > 0 && size.height > 0 ? size : undefined;
}

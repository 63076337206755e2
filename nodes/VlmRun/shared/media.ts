export type Modality = 'image' | 'document' | 'audio' | 'video';

const BY_MIME: Record<string, Modality> = {
	'image/png': 'image',
	'image/jpeg': 'image',
	'image/jpg': 'image',
	'image/gif': 'image',
	'image/webp': 'image',
	'application/pdf': 'document',
	'application/msword': 'document',
	'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'document',
	'application/vnd.openxmlformats-officedocument.presentationml.presentation': 'document',
	'audio/mpeg': 'audio',
	'audio/mp3': 'audio',
	'audio/wav': 'audio',
	'audio/x-wav': 'audio',
	'audio/wave': 'audio',
	'audio/mp4': 'audio',
	'audio/x-m4a': 'audio',
	'audio/flac': 'audio',
	'audio/x-flac': 'audio',
	'audio/ogg': 'audio',
	'video/mp4': 'video',
	'video/quicktime': 'video',
	'video/x-msvideo': 'video',
	'video/x-matroska': 'video',
	'video/webm': 'video',
};

const BY_EXTENSION: Record<string, Modality> = {
	png: 'image',
	jpg: 'image',
	jpeg: 'image',
	gif: 'image',
	webp: 'image',
	pdf: 'document',
	doc: 'document',
	docx: 'document',
	pptx: 'document',
	mp3: 'audio',
	wav: 'audio',
	m4a: 'audio',
	flac: 'audio',
	ogg: 'audio',
	mp4: 'video',
	mov: 'video',
	avi: 'video',
	mkv: 'video',
	webm: 'video',
};

const IMAGE_MIME_BY_EXTENSION: Record<string, string> = {
	png: 'image/png',
	jpg: 'image/jpeg',
	jpeg: 'image/jpeg',
	gif: 'image/gif',
	webp: 'image/webp',
};

export const SUPPORTED_TYPES_TEXT =
	'images (PNG, JPEG, GIF, WebP), documents (PDF, DOC, DOCX, PPTX), audio (MP3, WAV, M4A, FLAC, OGG) and video (MP4, MOV, AVI, MKV, WebM)';

export function extensionOf(name: string | undefined): string {
	const match = /\.([a-z0-9]+)$/i.exec((name ?? '').split(/[?#]/)[0]);
	return match ? match[1].toLowerCase() : '';
}

/** Picks the VLM Run route for a file from its MIME type, falling back to the file extension. */
export function detectModality(
	mimeType: string | undefined,
	fileName: string | undefined,
): Modality | undefined {
	const mime = (mimeType ?? '').split(';')[0].trim().toLowerCase();
	return BY_MIME[mime] ?? BY_EXTENSION[extensionOf(fileName)];
}

/** The MIME type to put in an image data URL; VLM Run takes only PNG, JPEG, GIF and WebP there. */
export function imageMimeType(mimeType: string | undefined, fileName: string | undefined): string {
	const mime = (mimeType ?? '').split(';')[0].trim().toLowerCase();
	if (BY_MIME[mime] === 'image') return mime === 'image/jpg' ? 'image/jpeg' : mime;
	return IMAGE_MIME_BY_EXTENSION[extensionOf(fileName)] ?? 'image/png';
}

const ARTIFACT_TYPES: Record<string, { mimeType: string; extension: string }> = {
	img: { mimeType: 'image/png', extension: 'png' },
	vid: { mimeType: 'video/mp4', extension: 'mp4' },
	aud: { mimeType: 'audio/mpeg', extension: 'mp3' },
	doc: { mimeType: 'application/pdf', extension: 'pdf' },
	recon: { mimeType: 'application/octet-stream', extension: 'spz' },
	arr: { mimeType: 'application/octet-stream', extension: 'npy' },
	url: { mimeType: 'application/octet-stream', extension: 'bin' },
};

export const ARTIFACT_REF_PATTERN = /\b(img|vid|aud|doc|recon|arr|url)_[0-9a-zA-Z]{6}\b/g;

/** The expected MIME type and file extension of an artifact, from its ref prefix. */
export function artifactType(ref: string): { mimeType: string; extension: string } {
	return ARTIFACT_TYPES[ref.split('_')[0]] ?? ARTIFACT_TYPES.url;
}

const EXTENSION_BY_MIME: Record<string, string> = Object.fromEntries(
	Object.entries(BY_MIME).map(([mime]) => [mime, mime.split('/')[1]]),
);

export function extensionForMime(mimeType: string): string | undefined {
	return (
		{ 'image/jpeg': 'jpg', 'audio/mpeg': 'mp3', 'application/pdf': 'pdf' }[mimeType] ??
		EXTENSION_BY_MIME[mimeType]
	);
}

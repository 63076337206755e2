import { artifactType, detectModality, imageMimeType } from '../../../nodes/VlmRun/shared/media';

describe('detectModality', () => {
	it.each([
		['application/pdf', 'a.pdf', 'document'],
		['image/jpeg', 'a.jpg', 'image'],
		['audio/mpeg', 'a.mp3', 'audio'],
		['video/mp4', 'a.mp4', 'video'],
		['application/octet-stream', 'scan.PDF', 'document'],
		[undefined, 'https://x.test/clip.webm?sig=1', 'video'],
	])('%s %s → %s', (mime, name, expected) => {
		expect(detectModality(mime, name)).toBe(expected);
	});

	it('returns undefined for types VLM Run does not take', () => {
		expect(detectModality('text/csv', 'a.csv')).toBeUndefined();
		expect(detectModality('application/zip', 'a.zip')).toBeUndefined();
	});
});

describe('imageMimeType', () => {
	it('normalises jpg and falls back to the extension', () => {
		expect(imageMimeType('image/jpg', 'a.jpg')).toBe('image/jpeg');
		expect(imageMimeType('application/octet-stream', 'a.webp')).toBe('image/webp');
	});
});

describe('artifactType', () => {
	it.each([
		['img_a1b2c3', 'image/png'],
		['vid_a1b2c3', 'video/mp4'],
		['aud_a1b2c3', 'audio/mpeg'],
		['doc_a1b2c3', 'application/pdf'],
		['recon_a1b2c3', 'application/octet-stream'],
	])('%s is %s', (ref, mime) => {
		expect(artifactType(ref).mimeType).toBe(mime);
	});
});

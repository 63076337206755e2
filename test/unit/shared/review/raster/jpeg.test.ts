/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { decodeJpeg } from '../../../../../nodes/VlmRun/shared/review/raster/jpeg';
import { decodePng } from '../../../../../nodes/VlmRun/shared/review/raster/png';

/*
 * JPEG decoding against libjpeg-turbo: each fixture (test/fixtures/jpeg, written by cjpeg in
 * test/fixtures/make-jpeg-fixtures.mjs) decoded here and by djpeg with the same IDCT precision and
 * chroma repetition; the pixels agree within rounding.
 */

const FIXTURES = join(__dirname, '..', '..', '..', '..', 'fixtures', 'jpeg');
const read = (name: string) => readFileSync(join(FIXTURES, name));

const DECODED = [
	'baseline-420',
	'baseline-422',
	'baseline-444',
	'baseline-411',
	'baseline-optimized',
	'baseline-restart',
	'grey',
	'rgb',
	'progressive-420',
	'progressive-444-restart',
	'progressive-grey',
];

describe('decodeJpeg', () => {
	it.each(DECODED)('decodes %s like libjpeg-turbo', (name) => {
		const image = decodeJpeg(read(`${name}.jpg`));
		const reference = decodePng(read(`${name}.reference.png`));
		expect(image && [image.width, image.height]).toEqual([77, 53]);
		let worst = 0;
		let total = 0;
		for (let i = 0; i < reference!.data.length; i++) {
			const difference = Math.abs(image!.data[i] - reference!.data[i]);
			worst = Math.max(worst, difference);
			total += difference;
		}
		expect(worst).toBeLessThanOrEqual(2);
		expect(total / reference!.data.length).toBeLessThan(0.2);
	});

	it('is close to the source image it was encoded from (the test is not comparing noise)', () => {
		const image = decodeJpeg(read('baseline-444.jpg'))!;
		const source = decodePng(read('source.png'))!;
		let total = 0;
		for (let i = 0; i < source.data.length; i++) total += Math.abs(image.data[i] - source.data[i]);
		// Quality 85 on sharp coloured edges: a few levels off on average; its greyscale version is far off.
		expect(total / source.data.length).toBeLessThan(8);
		const grey = decodeJpeg(read('grey.jpg'))!;
		let other = 0;
		for (let i = 0; i < source.data.length; i++) other += Math.abs(grey.data[i] - source.data[i]);
		expect(other / source.data.length).toBeGreaterThan(20);
	});

	it('returns undefined for arithmetic coding, truncated files and other formats', () => {
		expect(decodeJpeg(read('arithmetic.jpg'))).toBeUndefined();
		expect(decodeJpeg(read('baseline-420.jpg').subarray(0, 400))).toBeUndefined();
		expect(decodeJpeg(read('source.png'))).toBeUndefined();
	});
});

import { collectArtifactRefs, summarizeArtifacts } from '../../../nodes/VlmRun/shared/artifacts';

describe('collectArtifactRefs', () => {
	it('finds refs given as {"id": …} objects anywhere in structured output', () => {
		const response = {
			title: 'Claim 42',
			photos: [{ id: 'img_a1b2c3' }, { id: 'img_d4e5f6', caption: 'rear bumper' }],
			report: { file: { id: 'doc_0a0b0c' } },
			scene: { id: 'recon_99aa00' },
		};
		expect(collectArtifactRefs(response)).toEqual([
			'img_a1b2c3',
			'img_d4e5f6',
			'doc_0a0b0c',
			'recon_99aa00',
		]);
	});

	it('finds bare tokens in free text, each once, in order of appearance', () => {
		const text =
			'Here is the clip vid_123abc and its audio aud_456def; the clip vid_123abc again. Link: url_7f7f7f.';
		expect(collectArtifactRefs(text)).toEqual(['vid_123abc', 'aud_456def', 'url_7f7f7f']);
	});

	it('ignores look-alikes: wrong length, glued to other words, unknown prefixes, object keys', () => {
		const value = {
			img_a1b2c3: 'a key, not a value',
			notes:
				'img_a1b2c3d4 is too long, xdoc_a1b2c3 is glued, pic_a1b2c3 is unknown, img_a1b2 is short',
			count: 3,
			empty: null,
		};
		expect(collectArtifactRefs(value)).toEqual([]);
	});

	it('covers every documented prefix, including refs inside a JSON string (chat content)', () => {
		const content = JSON.stringify({ a: { id: 'arr_000001' }, b: 'see url_abcdef' });
		expect(
			collectArtifactRefs([content, 'img_aaaaaa vid_bbbbbb aud_cccccc doc_dddddd recon_eeeeee']),
		).toEqual([
			'arr_000001',
			'url_abcdef',
			'img_aaaaaa',
			'vid_bbbbbb',
			'aud_cccccc',
			'doc_dddddd',
			'recon_eeeeee',
		]);
	});

	it('returns nothing for empty or non-JSON values', () => {
		expect(collectArtifactRefs(undefined)).toEqual([]);
		expect(collectArtifactRefs(null)).toEqual([]);
		expect(collectArtifactRefs(42)).toEqual([]);
		expect(collectArtifactRefs('')).toEqual([]);
	});
});

describe('summarizeArtifacts', () => {
	it('says for every ref whether and where it was downloaded', () => {
		const binary = { img_a1b2c3: { data: '', mimeType: 'image/png', fileName: 'img_a1b2c3.png' } };
		const failures = { vid_000001: 'VLM Run had a server problem (HTTP 503)' };
		expect(
			summarizeArtifacts(['img_a1b2c3', 'doc_000000', 'vid_000001'], { binary, failures }),
		).toEqual([
			{
				ref: 'img_a1b2c3',
				downloaded: true,
				binaryProperty: 'img_a1b2c3',
				fileName: 'img_a1b2c3.png',
				mimeType: 'image/png',
			},
			{
				ref: 'doc_000000',
				downloaded: false,
				binaryProperty: null,
				fileName: null,
				mimeType: null,
			},
			{
				ref: 'vid_000001',
				downloaded: false,
				binaryProperty: null,
				fileName: null,
				mimeType: null,
				error: 'VLM Run had a server problem (HTTP 503)',
			},
		]);
	});
});

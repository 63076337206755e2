import { operations } from '../../../nodes/VlmRun/execution';
import { failOperation, runOperation } from '../fakeContext';

const download = {
	resource: 'skill',
	operation: 'download',
	skill: { __rl: true, mode: 'id', value: 'skill-1' },
	binaryPropertyOutput: 'bundle',
};
const skill = { id: 'skill-1', name: 'receipt-extraction', skill_version: 'v3' };
const zip = Buffer.from('PK-zip-bytes');

describe('Skill → Download', () => {
	test('fetches the presigned link without the API key and outputs the .zip in the chosen field', async () => {
		const link = 'https://storage.test/skill-1.zip?signature=s';
		const { output, sent } = await runOperation(operations, {
			parameters: download,
			api: {
				'GET /skills/skill-1': { statusCode: 200, body: skill },
				'GET /skills/skill-1/download': { statusCode: 200, body: { download_url: link } },
			},
			downloads: { [link]: { body: zip, contentType: 'application/zip' } },
		});
		expect(sent.map(({ method, path }) => `${method} ${path}`)).toEqual([
			'GET /skills/skill-1',
			'GET /skills/skill-1/download',
		]);
		expect(output).toEqual([
			{
				json: skill,
				binary: {
					bundle: expect.objectContaining({
						fileName: 'receipt-extraction-v3.zip',
						mimeType: 'application/zip',
						data: zip.toString('base64'),
					}),
				},
				pairedItem: { item: 0 },
			},
		]);
	});

	test('an empty output field name fails before any request', async () => {
		const { error, sent } = await failOperation(operations, {
			parameters: { ...download, binaryPropertyOutput: '' },
		});
		expect(error.message).toContain('"Put Output File in Field" is empty');
		expect(sent).toEqual([]);
	});
});

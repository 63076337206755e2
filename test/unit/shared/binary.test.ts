import type { IBinaryData, IExecuteFunctions } from 'n8n-workflow';

import { describeFiles } from '../../../nodes/VlmRun/shared/binary';
import { testNode } from '../fakeContext';

/** An item whose `data` field is a file in n8n's binary store, and a count of metadata reads. */
function storedFileContext(binary: IBinaryData) {
	const metadataReads: string[] = [];
	const ctx = {
		getNode: () => testNode,
		helpers: {
			assertBinaryData: () => binary,
			getBinaryMetadata: async (id: string) => {
				metadataReads.push(id);
				return { fileSize: 2048, mimeType: binary.mimeType };
			},
		},
	} as unknown as IExecuteFunctions;
	return { ctx, metadataReads };
}

const stored = (extra: Partial<IBinaryData>): IBinaryData => ({
	id: 'filesystem-v2:workflows/1/executions/temp/binary_data/abc',
	data: 'filesystem-v2',
	mimeType: 'application/pdf',
	fileName: 'scan.pdf',
	...extra,
});

describe('describeFiles', () => {
	it('takes the size n8n 2.x recorded on a stored file, without reading its metadata file', async () => {
		const { ctx, metadataReads } = storedFileContext(stored({ bytes: 1234 }));
		const [file] = await describeFiles(ctx, 0, ['data']);
		expect(file).toMatchObject({ fileName: 'scan.pdf', property: 'data', size: 1234 });
		expect(metadataReads).toEqual([]);
	});

	it('reads the metadata file of a stored file that carries no size (n8n 1.x)', async () => {
		const { ctx, metadataReads } = storedFileContext(stored({}));
		const [file] = await describeFiles(ctx, 0, ['data']);
		expect(file.size).toBe(2048);
		expect(metadataReads).toEqual(['filesystem-v2:workflows/1/executions/temp/binary_data/abc']);
	});
});

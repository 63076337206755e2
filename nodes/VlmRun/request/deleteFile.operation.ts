import { updateDisplayOptions } from 'n8n-workflow';
import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { requiredText } from '../shared/params';
import type { Operation } from '../shared/router';
import { apiRequest } from '../shared/transport';
import { FILE_ID_HINT, fileIdProperty } from './file.properties';

export const description = updateDisplayOptions(
	{ show: { resource: ['file'], operation: ['delete'] } },
	[fileIdProperty],
);

export const deleteFile: Operation = {
	description,
	async prepare(this: IExecuteFunctions, i: number) {
		requiredText(this, i, 'fileId', 'File ID', FILE_ID_HINT);
	},
	async execute(this: IExecuteFunctions, i: number): Promise<INodeExecutionData[]> {
		const id = requiredText(this, i, 'fileId', 'File ID', FILE_ID_HINT);
		await apiRequest.call(this, {
			method: 'DELETE',
			path: `/files/${encodeURIComponent(id)}`,
			itemIndex: i,
			resource: 'file',
			names: { file: id },
		});
		return [{ json: { deleted: true, id } }];
	},
};

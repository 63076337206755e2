import { updateDisplayOptions } from 'n8n-workflow';
import type { IDataObject } from 'n8n-workflow';

import { requiredText } from '../shared/params';
import type { Operation } from '../shared/router';
import { apiRequest } from '../shared/transport';
import { FILE_ID_HINT, fileIdProperty } from './file.properties';

export const description = updateDisplayOptions(
	{ show: { resource: ['file'], operation: ['get'] } },
	[fileIdProperty],
);

export const getFile: Operation<string> = {
	description,
	validate: (ctx, i) => requiredText(ctx, i, 'fileId', 'File ID', FILE_ID_HINT),
	async execute(ctx, { index, plan: id }) {
		const file = (await apiRequest(ctx, {
			method: 'GET',
			path: `/files/${encodeURIComponent(id)}`,
			itemIndex: index,
			resource: 'file',
			names: { file: id },
		})) as IDataObject;
		return [{ json: file }];
	},
};

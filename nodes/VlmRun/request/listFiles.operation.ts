import { updateDisplayOptions } from 'n8n-workflow';
import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { returnAllProperties } from '../shared/descriptions';
import { listLimit, listPaged } from '../shared/pagination';
import type { Operation } from '../shared/router';

export const description = updateDisplayOptions(
	{ show: { resource: ['file'], operation: ['list'] } },
	returnAllProperties,
);

export const listFiles: Operation = {
	description,
	async execute(this: IExecuteFunctions, i: number): Promise<INodeExecutionData[]> {
		const files = await listPaged(this, '/files', i, listLimit(this, i));
		return files.map((json) => ({ json }));
	},
};

import { updateDisplayOptions } from 'n8n-workflow';
import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { returnAllProperties } from '../shared/descriptions';
import { listLimit, listPaged } from '../shared/pagination';
import type { Operation } from '../shared/router';

export const description = updateDisplayOptions(
	{ show: { resource: ['prediction'], operation: ['list'] } },
	returnAllProperties,
);

export const listPredictions: Operation = {
	description,
	async execute(this: IExecuteFunctions, i: number): Promise<INodeExecutionData[]> {
		const predictions = await listPaged(this, '/predictions', i, listLimit(this, i));
		return predictions.map((json) => ({ json }));
	},
};

import { updateDisplayOptions } from 'n8n-workflow';

import { listLimit, listPaged, returnAllProperties } from '../shared/pagination';
import type { Operation } from '../shared/router';

export const description = updateDisplayOptions(
	{ show: { resource: ['prediction'], operation: ['list'] } },
	returnAllProperties,
);

export const listPredictions: Operation = {
	description,
	async execute(ctx, { index }) {
		const predictions = await listPaged(ctx, '/predictions', index, listLimit(ctx, index));
		return predictions.map((json) => ({ json }));
	},
};

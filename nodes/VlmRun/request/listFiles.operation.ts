import { updateDisplayOptions } from 'n8n-workflow';

import { listLimit, listPaged, returnAllProperties } from '../shared/pagination';
import type { Operation } from '../shared/router';

export const description = updateDisplayOptions(
	{ show: { resource: ['file'], operation: ['list'] } },
	returnAllProperties,
);

export const listFiles: Operation = {
	description,
	async execute(ctx, { index }) {
		const files = await listPaged(ctx, '/files', index, listLimit(ctx, index));
		return files.map((json) => ({ json }));
	},
};

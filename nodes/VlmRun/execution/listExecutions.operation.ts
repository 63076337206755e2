import { updateDisplayOptions } from 'n8n-workflow';

import { listLimit, listPaged, returnAllProperties } from '../shared/pagination';
import type { Operation } from '../shared/router';

export const description = updateDisplayOptions(
	{ show: { resource: ['execution'], operation: ['list'] } },
	returnAllProperties,
);

export const listExecutions: Operation = {
	description,
	async execute(ctx, { index }) {
		const executions = await listPaged(ctx, '/agent/executions', index, listLimit(ctx, index));
		return executions.map((json) => ({ json }));
	},
};

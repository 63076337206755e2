import { updateDisplayOptions } from 'n8n-workflow';
import type { IDataObject } from 'n8n-workflow';

import { listLimit, returnAllProperties } from '../shared/pagination';
import type { Operation } from '../shared/router';
import { apiRequest } from '../shared/transport';

export const description = updateDisplayOptions(
	{ show: { resource: ['agent'], operation: ['list'] } },
	returnAllProperties,
);

export const listAgents: Operation = {
	description,
	async execute(ctx, { index: i }) {
		// GET /agent has no pagination: it returns every agent at once.
		const agents = (await apiRequest(ctx, {
			method: 'GET',
			path: '/agent',
			itemIndex: i,
		})) as IDataObject[];
		return agents.slice(0, listLimit(ctx, i)).map((json) => ({ json }));
	},
};

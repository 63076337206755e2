import { updateDisplayOptions } from 'n8n-workflow';
import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { returnAllProperties } from '../shared/descriptions';
import { listLimit } from '../shared/pagination';
import type { Operation } from '../shared/router';
import { apiRequest } from '../shared/transport';

export const description = updateDisplayOptions(
	{ show: { resource: ['agent'], operation: ['list'] } },
	returnAllProperties,
);

export const listAgents: Operation = {
	description,
	async execute(this: IExecuteFunctions, i: number): Promise<INodeExecutionData[]> {
		// GET /agent has no pagination: it returns every agent at once.
		const agents = (await apiRequest.call(this, {
			method: 'GET',
			path: '/agent',
			itemIndex: i,
		})) as IDataObject[];
		return agents.slice(0, listLimit(this, i)).map((json) => ({ json }));
	},
};

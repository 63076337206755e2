import { updateDisplayOptions } from 'n8n-workflow';
import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { returnAllProperties } from '../shared/descriptions';
import { listLimit, listPaged } from '../shared/pagination';
import type { Operation } from '../shared/router';

export const description = updateDisplayOptions(
	{ show: { resource: ['execution'], operation: ['list'] } },
	returnAllProperties,
);

export const listExecutions: Operation = {
	description,
	async execute(this: IExecuteFunctions, i: number): Promise<INodeExecutionData[]> {
		const executions = await listPaged(this, '/agent/executions', i, listLimit(this, i));
		return executions.map((json) => ({ json }));
	},
};

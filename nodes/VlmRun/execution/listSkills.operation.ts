import { updateDisplayOptions } from 'n8n-workflow';
import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { returnAllProperties } from '../shared/descriptions';
import { listLimit, listPaged } from '../shared/pagination';
import type { Operation } from '../shared/router';

export const description = updateDisplayOptions(
	{ show: { resource: ['skill'], operation: ['list'] } },
	[
		...returnAllProperties,
		{
			displayName: 'Latest Versions Only',
			name: 'latestOnly',
			type: 'boolean',
			default: true,
			description:
				'Whether to return only the newest version of each skill instead of every version',
		},
	],
);

export const listSkills: Operation = {
	description,
	async execute(this: IExecuteFunctions, i: number): Promise<INodeExecutionData[]> {
		const grouped = this.getNodeParameter('latestOnly', i, true) as boolean;
		const skills = await listPaged(this, '/skills', i, listLimit(this, i), 'offset', { grouped });
		return skills.map((json) => ({ json }));
	},
};

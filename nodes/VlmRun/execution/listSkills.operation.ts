import { updateDisplayOptions } from 'n8n-workflow';

import { listLimit, listPaged, returnAllProperties } from '../shared/pagination';
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
	async execute(ctx, { index: i }) {
		const grouped = ctx.getNodeParameter('latestOnly', i, true) as boolean;
		const skills = await listPaged(ctx, '/skills', i, listLimit(ctx, i), 'offset', { grouped });
		return skills.map((json) => ({ json }));
	},
};

import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { apiRequest } from './transport';

const PAGE_SIZE = 100;

/** Walks VLM Run's skip/limit pagination (bare JSON arrays) up to `max` results. */
export async function listPaged(
	ctx: IExecuteFunctions,
	path: string,
	itemIndex: number,
	max: number,
	style: 'skip' | 'offset' = 'skip',
	extraQuery: IDataObject = {},
): Promise<IDataObject[]> {
	const results: IDataObject[] = [];
	for (;;) {
		const limit = Math.min(PAGE_SIZE, max - results.length);
		const position = style === 'skip' ? { skip: results.length } : { offset: results.length };
		const page = (await apiRequest(ctx, {
			method: 'GET',
			path,
			qs: { ...extraQuery, ...position, limit },
			itemIndex,
		})) as IDataObject[];
		results.push(...page);
		if (page.length < limit || results.length >= max) return results;
	}
}

export function listLimit(ctx: IExecuteFunctions, itemIndex: number): number {
	return ctx.getNodeParameter('returnAll', itemIndex, false)
		? Number.MAX_SAFE_INTEGER
		: (ctx.getNodeParameter('limit', itemIndex, 50) as number);
}

/** Return All and Limit, read by listLimit. */
export const returnAllProperties: INodeProperties[] = [
	{
		displayName: 'Return All',
		name: 'returnAll',
		type: 'boolean',
		default: false,
		description: 'Whether to return all results or only up to a given limit',
	},
	{
		displayName: 'Limit',
		name: 'limit',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 50,
		description: 'Max number of results to return',
		displayOptions: { show: { returnAll: [false] } },
	},
];

import { NodeApiError, NodeOperationError } from 'n8n-workflow';
import type { IDataObject, IExecuteFunctions, JsonObject } from 'n8n-workflow';

import { apiRequest } from './transport';

export interface NamedLookup {
	/** Identifies the lookup within the node run, e.g. "skill:invoice-extraction@". */
	key: string;
	path: string;
	body: IDataObject;
	/** The error for an unknown name (404), naming the thing looked up. */
	message: string;
	description: string;
}

type Lookup = { found: IDataObject } | { error: unknown };

/** Lookups already made in this node run, so a skill used by 500 items is checked once. */
const lookups = new WeakMap<object, Map<string, Promise<Lookup>>>();

async function lookupOnce(ctx: IExecuteFunctions, lookup: NamedLookup, i: number): Promise<Lookup> {
	let cache = lookups.get(ctx);
	if (!cache) lookups.set(ctx, (cache = new Map()));
	let pending = cache.get(lookup.key);
	if (!pending) {
		const request = async (): Promise<Lookup> => {
			try {
				const found = (await apiRequest(ctx, {
					method: 'POST',
					path: lookup.path,
					body: lookup.body,
					kind: 'read',
					itemIndex: i,
				})) as IDataObject;
				return { found };
			} catch (error) {
				return { error };
			}
		};
		pending = request();
		cache.set(lookup.key, pending);
	}
	return await pending;
}

/**
 * Finds a skill or agent by name on VLM Run, once per node run. Each item gets its own error, so
 * the message names the item even when the lookup was shared.
 */
export async function lookupByName(
	ctx: IExecuteFunctions,
	i: number,
	lookup: NamedLookup,
): Promise<IDataObject> {
	const result = await lookupOnce(ctx, lookup, i);
	if ('found' in result) return result.found;
	const { error } = result;
	if (error instanceof NodeApiError && error.httpCode === '404') {
		throw new NodeOperationError(ctx.getNode(), lookup.message, {
			itemIndex: i,
			description: lookup.description,
		});
	}
	if (error instanceof NodeApiError)
		throw new NodeApiError(ctx.getNode(), error as unknown as JsonObject);
	throw new NodeOperationError(ctx.getNode(), error as Error, { itemIndex: i });
}

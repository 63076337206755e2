import type { IDataObject, IExecuteFunctions, IWebhookFunctions } from 'n8n-workflow';

import { apiRequest } from '../transport';

/** Per node run (keyed by its execute context), each domain's schema is fetched once. */
const runs = new WeakMap<object, Map<string, Promise<IDataObject | undefined>>>();

/** The JSON schema VLM Run uses for a domain (POST /schema), for Validate Against Schema. */
export async function domainSchema(
	ctx: IExecuteFunctions | IWebhookFunctions,
	itemIndex: number,
	domain: string,
): Promise<IDataObject | undefined> {
	let cache = runs.get(ctx);
	if (!cache) runs.set(ctx, (cache = new Map()));
	let schema = cache.get(domain);
	if (!schema) {
		schema = apiRequest(ctx, {
			method: 'POST',
			path: '/schema',
			body: { domain },
			kind: 'read',
			itemIndex,
			resource: 'domain',
		}).then((response) => {
			const json = (response as IDataObject).json_schema;
			return json && typeof json === 'object' ? (json as IDataObject) : undefined;
		});
		cache.set(domain, schema);
		// A failed fetch is not kept, so the next file tries again.
		schema.catch(() => cache.delete(domain));
	}
	return await schema;
}

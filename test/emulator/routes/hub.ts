import { DOMAIN_IDS, domainInfo, domainSchema } from '../domains';
import { schemaResponse } from '../fixtures';
import { notFound } from '../http';
import { ok, type Router } from '../router';
import { SchemaRequestSchema, validate } from '../schemas';

/* Health, models, domains and hub (reference §2). */

function schemaFor(body: unknown, withSample: boolean) {
	const { domain } = validate(SchemaRequestSchema, body);
	const schema = domainSchema(domain);
	if (!schema) throw notFound('Domain');
	return schemaResponse(domain, schema, withSample);
}

export function registerHub(router: Router): void {
	router
		.get('/health', () => ok({ status: 'ok' }))
		.get('/models', () => ok(DOMAIN_IDS.map((domain) => ({ model: 'vlm-1', domain }))))
		.get('/domains', () => ok(DOMAIN_IDS.map(domainInfo)))
		.get('/hub/domains', () => ok(DOMAIN_IDS.map(domainInfo)))
		.get('/hub/info', () => ok({ version: 'emulator' }))
		.post('/schema', ({ body }) => ok(schemaFor(body, false)))
		.post('/hub/schema', ({ body }) => ok(schemaFor(body, true)));
}

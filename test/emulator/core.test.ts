import { DEMO_API_KEY, startEmulator, type Emulator } from './index';
import { call, type Json } from './test-helpers';

describe('emulator basics', () => {
	let emu: Emulator;
	beforeAll(async () => {
		emu = await startEmulator();
	});
	afterAll(() => emu.close());
	beforeEach(() => emu.clearRequests());

	it('binds loopback and exposes the base URLs', () => {
		expect(emu.origin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
		expect(emu.baseUrl).toBe(`${emu.origin}/v1`);
		expect(emu.apiKey).toBe(DEMO_API_KEY);
	});

	it('refuses to bind a non-loopback host', async () => {
		await expect(startEmulator({ host: '0.0.0.0' })).rejects.toThrow(/loopback/);
	});

	it('answers 401 for missing or unknown keys', async () => {
		for (const key of [null, 'nope']) {
			const res = await call(emu, 'GET', '/domains', { key });
			expect(res.status).toBe(401);
			expect(res.json).toEqual({ detail: 'Invalid API key' });
		}
	});

	it('maps the special keys to 402, 429 (+Retry-After) and 500', async () => {
		const r402 = await call(emu, 'GET', '/domains', { key: 'key-402' });
		expect([r402.status, r402.json]).toEqual([402, { detail: 'Insufficient credits' }]);
		const r429 = await call(emu, 'GET', '/domains', { key: 'key-429' });
		expect([r429.status, r429.json, r429.headers.get('retry-after')]).toEqual([
			429,
			{ detail: 'Rate limit exceeded' },
			'1',
		]);
		const r500 = await call(emu, 'GET', '/domains', { key: 'key-500' });
		expect([r500.status, r500.json]).toEqual([500, { detail: 'Internal server error' }]);
	});

	it('can drop Retry-After from key-429 answers', async () => {
		emu.configure({ retryAfterOn429: false });
		const res = await call(emu, 'GET', '/domains', { key: 'key-429' });
		emu.configure({ retryAfterOn429: true });
		expect(res.status).toBe(429);
		expect(res.headers.get('retry-after')).toBeNull();
	});

	it('accepts extra configured keys', async () => {
		const other = await startEmulator({ apiKeys: ['k-one', 'k-two'] });
		try {
			expect(other.apiKey).toBe('k-one');
			expect((await call(other, 'GET', '/health', { key: 'k-two' })).status).toBe(200);
			expect((await call(other, 'GET', '/health', { key: DEMO_API_KEY })).status).toBe(401);
		} finally {
			await other.close();
		}
	});

	it('records requests with X-Client-Id but never the key', async () => {
		await call(emu, 'POST', '/schema', {
			body: { domain: 'document.invoice' },
			headers: { 'X-Client-Id': 'n8n-vlmrun-0.1.0' },
		});
		const [entry] = emu.requests({ method: 'post', path: '/schema' });
		expect(entry).toMatchObject({
			method: 'POST',
			path: '/schema',
			base: '/v1',
			body: { domain: 'document.invoice' },
		});
		expect(entry.headers['x-client-id']).toBe('n8n-vlmrun-0.1.0');
		expect(entry.headers.authorization).toBe('Bearer ***');
		expect(JSON.stringify(emu.requests())).not.toContain(DEMO_API_KEY);
		const http = await fetch(`${emu.origin}/__emulator/requests?path=/schema`);
		const text = await http.text();
		expect(text).not.toContain(DEMO_API_KEY);
		expect(JSON.parse(text)).toHaveLength(1);
	});

	it('filters recorded requests by prefix and RegExp', async () => {
		await call(emu, 'GET', '/hub/info');
		await call(emu, 'GET', '/hub/domains');
		expect(emu.requests({ path: '/hub/*' })).toHaveLength(2);
		expect(emu.requests({ path: /info$/ })).toHaveLength(1);
		emu.clearRequests();
		expect(emu.requests()).toHaveLength(0);
	});

	it('serves health, domains, models and hub info', async () => {
		expect((await call(emu, 'GET', '/health')).json).toEqual({ status: 'ok' });
		const domains = (await call(emu, 'GET', '/domains')).json;
		for (const id of [
			'document.invoice',
			'image.caption',
			'audio.transcription-summary',
			'video.dashcam',
		]) {
			expect(domains).toContainEqual(
				expect.objectContaining({
					domain: id,
					name: expect.any(String),
					description: expect.any(String),
				}),
			);
		}
		expect(domains).toHaveLength(24);
		expect((await call(emu, 'GET', '/hub/domains')).json).toEqual(domains);
		expect((await call(emu, 'GET', '/models')).json).toContainEqual({
			model: 'vlm-1',
			domain: 'document.invoice',
		});
		expect((await call(emu, 'GET', '/hub/info')).json).toEqual({ version: 'emulator' });
	});

	it('returns per-domain schemas and 404 for unknown domains', async () => {
		const schema = await call(emu, 'POST', '/schema', { body: { domain: 'document.invoice' } });
		expect(schema.status).toBe(200);
		expect(Object.keys(schema.json.json_schema.properties)).toEqual(
			expect.arrayContaining([
				'invoice_id',
				'invoice_issue_date',
				'customer',
				'customer_email',
				'items',
				'subtotal',
				'tax',
				'total',
			]),
		);
		expect(schema.json.schema_hash).toMatch(/^[0-9a-f]{8}$/);
		expect(schema.json.json_sample).toBeUndefined();
		const hub = await call(emu, 'POST', '/hub/schema', {
			body: { domain: 'image.caption', gql_stmt: null },
		});
		expect(hub.json.json_sample).toEqual({ caption: expect.any(String), tags: expect.any(Array) });
		const unknown = await call(emu, 'POST', '/hub/schema', { body: { domain: 'document.nope' } });
		expect([unknown.status, unknown.json]).toEqual([404, { detail: 'Domain not found' }]);
		const missing = await call(emu, 'POST', '/schema', { body: {} });
		expect(missing.json).toEqual({
			detail: [{ loc: ['body', 'domain'], msg: 'field required', type: 'value_error.missing' }],
		});
	});

	it('answers FastAPI 404/405/422 for unknown routes, wrong methods and bad JSON', async () => {
		expect((await call(emu, 'GET', '/nowhere')).json).toEqual({ detail: 'Not Found' });
		expect((await call(emu, 'PUT', '/domains')).status).toBe(405);
		const res = await fetch(`${emu.baseUrl}/schema`, {
			method: 'POST',
			headers: { Authorization: `Bearer ${emu.apiKey}`, 'Content-Type': 'application/json' },
			body: '{"domain":',
		});
		expect(res.status).toBe(422);
		expect(((await res.json()) as Json).detail[0].type).toBe('value_error.jsondecode');
	});

	it('mounts the same API under a second, agent base URL', async () => {
		const res = await call(emu, 'GET', `${emu.agentBaseUrl}/agent`);
		expect(res.status).toBe(200);
		expect(emu.requests({ path: '/agent' })[0].base).toBe('/agent-base/v1');
	});

	it('adds per-route latency', async () => {
		emu.configure({ latencyMs: { 'GET /hub/info': 120, '*': 0 } });
		const started = Date.now();
		await call(emu, 'GET', '/hub/info');
		const slow = Date.now() - started;
		const fastStart = Date.now();
		await call(emu, 'GET', '/health');
		const fast = Date.now() - fastStart;
		emu.configure({ latencyMs: 0 });
		expect(slow).toBeGreaterThanOrEqual(110);
		expect(fast).toBeLessThan(100);
	});

	it('rejects host/port changes at runtime', () => {
		expect(() => emu.configure({ port: 1 })).toThrow(/cannot be changed/);
	});
});

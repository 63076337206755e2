/* eslint-disable @n8n/community-nodes/no-restricted-globals */
import { apiRequest } from '../../../nodes/VlmRun/shared/transport';
import { CLIENT_ID } from '../../../nodes/VlmRun/shared/client.generated';
import { scriptedContext } from '../fakeContext';

const fastPolicy = { maxAttempts: 4, baseDelayMs: 5, maxDelayMs: 2000, maxTotalMs: 10_000 };

describe('apiRequest', () => {
	it('joins the base URL, sends the client id and returns the JSON body', async () => {
		const { ctx, sent } = scriptedContext([{ statusCode: 200, body: { id: 'p1' } }]);
		await expect(apiRequest(ctx, { method: 'GET', path: '/predictions/p1' })).resolves.toEqual({
			id: 'p1',
		});
		expect(sent[0].url).toBe('http://vlm.test/v1/predictions/p1');
		expect(sent[0].headers).toEqual({ 'X-Client-Id': CLIENT_ID });
		expect(CLIENT_ID).toMatch(/^n8n-nodes-vlmrun\/\d+\.\d+\.\d+/);
	});

	it('retries a read on 503 and on a reset connection', async () => {
		const { ctx, sent } = scriptedContext([
			{ statusCode: 503 },
			{ code: 'ECONNRESET' },
			{ statusCode: 200, body: [] },
		]);
		await expect(
			apiRequest(ctx, { method: 'GET', path: '/files', policy: fastPolicy }),
		).resolves.toEqual([]);
		expect(sent).toHaveLength(3);
	});

	it('never resends a job-creating call after a 5xx', async () => {
		const { ctx, sent } = scriptedContext([
			{ statusCode: 502, body: { detail: 'upstream' } },
			{ statusCode: 201 },
		]);
		await expect(
			apiRequest(ctx, {
				method: 'POST',
				path: '/document/generate',
				body: {},
				policy: fastPolicy,
				itemIndex: 1,
			}),
		).rejects.toMatchObject({ message: 'VLM Run had a server problem (HTTP 502)' });
		expect(sent).toHaveLength(1);
	});

	it('never resends a job-creating call after the connection dropped mid-request', async () => {
		const { ctx, sent } = scriptedContext([{ code: 'ECONNRESET' }, { statusCode: 201 }]);
		await expect(
			apiRequest(ctx, {
				method: 'POST',
				path: '/agent/execute',
				body: {},
				policy: fastPolicy,
			}),
		).rejects.toMatchObject({ message: 'Could not reach VLM Run' });
		expect(sent).toHaveLength(1);
	});

	it('resends a job-creating call on 429 after the Retry-After time', async () => {
		const { ctx, sent } = scriptedContext([
			{
				statusCode: 429,
				headers: { 'retry-after': '0.2' },
				body: { detail: 'Rate limit exceeded' },
			},
			{ statusCode: 201, body: { id: 'p2', status: 'pending' } },
		]);
		const started = Date.now();
		await expect(
			apiRequest(ctx, {
				method: 'POST',
				path: '/image/generate',
				body: {},
				policy: fastPolicy,
			}),
		).resolves.toMatchObject({ id: 'p2' });
		expect(Date.now() - started).toBeGreaterThanOrEqual(190);
		expect(sent).toHaveLength(2);
	});

	it('makes other requests of the same run wait out a 429 pause', async () => {
		const { ctx, sent } = scriptedContext([
			{ statusCode: 429, headers: { 'retry-after': '0.3' } },
			{ statusCode: 200, body: { n: 1 } },
			{ statusCode: 200, body: { n: 2 } },
		]);
		const first = apiRequest(ctx, { method: 'GET', path: '/a', policy: fastPolicy });
		await new Promise((resolve) => setImmediate(resolve));
		const started = Date.now();
		await apiRequest(ctx, { method: 'GET', path: '/b', policy: fastPolicy });
		expect(Date.now() - started).toBeGreaterThanOrEqual(250);
		await first;
		expect(sent.map((options) => options.url).sort()).toEqual([
			'http://vlm.test/v1/a',
			'http://vlm.test/v1/a',
			'http://vlm.test/v1/b',
		]);
	});

	it('retries a 429 for the time budget, not a number of attempts, then explains it', async () => {
		const { ctx, sent } = scriptedContext(
			Array.from({ length: 50 }, () => ({ statusCode: 429, headers: { 'retry-after': '0.05' } })),
			{ baseUrl: 'http://budget.test/v1' },
		);
		await expect(
			apiRequest(ctx, {
				method: 'GET',
				path: '/x',
				policy: { ...fastPolicy, maxAttempts: 2, maxTotalMs: 400 },
			}),
		).rejects.toMatchObject({ message: 'VLM Run is rate limiting this account' });
		expect(sent.length).toBeGreaterThan(2);
		expect(sent.length).toBeLessThan(12);
	});

	it("keeps retrying a 429 until the operation's deadline", async () => {
		const { ctx, sent } = scriptedContext(
			[
				...Array.from({ length: 6 }, () => ({
					statusCode: 429,
					headers: { 'retry-after': '0.05' },
				})),
				{ statusCode: 201, body: { id: 'late' } },
			],
			{ baseUrl: 'http://deadline.test/v1' },
		);
		await expect(
			apiRequest(ctx, {
				method: 'POST',
				path: '/image/generate',
				body: {},
				policy: { ...fastPolicy, maxTotalMs: 50 },
				deadline: Date.now() + 30_000,
			}),
		).resolves.toEqual({ id: 'late' });
		expect(sent).toHaveLength(7);
	});

	it('treats a body that is not JSON as a server fault and retries reads', async () => {
		const { ctx, sent } = scriptedContext([
			{ statusCode: 200, body: '{"id": "trunc' },
			{ statusCode: 200, body: { id: 'ok' } },
		]);
		await expect(
			apiRequest(ctx, { method: 'GET', path: '/predictions/ok', policy: fastPolicy }),
		).resolves.toEqual({ id: 'ok' });
		expect(sent).toHaveLength(2);
	});

	it('keeps the API key out of every error', async () => {
		const { ctx } = scriptedContext([{ statusCode: 401, body: { detail: 'Invalid API key' } }]);
		const error = (await apiRequest(ctx, { method: 'GET', path: '/files' }).catch(
			(caught: Error) => caught,
		)) as Error & {
			description?: string;
		};
		expect(
			JSON.stringify({ ...error, message: error.message, description: error.description }),
		).not.toContain('secret-key-123');
		expect(error.message).toBe('VLM Run rejected the API key');
	});
});

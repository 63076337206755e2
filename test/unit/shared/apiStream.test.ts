/* eslint-disable @n8n/community-nodes/no-restricted-imports */
import { Readable } from 'node:stream';

import { apiStream } from '../../../nodes/VlmRun/shared/stream';
import { CLIENT_ID } from '../../../nodes/VlmRun/shared/client.generated';
import { scriptedContext } from '../fakeContext';

type Scripted = { statusCode: number; body: Readable } | { code: string };

/** The scripted context, with the base URL given without a trailing slash. */
const streamContext = (script: Scripted[], signal?: AbortSignal) =>
	scriptedContext(script, { baseUrl: 'http://vlm.test/v1', signal });

async function collect(stream: AsyncIterable<Buffer | string>): Promise<string> {
	let text = '';
	for await (const part of stream) text += part.toString();
	return text;
}

const call = {
	method: 'POST' as const,
	path: '/openai/chat/completions',
	body: { stream: true },
	itemIndex: 3,
};

describe('apiStream', () => {
	it('asks for a streamed body with the client id and hands it over as it arrives', async () => {
		const { ctx, sent } = streamContext([
			{ statusCode: 200, body: Readable.from(['data: a\n\n', 'data: [DONE]\n\n']) },
		]);
		const stream = await apiStream(ctx, call);

		expect(await collect(stream)).toBe('data: a\n\ndata: [DONE]\n\n');
		expect(sent).toHaveLength(1);
		expect(sent[0]).toMatchObject({
			method: 'POST',
			url: 'http://vlm.test/v1/openai/chat/completions',
			body: { stream: true },
			encoding: 'stream',
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
			headers: { 'X-Client-Id': CLIENT_ID },
		});
		expect(sent[0].json).toBeUndefined();
	});

	it('reads the error body from the stream and maps it like any other answer', async () => {
		const body = Readable.from([
			Buffer.from('{"detail":[{"loc":["body","messages"],'),
			Buffer.from('"msg":"field required"}]}'),
		]);
		const { ctx } = streamContext([{ statusCode: 422, body }]);

		await expect(apiStream(ctx, call)).rejects.toMatchObject({
			message: 'VLM Run did not accept the request',
			description: expect.stringContaining('VLM Run said: messages: field required'),
			httpCode: '422',
			context: expect.objectContaining({ itemIndex: 3 }),
		});
	});

	it('keeps a plain-text error body', async () => {
		const { ctx } = streamContext([
			{ statusCode: 502, body: Readable.from(['upstream timed out']) },
		]);
		await expect(apiStream(ctx, call)).rejects.toMatchObject({
			message: 'VLM Run had a server problem (HTTP 502)',
			description: expect.stringContaining('VLM Run said: upstream timed out'),
		});
	});

	it('never sends again: not after a 429, a 5xx or a failed connection', async () => {
		for (const first of [
			{ statusCode: 429, body: Readable.from(['{}']) },
			{ statusCode: 503, body: Readable.from(['{}']) },
			{ code: 'ECONNREFUSED' },
		]) {
			const { ctx, sent } = streamContext([
				first,
				{ statusCode: 200, body: Readable.from(['data: [DONE]\n\n']) },
			]);
			await expect(apiStream(ctx, call)).rejects.toBeDefined();
			expect(sent).toHaveLength(1);
		}
	});

	it('turns a connection that breaks mid-stream into a connection error', async () => {
		const body = new Readable({ read() {} });
		const { ctx } = streamContext([{ statusCode: 200, body }]);
		const stream = await apiStream(ctx, call);
		body.push('data: partial');
		body.destroy(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }));

		await expect(collect(stream)).rejects.toMatchObject({
			message: 'Could not reach VLM Run',
			description: expect.stringContaining('ECONNRESET'),
		});
	});

	it('says the execution was cancelled when the stream stops because of a cancel', async () => {
		const controller = new AbortController();
		const body = new Readable({ read() {} });
		const { ctx } = streamContext([{ statusCode: 200, body }], controller.signal);
		const stream = await apiStream(ctx, call);
		controller.abort();
		body.destroy(new Error('aborted'));

		await expect(collect(stream)).rejects.toMatchObject({ message: 'The execution was cancelled' });
	});
});

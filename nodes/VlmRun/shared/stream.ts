import { apiError } from './errors';
import { findErrorCode } from './retry';
import { cancelledError, cancelSignal, connectionError } from './connection';
import { send, type ApiCall, type FullResponse, type VlmRunContext } from './transport';

/** A response body that is still arriving. */
export type ByteStream = AsyncIterable<Buffer | string>;

async function readText(body: unknown): Promise<string> {
	if (typeof body === 'string') return body;
	const parts: Buffer[] = [];
	for await (const part of body as ByteStream) parts.push(Buffer.from(part));
	return Buffer.concat(parts).toString('utf8');
}

function parseErrorBody(text: string): unknown {
	try {
		return JSON.parse(text);
	} catch {
		return text;
	}
}

async function* guardStream(
	ctx: VlmRunContext,
	call: ApiCall,
	body: ByteStream,
	signal?: AbortSignal,
): ByteStream {
	try {
		for await (const part of body) yield part;
	} catch (error) {
		if (signal?.aborted) throw cancelledError(ctx, call, signal);
		throw connectionError(ctx, call, findErrorCode(error) ?? 'ECONNRESET');
	}
}

/**
 * Sends a request whose answer is streamed (chat with stream: true) and returns the body as it
 * arrives. Never retried: once sent, VLM Run may already be answering, and charging for it.
 */
export async function apiStream(ctx: VlmRunContext, call: ApiCall): Promise<ByteStream> {
	const signal = cancelSignal(ctx);
	let response: FullResponse;
	try {
		response = await send(ctx, { ...call, kind: 'create', streamResponse: true });
	} catch (error) {
		if (signal.aborted) throw cancelledError(ctx, call, signal);
		throw connectionError(ctx, call, findErrorCode(error) ?? 'ECONNABORTED');
	}
	if (response.statusCode >= 300) {
		throw apiError(ctx.getNode(), {
			status: response.statusCode,
			body: parseErrorBody(await readText(response.body)),
			method: call.method,
			path: call.path,
			itemIndex: call.itemIndex,
			resource: call.resource,
			names: call.names,
		});
	}
	return guardStream(ctx, call, response.body as ByteStream, signal);
}

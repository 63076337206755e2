import { NodeApiError, NodeOperationError } from 'n8n-workflow';
import type {
	IDataObject,
	IExecuteFunctions,
	IHookFunctions,
	IHttpRequestMethods,
	IHttpRequestOptions,
	ILoadOptionsFunctions,
	IWebhookFunctions,
	JsonObject,
} from 'n8n-workflow';

import { version } from '../../../package.json';
import { apiError } from './errors';
import {
	DEFAULT_RETRY_POLICY,
	findErrorCode,
	isRetryable,
	parseRetryAfter,
	retryDelay,
	type RequestKind,
	type RetryPolicy,
} from './retry';
import { abortableSleep, runSignal, StoppedError } from './stop';

export type VlmRunContext =
	| IExecuteFunctions
	| ILoadOptionsFunctions
	| IHookFunctions
	| IWebhookFunctions;

export const CREDENTIAL_NAME = 'vlmRunApi';
export const CLIENT_ID = `n8n-nodes-vlmrun/${version}`;

export const TIMEOUTS = {
	read: 60_000,
	create: 120_000,
	upload: 600_000,
	chat: 600_000,
} as const;

export interface ApiCall {
	method: IHttpRequestMethods;
	path: string;
	body?: IDataObject | IDataObject[] | FormData;
	qs?: IDataObject;
	/** Defaults to 'read' for GET/HEAD/DELETE and 'create' otherwise; decides what may be retried. */
	kind?: RequestKind;
	timeoutMs?: number;
	itemIndex?: number;
	/** Names the thing a 404 is about, e.g. "prediction". */
	resource?: string;
	/** The names or IDs the call is about, by kind (e.g. { domain, file }), for the message of a 404. */
	names?: Record<string, string>;
	/** Raw bytes instead of JSON (artifacts, downloads). */
	binaryResponse?: boolean;
	/** The body as a stream that is still arriving (server-sent events). */
	streamResponse?: boolean;
	policy?: RetryPolicy;
}

export interface RawResponse {
	body: Buffer;
	contentType: string;
	headers: Record<string, string>;
}

interface FullResponse {
	body: unknown;
	headers: Record<string, string | string[] | undefined>;
	statusCode: number;
}

/** Rate-limit pauses are shared by every request of one node run, so a 429 slows all items down together. */
const pauseUntil = new WeakMap<object, number>();

/** Aborts when the execution is cancelled or the node run stops after a failure (see stop.ts). */
function cancelSignal(ctx: VlmRunContext): AbortSignal {
	return runSignal(
		ctx,
		'getExecutionCancelSignal' in ctx ? ctx.getExecutionCancelSignal() : undefined,
	);
}

/**
 * The Base URL, read once per node run: in n8n every getCredentials is a database read and a
 * decryption, which would otherwise be paid again for every request of every item.
 */
const baseUrls = new WeakMap<object, Promise<string>>();

async function baseUrl(ctx: VlmRunContext): Promise<string> {
	let url = baseUrls.get(ctx);
	if (!url) {
		url = ctx
			.getCredentials(CREDENTIAL_NAME)
			.then((credentials) =>
				String(credentials.baseUrl || 'https://api.vlm.run/v1').replace(/\/+$/, ''),
			);
		baseUrls.set(ctx, url);
		// A failed read is not kept: the next request tries again.
		url.catch(() => baseUrls.delete(ctx));
	}
	return await url;
}

function headerValue(headers: FullResponse['headers'], name: string): string | undefined {
	const value = headers[name] ?? headers[name.toLowerCase()];
	return Array.isArray(value) ? value[0] : value;
}

async function waitForPause(ctx: VlmRunContext, signal: AbortSignal): Promise<void> {
	const until = pauseUntil.get(ctx) ?? 0;
	const remaining = until - Date.now();
	if (remaining > 0) await abortableSleep(remaining, signal);
}

function defaultKind(method: IHttpRequestMethods): RequestKind {
	return method === 'GET' || method === 'HEAD' || method === 'DELETE' ? 'read' : 'create';
}

function isMalformed(call: ApiCall, response: FullResponse): boolean {
	if (call.binaryResponse || response.statusCode >= 300) return false;
	return typeof response.body === 'string' && response.body.trim() !== '';
}

async function send(ctx: VlmRunContext, call: ApiCall, url: string): Promise<FullResponse> {
	const options: IHttpRequestOptions = {
		method: call.method,
		url: `${url}${call.path}`,
		qs: call.qs,
		body: call.body,
		headers: { 'X-Client-Id': CLIENT_ID },
		timeout: call.timeoutMs ?? TIMEOUTS[call.kind ?? defaultKind(call.method)],
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
	};
	if (call.binaryResponse) options.encoding = 'arraybuffer';
	else if (call.streamResponse) options.encoding = 'stream';
	else options.json = true;
	return (await ctx.helpers.httpRequestWithAuthentication.call(
		ctx,
		CREDENTIAL_NAME,
		options,
	)) as FullResponse;
}

function cancelledError(ctx: VlmRunContext, call: ApiCall, signal?: AbortSignal) {
	if (signal?.reason instanceof StoppedError) return signal.reason;
	return new NodeOperationError(ctx.getNode(), 'The execution was cancelled', {
		itemIndex: call.itemIndex,
	});
}

function connectionError(ctx: VlmRunContext, call: ApiCall, code: string) {
	// The code goes into the description only: NodeApiError would swap our message for its generic one.
	return new NodeApiError(ctx.getNode(), { failure: 'connection' } as JsonObject, {
		message: 'Could not reach VLM Run',
		description: `The connection failed (${code}) on ${call.method} ${call.path}. Check the Base URL in the VLM Run API credential and the network between n8n and VLM Run.`,
		itemIndex: call.itemIndex,
	});
}

async function perform(ctx: VlmRunContext, call: ApiCall): Promise<FullResponse> {
	const policy = call.policy ?? DEFAULT_RETRY_POLICY;
	const kind = call.kind ?? defaultKind(call.method);
	const signal = cancelSignal(ctx);
	const url = await baseUrl(ctx);
	const started = Date.now();
	for (let attempt = 1; ; attempt++) {
		try {
			await waitForPause(ctx, signal);
			if (signal.aborted) throw signal.reason;
		} catch {
			throw cancelledError(ctx, call, signal);
		}
		let response: FullResponse | undefined;
		let errorCode: string | undefined;
		try {
			response = await send(ctx, { ...call, kind }, url);
		} catch (error) {
			if (signal?.aborted) throw cancelledError(ctx, call, signal);
			errorCode = findErrorCode(error) ?? 'ECONNABORTED';
		}
		const malformed = response !== undefined && isMalformed(call, response);
		const failed = response === undefined || response.statusCode >= 300 || malformed;
		if (!failed) return response as FullResponse;

		const outcome = malformed ? { status: 502 } : { status: response?.statusCode, errorCode };
		const retryAfterMs = response
			? parseRetryAfter(headerValue(response.headers, 'retry-after'))
			: undefined;
		const delay = retryDelay(attempt, policy, retryAfterMs);
		const canRetry =
			isRetryable(kind, outcome) &&
			attempt < policy.maxAttempts &&
			Date.now() - started + delay <= policy.maxTotalMs;
		if (response?.statusCode === 429) {
			pauseUntil.set(ctx, Math.max(pauseUntil.get(ctx) ?? 0, Date.now() + delay));
		}
		if (!canRetry) {
			if (response === undefined) throw connectionError(ctx, call, errorCode as string);
			if (malformed) {
				throw apiError(ctx.getNode(), {
					status: 502,
					body: { detail: 'The response body was not valid JSON' },
					method: call.method,
					path: call.path,
					itemIndex: call.itemIndex,
					resource: call.resource,
					names: call.names,
				});
			}
			throw apiError(ctx.getNode(), {
				status: response.statusCode,
				body: response.body,
				method: call.method,
				path: call.path,
				itemIndex: call.itemIndex,
				resource: call.resource,
				names: call.names,
			});
		}
		ctx.logger.debug(`VLM Run ${call.method} ${call.path}: retry ${attempt} in ${delay} ms`, {
			status: response?.statusCode,
			code: errorCode,
		});
		await abortableSleep(delay, signal).catch(() => {
			throw cancelledError(ctx, call, signal);
		});
	}
}

/** The one way this package talks to VLM Run: auth, client id, timeouts, retries and error mapping. */
export async function apiRequest<T = IDataObject>(this: VlmRunContext, call: ApiCall): Promise<T> {
	const response = await perform(this, call);
	return response.body as T;
}

/** Like apiRequest, but returns the raw bytes and content type (artifacts, skill bundles). */
export async function apiDownload(this: VlmRunContext, call: ApiCall): Promise<RawResponse> {
	const response = await perform(this, { ...call, binaryResponse: true });
	const headers: Record<string, string> = {};
	for (const [name, value] of Object.entries(response.headers)) {
		if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value[0] : value;
	}
	return {
		body: Buffer.from(response.body as ArrayBuffer),
		contentType: (headers['content-type'] ?? 'application/octet-stream').split(';')[0].trim(),
		headers,
	};
}

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
export async function apiStream(this: VlmRunContext, call: ApiCall): Promise<ByteStream> {
	const signal = cancelSignal(this);
	try {
		await waitForPause(this, signal);
		if (signal.aborted) throw signal.reason;
	} catch {
		throw cancelledError(this, call, signal);
	}
	let response: FullResponse;
	try {
		response = await send(this, { ...call, streamResponse: true }, await baseUrl(this));
	} catch (error) {
		if (signal?.aborted) throw cancelledError(this, call, signal);
		throw connectionError(this, call, findErrorCode(error) ?? 'ECONNABORTED');
	}
	if (response.statusCode >= 300) {
		throw apiError(this.getNode(), {
			status: response.statusCode,
			body: parseErrorBody(await readText(response.body)),
			method: call.method,
			path: call.path,
			itemIndex: call.itemIndex,
			resource: call.resource,
			names: call.names,
		});
	}
	return guardStream(this, call, response.body as ByteStream, signal);
}

/**
 * Fetches a URL that VLM Run handed out (a presigned download). These URLs carry their own
 * signature, so the API key is deliberately not sent along.
 */
export async function fetchSignedUrl(this: VlmRunContext, url: string): Promise<RawResponse> {
	const response = (await this.helpers.httpRequest({
		method: 'GET',
		url,
		encoding: 'arraybuffer',
		returnFullResponse: true,
		timeout: TIMEOUTS.upload,
	})) as FullResponse;
	const contentType = headerValue(response.headers, 'content-type') ?? 'application/octet-stream';
	return {
		body: Buffer.from(response.body as ArrayBuffer),
		contentType: contentType.split(';')[0].trim(),
		headers: {},
	};
}

/** PUTs bytes to a presigned storage URL (no API key: the URL is its own authorisation). */
export async function putSignedUrl(
	this: VlmRunContext,
	url: string,
	body: NodeJS.ReadableStream | Buffer,
	contentType: string,
	contentLength: number,
	itemIndex?: number,
): Promise<void> {
	const response = (await this.helpers.httpRequest({
		method: 'PUT',
		url,
		body: body as unknown as IDataObject,
		headers: { 'Content-Type': contentType, 'Content-Length': String(contentLength) },
		timeout: TIMEOUTS.upload,
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
		abortSignal: cancelSignal(this),
		// With redirects on, axios sends through follow-redirects, which keeps every chunk of the
		// request body in memory to replay it after a redirect: a 1 GiB upload would cost 1 GiB of
		// RAM. Storage URLs answer a PUT directly, so redirects are off and the body just streams.
		disableFollowRedirect: true,
	})) as FullResponse;
	if (response.statusCode !== 200) {
		throw apiError(this.getNode(), {
			status: response.statusCode,
			body: response.body,
			method: 'PUT',
			path: '(presigned upload URL)',
			itemIndex,
			resource: 'upload',
		});
	}
}

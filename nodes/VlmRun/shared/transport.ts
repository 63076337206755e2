import type {
	IDataObject,
	IExecuteFunctions,
	IHookFunctions,
	IHttpRequestMethods,
	IHttpRequestOptions,
	ILoadOptionsFunctions,
	IWebhookFunctions,
} from 'n8n-workflow';

import { account, CREDENTIAL_NAME } from './account';
import { CLIENT_ID } from './client.generated';
import { cancelledError, cancelSignal, connectionError } from './connection';
import { apiError } from './errors';
import { accepted, queuedMs, rateLimited, takeTurn } from './pacing';
import {
	DEFAULT_RETRY_POLICY,
	findErrorCode,
	isRetryable,
	parseRetryAfter,
	retryDelay,
	type RequestKind,
	type RetryPolicy,
} from './retry';
import { abortableSleep } from './stop';

export type VlmRunContext =
	| IExecuteFunctions
	| ILoadOptionsFunctions
	| IHookFunctions
	| IWebhookFunctions;

export { CREDENTIAL_NAME };

export const TIMEOUTS = { read: 60_000, create: 120_000, upload: 600_000, chat: 600_000 } as const;

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
	/** The operation's own timeout (ms since the epoch): rate-limit waits may last until then. */
	deadline?: number;
}

export interface RawResponse {
	body: Buffer;
	contentType: string;
	headers: Record<string, string>;
}

export interface FullResponse {
	body: unknown;
	headers: Record<string, string | string[] | undefined>;
	statusCode: number;
}

export function headerValue(headers: FullResponse['headers'], name: string): string | undefined {
	const value = headers[name] ?? headers[name.toLowerCase()];
	return Array.isArray(value) ? value[0] : value;
}

function isMalformed(call: ApiCall, response: FullResponse): boolean {
	if (call.binaryResponse || response.statusCode >= 300) return false;
	return typeof response.body === 'string' && response.body.trim() !== '';
}

/** One HTTP exchange, after waiting for the account's turn (every request counts, polls too). */
export async function send(ctx: VlmRunContext, call: ApiCall): Promise<FullResponse> {
	const { baseUrl, key, requestsPerMinute, credential } = await account(ctx);
	await takeTurn(key, requestsPerMinute, cancelSignal(ctx));
	const options: IHttpRequestOptions = {
		method: call.method,
		url: `${baseUrl}${call.path}`,
		qs: call.qs,
		body: call.body,
		headers: { 'X-Client-Id': CLIENT_ID },
		timeout: call.timeoutMs ?? TIMEOUTS[call.kind ?? defaultKind(call)],
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
	};
	if (call.binaryResponse) options.encoding = 'arraybuffer';
	else if (call.streamResponse) options.encoding = 'stream';
	else options.json = true;
	// n8n still authenticates the request (the credential's authenticate), from the credential
	// this node run already read instead of a fresh database read per request.
	const response = (await ctx.helpers.httpRequestWithAuthentication.call(
		ctx,
		CREDENTIAL_NAME,
		options,
		{ credentialsDecrypted: credential },
	)) as FullResponse;
	if (response.statusCode === 429) {
		const retryAfter = parseRetryAfter(headerValue(response.headers, 'retry-after'));
		rateLimited(key, requestsPerMinute, retryAfter);
	} else accepted(key, requestsPerMinute);
	return response;
}

function defaultKind(call: ApiCall): RequestKind {
	return ['GET', 'HEAD', 'DELETE'].includes(call.method) ? 'read' : 'create';
}

function failure(ctx: VlmRunContext, call: ApiCall, response?: FullResponse, code?: string) {
	if (response === undefined) return connectionError(ctx, call, code as string);
	const malformed = isMalformed(call, response);
	return apiError(ctx.getNode(), {
		status: malformed ? 502 : response.statusCode,
		body: malformed ? { detail: 'The response body was not valid JSON' } : response.body,
		method: call.method,
		path: call.path,
		itemIndex: call.itemIndex,
		resource: call.resource,
		names: call.names,
	});
}

/**
 * Sends a call and retries what may safely be retried. A 429 is retried for as long as the
 * operation's deadline allows, or else for the policy's time plus the queue in front of it:
 * under a steady rate limit an item waits for its turn instead of failing.
 */
async function perform(ctx: VlmRunContext, call: ApiCall): Promise<FullResponse> {
	const policy = call.policy ?? DEFAULT_RETRY_POLICY;
	const kind = call.kind ?? defaultKind(call);
	const signal = cancelSignal(ctx);
	// Read before the first attempt, so a credential that cannot be read fails as itself.
	const { key, requestsPerMinute } = await account(ctx);
	const started = Date.now();
	let otherFailures = 0;
	for (let attempt = 1; ; attempt++) {
		if (signal.aborted) throw cancelledError(ctx, call, signal);
		let response: FullResponse | undefined;
		let code: string | undefined;
		try {
			response = await send(ctx, { ...call, kind });
		} catch (error) {
			if (signal.aborted) throw cancelledError(ctx, call, signal);
			code = findErrorCode(error) ?? 'ECONNABORTED';
		}
		if (response && response.statusCode < 300 && !isMalformed(call, response)) return response;

		const status = response && isMalformed(call, response) ? 502 : response?.statusCode;
		const retryAfterMs = response
			? parseRetryAfter(headerValue(response.headers, 'retry-after'))
			: undefined;
		let canRetry = isRetryable(kind, { status, errorCode: code });
		let delay = 0;
		if (status === 429) {
			// The account's pace already spaces the next turn; Retry-After pauses it.
			const budget =
				call.deadline ?? started + policy.maxTotalMs + queuedMs(key, requestsPerMinute);
			canRetry &&= Date.now() + (retryAfterMs ?? 0) <= budget;
		} else {
			otherFailures++;
			delay = retryDelay(otherFailures, policy, retryAfterMs);
			canRetry &&=
				otherFailures < policy.maxAttempts && Date.now() - started + delay <= policy.maxTotalMs;
		}
		if (!canRetry) throw failure(ctx, call, response, code);
		ctx.logger.debug(`VLM Run ${call.method} ${call.path}: retry ${attempt} in ${delay} ms`, {
			status,
			code,
		});
		await abortableSleep(delay, signal).catch(() => {
			throw cancelledError(ctx, call, signal);
		});
	}
}

/** The one way this package talks to VLM Run: auth, client id, pacing, retries and error mapping. */
export async function apiRequest<T = IDataObject>(ctx: VlmRunContext, call: ApiCall): Promise<T> {
	const response = await perform(ctx, call);
	return response.body as T;
}

/** Like apiRequest, but returns the raw bytes and content type (artifacts, skill bundles). */
export async function apiDownload(ctx: VlmRunContext, call: ApiCall): Promise<RawResponse> {
	const response = await perform(ctx, { ...call, binaryResponse: true });
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

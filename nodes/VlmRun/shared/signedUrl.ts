import type { IDataObject } from 'n8n-workflow';

import { apiError } from './errors';
import { cancelSignal } from './connection';
import {
	headerValue,
	TIMEOUTS,
	type FullResponse,
	type RawResponse,
	type VlmRunContext,
} from './transport';

/*
 * URLs VLM Run hands out (presigned downloads and uploads) carry their own signature, so the API
 * key is deliberately not sent along, and they go to storage, not to the API's rate limit.
 */

/** Fetches a presigned download URL. */
export async function fetchSignedUrl(ctx: VlmRunContext, url: string): Promise<RawResponse> {
	const response = (await ctx.helpers.httpRequest({
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

/** PUTs bytes to a presigned storage URL. */
export async function putSignedUrl(
	ctx: VlmRunContext,
	url: string,
	body: NodeJS.ReadableStream | Buffer,
	contentType: string,
	contentLength: number,
	itemIndex?: number,
): Promise<void> {
	const response = (await ctx.helpers.httpRequest({
		method: 'PUT',
		url,
		body: body as unknown as IDataObject,
		headers: { 'Content-Type': contentType, 'Content-Length': String(contentLength) },
		timeout: TIMEOUTS.upload,
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
		abortSignal: cancelSignal(ctx),
		// With redirects on, axios sends through follow-redirects, which keeps every chunk of the
		// request body in memory to replay it after a redirect: a 1 GiB upload would cost 1 GiB of
		// RAM. Storage URLs answer a PUT directly, so redirects are off and the body just streams.
		disableFollowRedirect: true,
	})) as FullResponse;
	if (response.statusCode !== 200) {
		throw apiError(ctx.getNode(), {
			status: response.statusCode,
			body: response.body,
			method: 'PUT',
			path: '(presigned upload URL)',
			itemIndex,
			resource: 'upload',
		});
	}
}

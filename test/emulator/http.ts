/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals */
import type { IncomingMessage, ServerResponse } from 'node:http';

export interface ValidationIssue {
	loc: Array<string | number>;
	msg: string;
	type: string;
	ctx?: Record<string, unknown>;
}

/** Thrown by handlers; the pipeline turns it into a FastAPI-shaped error body. */
export class HttpError extends Error {
	constructor(
		readonly status: number,
		readonly detail: string | ValidationIssue[],
		readonly headers: Record<string, string> = {},
	) {
		super(typeof detail === 'string' ? detail : 'Validation error');
	}
}

export const notFound = (thing: string) => new HttpError(404, `${thing} not found`);

export const unprocessable = (issues: ValidationIssue[]) => new HttpError(422, issues);

export const invalid = (loc: Array<string | number>, msg: string, type = 'value_error') =>
	unprocessable([{ loc, msg, type }]);

export const missing = (loc: Array<string | number>) =>
	unprocessable([{ loc, msg: 'field required', type: 'value_error.missing' }]);

export function sendJson(
	res: ServerResponse,
	status: number,
	body: unknown,
	headers: Record<string, string> = {},
): void {
	const text = JSON.stringify(body);
	res.writeHead(status, {
		'Content-Type': 'application/json',
		'Content-Length': String(Buffer.byteLength(text)),
		...headers,
	});
	res.end(text);
}

export function sendBytes(res: ServerResponse, contentType: string, data: Buffer): void {
	res.writeHead(200, { 'Content-Type': contentType, 'Content-Length': String(data.length) });
	res.end(data);
}

export const MAX_BUFFERED_BODY = 64 * 1024 * 1024;

export async function readBody(req: IncomingMessage): Promise<Buffer> {
	const chunks: Buffer[] = [];
	let size = 0;
	for await (const chunk of req) {
		const buf = chunk as Buffer;
		size += buf.length;
		if (size > MAX_BUFFERED_BODY) throw new HttpError(413, 'Request entity too large');
		chunks.push(buf);
	}
	return Buffer.concat(chunks);
}

/** Mirrors FastAPI: an unparsable JSON body is a 422, not a 400. */
export function parseJsonBody(raw: Buffer): unknown {
	if (raw.length === 0) return undefined;
	try {
		return JSON.parse(raw.toString('utf8'));
	} catch (error) {
		throw unprocessable([
			{
				loc: ['body', 0],
				msg: `JSON decode error: ${(error as Error).message}`,
				type: 'value_error.jsondecode',
			},
		]);
	}
}

export function headerRecord(req: IncomingMessage): Record<string, string> {
	const out: Record<string, string> = {};
	for (const [name, value] of Object.entries(req.headers)) {
		if (value === undefined) continue;
		out[name] = Array.isArray(value) ? value.join(', ') : value;
	}
	return out;
}

/** The package forbids secrets in logs, so credentials never reach the request log. */
export function redactHeaders(headers: Record<string, string>): Record<string, string> {
	const out = { ...headers };
	if (out.authorization !== undefined) {
		out.authorization = /^bearer\s/i.test(out.authorization) ? 'Bearer ***' : '***';
	}
	if (out['x-api-key'] !== undefined) out['x-api-key'] = '***';
	if (out.cookie !== undefined) out.cookie = '***';
	return out;
}

export const isoNow = (ms = Date.now()) => new Date(ms).toISOString();

export const sleep = (ms: number) =>
	new Promise<void>((resolve) => {
		if (ms <= 0) resolve();
		else setTimeout(resolve, ms);
	});

/** Matches an exact path or a prefix pattern ending with '*'. */
export function pathMatches(pattern: string, path: string): boolean {
	return pattern.endsWith('*') ? path.startsWith(pattern.slice(0, -1)) : pattern === path;
}

/* eslint-disable @n8n/community-nodes/no-restricted-imports */
import type { IncomingMessage, ServerResponse } from 'node:http';

import { errorDetail, MALFORMED_BODY, type FaultAction } from './faults';
import {
	headerRecord,
	HttpError,
	parseJsonBody,
	pathMatches,
	readBody,
	redactHeaders,
	sendJson,
	sleep,
} from './http';
import type { App, Router, RouteMatch } from './router';
import type { RuntimeConfig } from './state';
import type { RecordedRequest } from './types';

export const API_BASES = ['/v1', '/agent-base/v1'];

const STORAGE_PREFIXES = ['/__emulator/upload/', '/__emulator/blob/'];

const CHAT_PATH = '/openai/chat/completions';
const GUEST_CHATS_PER_DAY = 10;

function splitBase(pathname: string): { base: string; path: string } {
	for (const base of API_BASES) {
		if (pathname === base || pathname.startsWith(`${base}/`)) {
			return { base, path: pathname.slice(base.length) || '/' };
		}
	}
	return { base: '', path: pathname };
}

function latencyFor(config: RuntimeConfig, method: string, path: string): number {
	const { latencyMs } = config;
	if (typeof latencyMs === 'number') return latencyMs;
	const key = `${method} ${path}`;
	if (latencyMs[key] !== undefined) return latencyMs[key];
	for (const [pattern, ms] of Object.entries(latencyMs)) {
		const [patternMethod, patternPath] = pattern.split(' ');
		if (patternPath && patternMethod === method && pathMatches(patternPath, path)) return ms;
	}
	return latencyMs['*'] ?? 0;
}

/** Reference §11: special keys inject errors; chat alone also serves guests (reference §1.2). */
function authenticate(
	app: App,
	req: IncomingMessage,
	method: string,
	path: string,
): string | undefined {
	const match = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
	const key = match?.[1];
	const { config } = app.state;
	if (!key && req.headers.authorization === undefined && method === 'POST' && path === CHAT_PATH) {
		app.state.guestChats += 1;
		if (app.state.guestChats > GUEST_CHATS_PER_DAY)
			throw new HttpError(429, 'Guest chat limit reached');
		return undefined;
	}
	if (key === 'key-402') throw new HttpError(402, 'Insufficient credits');
	if (key === 'key-429') {
		throw new HttpError(
			429,
			'Rate limit exceeded',
			config.retryAfterOn429 ? { 'Retry-After': '1' } : {},
		);
	}
	if (key === 'key-500') throw new HttpError(500, 'Internal server error');
	if (!key || !config.apiKeys.includes(key)) throw new HttpError(401, 'Invalid API key');
	return key;
}

function logBody(raw: Buffer): unknown {
	if (raw.length === 0) return null;
	const text = raw.toString('utf8');
	try {
		return JSON.parse(text);
	} catch {
		return text;
	}
}

function applyFault(action: FaultAction, req: IncomingMessage, res: ServerResponse): void {
	if (action.kind === 'reset') {
		req.socket.destroy();
	} else if (action.kind === 'malformed') {
		res.writeHead(action.status, { 'Content-Type': 'application/json' });
		res.end(MALFORMED_BODY);
	} else {
		sendJson(res, action.status, action.body, action.headers);
	}
}

export function createHandler(app: App, api: Router, control: Router) {
	return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
		const url = new URL(req.url ?? '/', app.state.origin);
		const method = (req.method ?? 'GET').toUpperCase();
		const { base, path } = splitBase(url.pathname);
		const isApi = base !== '';
		const recorded = isApi || STORAGE_PREFIXES.some((prefix) => path.startsWith(prefix));
		const record: RecordedRequest = {
			method,
			path,
			base,
			query: Object.fromEntries(url.searchParams),
			headers: redactHeaders(headerRecord(req)),
			body: null,
			rawBodyBytes: 0,
			at: Date.now(),
		};
		res.once('finish', () => {
			record.status = res.statusCode;
		});
		try {
			let match: RouteMatch | null = null;
			let routeError: unknown = null;
			try {
				match = (isApi ? api : control).match(method, path);
			} catch (error) {
				routeError = error;
			}
			let raw: Buffer = Buffer.alloc(0);
			if (!match?.streaming) {
				raw = await readBody(req);
				record.rawBodyBytes = raw.length;
				record.body = logBody(raw);
			}
			if (recorded) app.state.record(record);
			if (isApi) await sleep(latencyFor(app.state.config, method, path));
			if (recorded) {
				const decision = app.faults.decide(method, path, isApi);
				if (decision) {
					await sleep(decision.delayMs);
					if (decision.action) {
						applyFault(decision.action, req, res);
						return;
					}
				}
			}
			if (!match) throw routeError;
			if (isApi) {
				const key = authenticate(app, req, method, path);
				// Every authenticated API call counts, status polls and downloads included.
				if (key) app.rateLimiter.take(key);
			}
			const body = isApi ? parseJsonBody(raw) : (logBody(raw) ?? undefined);
			const reply = await match.handler({
				app,
				req,
				res,
				method,
				path,
				params: match.params,
				query: record.query,
				body,
				record,
			});
			if (reply) sendJson(res, reply.status, reply.body, reply.headers);
		} catch (error) {
			if (res.headersSent) {
				res.destroy();
				return;
			}
			if (error instanceof HttpError) {
				sendJson(res, error.status, { detail: error.detail }, error.headers);
			} else {
				sendJson(res, 500, {
					detail: `${errorDetail(500)}: ${(error as Error)?.message ?? String(error)}`,
				});
			}
		}
	};
}

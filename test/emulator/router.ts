/* eslint-disable @n8n/community-nodes/no-restricted-imports */
import type { IncomingMessage, ServerResponse } from 'node:http';

import type { FaultInjector } from './faults';
import { HttpError } from './http';
import type { JobEngine } from './jobs';
import type { Query } from './query';
import type { RateLimiter } from './ratelimit';
import type { EmulatorState } from './state';
import type { RecordedRequest } from './types';
import type { WebhookDispatcher } from './webhooks';

/** Everything a handler can reach. */
export interface App {
	state: EmulatorState;
	jobs: JobEngine;
	faults: FaultInjector;
	webhooks: WebhookDispatcher;
	rateLimiter: RateLimiter;
}

export interface Ctx {
	app: App;
	req: IncomingMessage;
	res: ServerResponse;
	method: string;
	path: string;
	params: Record<string, string>;
	query: Query;
	/** Parsed JSON body; undefined for streaming routes, which read `req` themselves. */
	body: unknown;
	/** The log entry of this request; streaming routes fill in `body` once parsed. */
	record: RecordedRequest;
}

/** A JSON answer, or undefined when the handler already wrote the response itself. */
export interface Reply {
	status: number;
	body: unknown;
	headers?: Record<string, string>;
}

export type Handler = (ctx: Ctx) => Reply | undefined | Promise<Reply | undefined>;

export const ok = (body: unknown): Reply => ({ status: 200, body });
export const created = (body: unknown): Reply => ({ status: 201, body });

interface Route {
	method: string;
	segments: string[];
	handler: Handler;
	streaming: boolean;
}

export interface RouteMatch {
	handler: Handler;
	params: Record<string, string>;
	streaming: boolean;
}

export class Router {
	private readonly routes: Route[] = [];

	get(pattern: string, handler: Handler): this {
		return this.add('GET', pattern, handler);
	}

	post(pattern: string, handler: Handler): this {
		return this.add('POST', pattern, handler);
	}

	delete(pattern: string, handler: Handler): this {
		return this.add('DELETE', pattern, handler);
	}

	/** A route that consumes the request stream itself (multipart, raw uploads). */
	streaming(method: string, pattern: string, handler: Handler): this {
		return this.add(method, pattern, handler, true);
	}

	/** Throws FastAPI's 404/405 when nothing matches. */
	match(method: string, path: string): RouteMatch {
		const parts = path.split('/').filter(Boolean);
		let pathKnown = false;
		for (const route of this.routes) {
			const params = matchSegments(route.segments, parts);
			if (!params) continue;
			pathKnown = true;
			if (route.method === method || (method === 'HEAD' && route.method === 'GET')) {
				return { handler: route.handler, params, streaming: route.streaming };
			}
		}
		throw pathKnown ? new HttpError(405, 'Method Not Allowed') : new HttpError(404, 'Not Found');
	}

	private add(method: string, pattern: string, handler: Handler, streaming = false): this {
		this.routes.push({ method, segments: pattern.split('/').filter(Boolean), handler, streaming });
		return this;
	}
}

function matchSegments(segments: string[], parts: string[]): Record<string, string> | null {
	if (segments.length !== parts.length) return null;
	const params: Record<string, string> = {};
	for (let i = 0; i < segments.length; i++) {
		const segment = segments[i];
		if (segment.startsWith(':')) {
			try {
				params[segment.slice(1)] = decodeURIComponent(parts[i]);
			} catch {
				return null;
			}
		} else if (segment !== parts[i]) {
			return null;
		}
	}
	return params;
}

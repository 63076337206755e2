/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import type { Emulator } from './index';

/** Tests walk arbitrary response JSON, so parsed bodies are deliberately untyped. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

export interface CallResult {
	status: number;
	headers: Headers;
	text: string;
	json: Json;
}

export interface CallOptions {
	body?: unknown;
	key?: string | null;
	headers?: Record<string, string>;
	form?: FormData;
}

/** One API call over real HTTP; `key: null` sends no Authorization header. */
export async function call(
	emu: Emulator,
	method: string,
	path: string,
	options: CallOptions = {},
): Promise<CallResult> {
	const headers: Record<string, string> = { ...options.headers };
	const key = options.key === undefined ? emu.apiKey : options.key;
	if (key !== null) headers.Authorization = `Bearer ${key}`;
	let body: string | FormData | undefined;
	if (options.form) body = options.form;
	else if (options.body !== undefined) {
		headers['Content-Type'] = 'application/json';
		body = JSON.stringify(options.body);
	}
	const url = path.startsWith('http') ? path : `${emu.baseUrl}${path}`;
	const res = await fetch(url, { method, headers, body });
	const text = await res.text();
	let json: unknown = undefined;
	try {
		json = JSON.parse(text);
	} catch {
		json = undefined;
	}
	return { status: res.status, headers: res.headers, text, json };
}

export async function upload(
	emu: Emulator,
	filename: string,
	content: string | Buffer = 'hello',
): Promise<Json> {
	const form = new FormData();
	form.append('file', new Blob([content]), filename);
	const res = await call(emu, 'POST', '/files', { form });
	expect(res.status).toBe(201);
	return res.json;
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function waitFor<T>(probe: () => T | undefined | false, timeoutMs = 3000): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const value = probe();
		if (value) return value;
		if (Date.now() > deadline) throw new Error('waitFor timed out');
		await sleep(10);
	}
}

export interface ReceivedHook {
	headers: IncomingHttpHeaders;
	body: string;
}

/** A webhook receiver answering the scripted statuses in turn (the last one repeats). */
export async function startReceiver(statuses: number[] = [200]) {
	const received: ReceivedHook[] = [];
	const server: Server = createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (chunk: Buffer) => chunks.push(chunk));
		req.on('end', () => {
			received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
			res.statusCode = statuses[Math.min(received.length - 1, statuses.length - 1)];
			res.end();
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	return {
		url: `http://127.0.0.1:${port}/hook`,
		received,
		close: () =>
			new Promise<void>((resolve) => {
				server.closeAllConnections();
				server.close(() => resolve());
			}),
	};
}

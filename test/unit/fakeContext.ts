import type {
	IBinaryData,
	IDataObject,
	IExecuteFunctions,
	IHttpRequestOptions,
	INode,
	INodeExecutionData,
} from 'n8n-workflow';

import { route, type OperationMap } from '../../nodes/VlmRun/shared/router';

export const testNode: INode = {
	id: 'node-1',
	name: 'VLM Run Request',
	type: 'n8n-nodes-vlmrun.vlmRunRequest',
	typeVersion: 1,
	position: [0, 0],
	parameters: {},
};

/** Only what pure validation helpers touch: the node, for their error objects. */
export const nodeOnlyContext = { getNode: () => testNode } as unknown as IExecuteFunctions;

/** One step of a scripted transport: a response, or a connection error with this `code`. */
export type ScriptedStep =
	| { statusCode: number; body?: unknown; headers?: Record<string, string> }
	| { code: string };

/**
 * A context for the transport helpers: `httpRequestWithAuthentication` answers each request
 * with the next step of `script` (`{ code }` throws a connection error) and records the
 * request options in `sent`.
 */
export function scriptedContext(
	script: ScriptedStep[],
	{ baseUrl = 'http://vlm.test/v1/', signal }: { baseUrl?: string; signal?: AbortSignal } = {},
) {
	const sent: IHttpRequestOptions[] = [];
	const ctx = {
		getNode: () => testNode,
		getCredentials: async () => ({ apiKey: 'secret-key-123', baseUrl }),
		getExecutionCancelSignal: () => signal,
		logger: { debug: () => undefined },
		helpers: {
			httpRequestWithAuthentication: async (_credential: string, options: IHttpRequestOptions) => {
				sent.push(options);
				const next = script.shift();
				if (!next) throw new Error('script exhausted');
				if ('code' in next)
					throw Object.assign(new Error('connection failed'), { code: next.code });
				return { headers: {}, body: {}, ...next };
			},
		},
	} as unknown as IExecuteFunctions;
	return { ctx, sent };
}

/** One answer of the scripted VLM Run API. */
export interface ApiAnswer {
	statusCode: number;
	body?: unknown;
	headers?: Record<string, string>;
}

/**
 * Answers by "METHOD /path" (the URL after the credential's base URL, without the query string);
 * an array answers successive calls in turn. A request nobody scripted gets a 404.
 */
export type ApiScript = Record<string, ApiAnswer | ApiAnswer[]>;

/** What the node sent to VLM Run, one entry per request, in order. */
export interface SentRequest {
	method: string;
	path: string;
	qs?: IDataObject;
	body?: unknown;
}

export interface OperationSetup {
	/** The node's parameters: one set for every item, or one set per item. */
	parameters: IDataObject | IDataObject[];
	/** The input items; one empty item by default. */
	items?: INodeExecutionData[];
	api?: ApiScript;
	/** Presigned links fetched without the API key, by URL. */
	downloads?: Record<string, { body: Buffer; contentType: string }>;
	continueOnFail?: boolean;
}

const BASE_URL = 'http://vlm.test/v1';

/** An input item carrying one file, stored in memory as n8n does for small files. */
export function fileItem(
	fileName: string,
	mimeType: string,
	content: string | Buffer,
	property = 'data',
): INodeExecutionData {
	const data = Buffer.from(content);
	return {
		json: { name: fileName },
		binary: {
			[property]: { data: data.toString('base64'), fileName, mimeType, fileSize: `${data.length}` },
		},
	};
}

/**
 * A context for running an operation through the router, as n8n runs the node: parameters per
 * item (dotted names read nested values, a resource locator gives its value with `extractValue`),
 * the input items and their binary data, and the scripted VLM Run API recording what it received.
 */
export function operationContext(setup: OperationSetup) {
	const sent: SentRequest[] = [];
	const items: INodeExecutionData[] = setup.items ?? [{ json: {} }];
	const script = setup.api ?? {};
	const parametersOf = (i: number) =>
		Array.isArray(setup.parameters) ? setup.parameters[i] : setup.parameters;
	const binaryOf = (i: number, property: string): IBinaryData => {
		const binary = items[i]?.binary?.[property];
		if (!binary) throw new Error(`item ${i} has no binary field "${property}"`);
		return binary;
	};
	function getNodeParameter(
		name: string,
		i: number,
		...rest: [fallback?: unknown, options?: { extractValue?: boolean }]
	) {
		const value = name
			.split('.')
			.reduce<unknown>((node, key) => (node as IDataObject | undefined)?.[key], parametersOf(i));
		if (value === undefined) {
			if (rest.length > 0) return rest[0];
			throw new Error(`Could not get parameter "${name}"`);
		}
		const [, options] = rest;
		if (options?.extractValue && value && typeof value === 'object' && '__rl' in value)
			return (value as IDataObject).value;
		return value;
	}
	const ctx = {
		getNode: () => testNode,
		getInputData: () => items,
		continueOnFail: () => setup.continueOnFail === true,
		getNodeParameter,
		// Not run from a streaming Chat Trigger: the Chat node asks for the whole answer at once.
		isStreaming: () => false,
		getCredentials: async () => ({ apiKey: 'secret-key-123', baseUrl: BASE_URL }),
		getExecutionCancelSignal: () => undefined,
		logger: { debug: () => undefined, warn: () => undefined },
		helpers: {
			httpRequestWithAuthentication: async (_credential: string, options: IHttpRequestOptions) => {
				const path = options.url.slice(BASE_URL.length);
				sent.push({ method: String(options.method), path, qs: options.qs, body: options.body });
				const scripted = script[`${options.method} ${path}`];
				const answer = Array.isArray(scripted) ? scripted.shift() : scripted;
				return { headers: {}, ...(answer ?? { statusCode: 404, body: { detail: 'Not found' } }) };
			},
			httpRequest: async (options: IHttpRequestOptions) => {
				const download = setup.downloads?.[options.url];
				if (!download) throw new Error(`unexpected request to ${options.url}`);
				return {
					statusCode: 200,
					body: download.body,
					headers: { 'content-type': download.contentType },
				};
			},
			assertBinaryData: (i: number, property: string) => binaryOf(i, property),
			getBinaryDataBuffer: async (i: number, property: string) =>
				Buffer.from(binaryOf(i, property).data, 'base64'),
			prepareBinaryData: async (data: Buffer, fileName?: string, mimeType?: string) => ({
				data: data.toString('base64'),
				fileName,
				mimeType: mimeType ?? 'application/octet-stream',
				fileSize: `${data.length}`,
			}),
		},
	} as unknown as IExecuteFunctions;
	return { ctx, sent };
}

/** Runs the node's operation (chosen by the `resource` and `operation` parameters) as n8n would. */
export async function runOperation(operations: OperationMap, setup: OperationSetup) {
	const { ctx, sent } = operationContext(setup);
	const [output] = await route(ctx, operations);
	return { output, sent };
}

/** Runs the operation expecting the node to fail; returns the error and what VLM Run received. */
export async function failOperation(operations: OperationMap, setup: OperationSetup) {
	const { ctx, sent } = operationContext(setup);
	const error = await route(ctx, operations).then(
		() => {
			throw new Error('the node did not fail');
		},
		(thrown: Error) => thrown,
	);
	return { error, sent };
}

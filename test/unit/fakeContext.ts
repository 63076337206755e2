import type { IExecuteFunctions, IHttpRequestOptions, INode } from 'n8n-workflow';

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

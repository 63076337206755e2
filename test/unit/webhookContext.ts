import { createHmac } from 'node:crypto';

import type {
	IDataObject,
	IExecuteFunctions,
	IHttpRequestOptions,
	INode,
	IWebhookFunctions,
} from 'n8n-workflow';

import { fakeResponse } from '../fakeResponse';
import { testNode } from './fakeContext';

/** A scripted VLM Run API: answers by "METHOD /path" (after the base URL); unknown paths get 404. */
export type Api = Record<
	string,
	{ statusCode: number; body?: unknown } | Array<{ statusCode: number; body?: unknown }>
>;

export function apiHelper(api: Api, sent: string[]) {
	return async (_credential: string, options: IHttpRequestOptions) => {
		const key = `${options.method} ${options.url.replace('http://vlm.test/v1', '')}`;
		sent.push(key);
		const scripted = api[key];
		const answer = Array.isArray(scripted) ? scripted.shift() : scripted;
		return { headers: {}, ...(answer ?? { statusCode: 404, body: { detail: 'Not found' } }) };
	};
}

function nodeWith(name: string, credentialId: string | undefined): INode {
	return {
		...testNode,
		name,
		...(credentialId ? { credentials: { vlmRunApi: { id: credentialId, name: 'VLM Run' } } } : {}),
	};
}

export interface WebhookSetup {
	body: string;
	headers?: Record<string, string>;
	/** undefined: the node has no credential; '': a credential without a signing secret. */
	secret?: string;
	options?: IDataObject;
	staticData?: IDataObject;
	api?: Api;
	nodeName?: string;
	/** What `{{ $node[…].context[…] }}` evaluates to; a function answers per expression. */
	expressionValue?: unknown;
	executionId?: string;
	/** The query string of the request URL, parsed. */
	query?: Record<string, string>;
	/** The workflow the node belongs to (what the trigger's memory of deliveries is scoped to). */
	workflowId?: string;
	/** The id of the node's credential, when it has one (`secret` set). */
	credentialId?: string;
}

export function webhookContext(setup: WebhookSetup) {
	const sent: string[] = [];
	const expressions: string[] = [];
	const { response: responseObject, answer: response } = fakeResponse<IDataObject>();
	const staticData = setup.staticData ?? {};
	const credentialReads = { count: 0 };
	const ctx = {
		getNode: () =>
			nodeWith(
				setup.nodeName ?? 'VLM Run Trigger',
				setup.secret === undefined ? undefined : (setup.credentialId ?? 'cred1'),
			),
		getCredentials: async () => {
			credentialReads.count++;
			return { apiKey: 'k', baseUrl: 'http://vlm.test/v1', webhookSecret: setup.secret };
		},
		getRequestObject: () => ({
			rawBody: Buffer.from(setup.body, 'utf8'),
			headers: setup.headers ?? {},
			query: setup.query ?? {},
		}),
		getResponseObject: () => responseObject,
		getNodeParameter: (name: string, fallback: unknown) =>
			name === 'options' ? (setup.options ?? {}) : fallback,
		getWorkflowStaticData: () => staticData,
		evaluateExpression: (expression: string) => {
			expressions.push(expression);
			const value = setup.expressionValue;
			return typeof value === 'function' ? (value as (e: string) => unknown)(expression) : value;
		},
		getExecutionId: () => setup.executionId ?? '7',
		getWorkflow: () => ({ id: setup.workflowId ?? 'workflow-1', active: true }),
		getExecutionCancelSignal: () => undefined,
		logger: { debug: () => undefined, warn: () => undefined },
		helpers: {
			returnJsonArray: (data: IDataObject) => [{ json: data }],
			httpRequestWithAuthentication: apiHelper(setup.api ?? {}, sent),
		},
	} as unknown as IWebhookFunctions;
	return { ctx, sent, response, staticData, expressions, credentialReads };
}

export interface ExecuteSetup {
	api?: Api;
	continueOnFail?: boolean;
	nodeType?: string;
}

export function executeContext(setup: ExecuteSetup = {}) {
	const sent: string[] = [];
	const nodeContext: IDataObject = {};
	const waits: Date[] = [];
	const warnings: string[] = [];
	const ctx = {
		getNode: () => ({ ...nodeWith('Extract', 'cred1'), type: setup.nodeType ?? testNode.type }),
		getCredentials: async () => ({ apiKey: 'k', baseUrl: 'http://vlm.test/v1' }),
		getContext: () => nodeContext,
		putExecutionToWait: async (until: Date) => {
			waits.push(until);
		},
		continueOnFail: () => setup.continueOnFail === true,
		evaluateExpression: (expression: string) =>
			expression === '{{ $execution.resumeUrl }}'
				? 'http://n8n.test/webhook-waiting/7?signature=t0k'
				: undefined,
		getExecutionCancelSignal: () => undefined,
		logger: { debug: () => undefined, warn: (message: string) => warnings.push(message) },
		helpers: { httpRequestWithAuthentication: apiHelper(setup.api ?? {}, sent) },
	} as unknown as IExecuteFunctions;
	return { ctx, sent, nodeContext, waits, warnings };
}

/** The header VLM Run would send for this body. */
export const signatureHeader = (secret: string, body: string) => ({
	'x-vlmrun-signature': `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`,
});

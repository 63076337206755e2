// Runs the VLM Run Trigger's webhook() the way n8n's webhook server does: through n8n-core's
// WebhookContext, with the request's raw body kept (n8n keeps it for every webhook) and a response
// object to answer on. (A waiting run's resume webhook is ../resume.ts.)
import { randomUUID } from 'node:crypto';

import { WebhookContext } from 'n8n-core';
import { Workflow } from 'n8n-workflow';
import type {
	ICredentialDataDecryptedObject,
	INode,
	IWebhookData,
	IWebhookResponseData,
	IWorkflowExecuteAdditionalData,
} from 'n8n-workflow';

import { VlmRunApi } from '../../../credentials/VlmRunApi.credentials';
import { fakeResponse } from '../../fakeResponse';
import { VlmRunTrigger } from '../../../nodes/VlmRun/VlmRunTrigger.node';
import { HarnessCredentialsHelper, HarnessNodeTypes } from '../harness';

export interface Callback {
	body: string;
	/** The X-VLMRun-Signature header for the body, or undefined to send none. */
	signature: (body: string) => string | undefined;
}

export interface CallbackAnswer {
	/** Set when the node answered the request itself. */
	status?: number;
	body?: unknown;
	response: IWebhookResponseData;
}

/** Delivers one callback to a VLM Run Trigger whose credential is `credential` plus `webhookSecret`. */
export async function deliver(
	callback: Callback,
	credential: ICredentialDataDecryptedObject,
	webhookSecret: string,
): Promise<CallbackAnswer> {
	const node: INode = {
		id: randomUUID(),
		name: 'VLM Run',
		type: 'n8n-nodes-vlmrun.vlmRunTrigger',
		typeVersion: 1,
		position: [0, 0],
		parameters: {},
		credentials: { vlmRunApi: { id: 'cred-1', name: 'VLM Run' } },
	};
	const nodeTypes = new HarnessNodeTypes([VlmRunTrigger]);
	const workflow = new Workflow({
		id: 'webhookCase',
		nodes: [node],
		connections: {},
		active: true,
		nodeTypes,
	});
	const signature = callback.signature(callback.body);
	const request = {
		method: 'POST',
		headers: {
			'content-type': 'application/json',
			...(signature ? { 'x-vlmrun-signature': signature } : {}),
		},
		rawBody: Buffer.from(callback.body),
		body: {},
		params: {},
		query: {},
	};
	const { response, answer } = fakeResponse();
	const additionalData = {
		credentialsHelper: new HarnessCredentialsHelper([new VlmRunApi()], {
			vlmRunApi: { ...credential, webhookSecret },
		}),
		httpRequest: request,
		httpResponse: response,
		variables: {},
		executionId: 'webhook-case',
		instanceBaseUrl: 'http://127.0.0.1:5678/',
		webhookWaitingBaseUrl: 'http://127.0.0.1:5678/webhook-waiting',
	} as unknown as IWorkflowExecuteAdditionalData;
	const webhookData: IWebhookData = {
		httpMethod: 'POST',
		node: node.name,
		path: 'webhook',
		webhookDescription: {
			name: 'default',
			httpMethod: 'POST',
			path: 'webhook',
			responseMode: 'onReceived',
		},
		workflowId: workflow.id,
		workflowExecuteAdditionalData: additionalData,
	};
	const context = new WebhookContext(
		workflow,
		node,
		additionalData,
		'webhook',
		webhookData,
		[],
		null,
	);
	const nodeType = nodeTypes.getByNameAndVersion(node.type, 1);
	const webhook = nodeType.webhook as NonNullable<typeof nodeType.webhook>;
	const responseData = await webhook.call(context);
	return { ...answer, response: responseData };
}

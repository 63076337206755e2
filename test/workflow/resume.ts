// Resumes a waiting run the way n8n's waiting-webhook route does (WaitingWebhooks → executeWebhook →
// WebhookService.runWebhook): the waiting node's webhook() runs in n8n-core's WebhookContext, with
// the run data as n8n saved it and the execution's id, so the expression that reads the node
// context and the binary data it stores are real. What n8n then does with the answer (running the
// rest of the workflow, pairing the items by position) needs its server, and is tested end to end.
import { WebhookContext } from 'n8n-core';
import { Workflow } from 'n8n-workflow';
import type {
	ICredentialDataDecryptedObject,
	INode,
	INodeExecutionData,
	IRunExecutionData,
	IWebhookData,
	IWebhookResponseData,
	IWorkflowExecuteAdditionalData,
} from 'n8n-workflow';

import { VlmRunApi } from '../../credentials/VlmRunApi.credentials';
import { fakeResponse } from '../fakeResponse';
import {
	HARNESS_WORKFLOW_ID,
	HarnessCredentialsHelper,
	HarnessNodeTypes,
	type NodeTypeInput,
	type WorkflowRunResult,
} from './harness';

export interface ResumeRequest {
	nodeTypes: NodeTypeInput[];
	credentials: Record<string, ICredentialDataDecryptedObject>;
	/** The raw callback body, as VLM Run posts it. */
	body: string;
	headers?: Record<string, string>;
}

export interface ResumeAnswer {
	/** Set when the node answered the request itself (no resume). */
	status?: number;
	body?: unknown;
	response: IWebhookResponseData;
	/** The items the node resumes with (its output), when it resumes. */
	items?: INodeExecutionData[];
}

/** The jobs a waiting run waits for, as its one waiting item names them (on whichever output). */
export function waitingJobs(waiting: WorkflowRunResult): string[] {
	const node = waiting.run.data.resultData.lastNodeExecuted as string;
	const outputs = waiting.run.data.resultData.runData[node]?.at(-1)?.data?.main ?? [];
	const items = outputs.flatMap((output) => output ?? []);
	expect(items).toHaveLength(1);
	expect(items[0].json).toMatchObject({ status: 'waiting', waitingFor: 'callbacks' });
	const ids = String(items[0].json.jobIds).split(', ');
	expect(items[0].json.jobCount).toBe(ids.length);
	return ids;
}

/** Delivers one callback to the resume URL of a run that ended `waiting`. */
export async function resumeWaiting(
	waiting: WorkflowRunResult,
	request: ResumeRequest,
): Promise<ResumeAnswer> {
	// A JSON round trip stands for n8n saving the waiting execution and loading it again.
	const runData = JSON.parse(JSON.stringify(waiting.run.data)) as IRunExecutionData;
	const node = runData.executionData?.nodeExecutionStack[0]?.node as INode;
	const nodeTypes = new HarnessNodeTypes(request.nodeTypes);
	const workflow = new Workflow({
		id: HARNESS_WORKFLOW_ID,
		nodes: [node],
		connections: {},
		active: true,
		nodeTypes,
	});
	const { response, answer } = fakeResponse();
	const httpRequest = {
		method: 'POST',
		headers: { 'content-type': 'application/json', ...request.headers },
		rawBody: Buffer.from(request.body),
		body: JSON.parse(request.body) as unknown,
		params: {},
		query: {},
	};
	const base = 'http://127.0.0.1:5678/';
	const additionalData = {
		credentialsHelper: new HarnessCredentialsHelper([new VlmRunApi()], request.credentials),
		httpRequest,
		httpResponse: response,
		executionId: waiting.executionId,
		workflowId: HARNESS_WORKFLOW_ID,
		variables: {},
		restApiUrl: `${base}rest`,
		instanceBaseUrl: base,
		webhookBaseUrl: `${base}webhook`,
		webhookWaitingBaseUrl: `${base}webhook-waiting`,
		formWaitingBaseUrl: `${base}form-waiting`,
	} as unknown as IWorkflowExecuteAdditionalData;
	const nodeType = nodeTypes.getByNameAndVersion(node.type, node.typeVersion);
	const [description] = nodeType.description.webhooks ?? [];
	const webhookData: IWebhookData = {
		httpMethod: 'POST',
		node: node.name,
		path: description.path as string,
		webhookDescription: description,
		workflowId: HARNESS_WORKFLOW_ID,
		workflowExecuteAdditionalData: additionalData,
	};
	const context = new WebhookContext(
		workflow,
		node,
		additionalData,
		'manual',
		webhookData,
		[],
		runData,
	);
	const webhook = nodeType.webhook as NonNullable<typeof nodeType.webhook>;
	// n8n holds an expression isolate for the workflow while the webhook runs.
	await workflow.expression.acquireIsolate();
	try {
		const result = await webhook.call(context);
		return { ...answer, response: result, items: result.workflowData?.[0] };
	} finally {
		await workflow.expression.releaseIsolate();
	}
}

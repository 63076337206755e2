import type {
	IExecuteFunctions,
	INodeExecutionData,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';

import { waitForCallbacks, type JobShapers } from './callback';
import { resumeFromCallback } from './callbackTally';
import { routeReviewed } from './review';
import { route, type OperationMap } from './router';

/**
 * What the Request and Execution nodes have in common: their jobs may wait for VLM Run's
 * callbacks, and the finished items may go through Review Rules, both in execute() and when a
 * callback resumes the execution.
 */
export interface JobNode {
	operations: OperationMap;
	/** Build the item of a job that finished while the execution was waiting. */
	shapers: JobShapers;
	/** The resource and operation whose Review Rules give the node its second output. */
	reviewed: { resource: string; operation: string };
}

export async function executeJobNode(
	ctx: IExecuteFunctions,
	node: JobNode,
): Promise<INodeExecutionData[][]> {
	const output = await waitForCallbacks(ctx, await route(ctx, node.operations), node.shapers);
	return routeReviewed(ctx, output, node.reviewed);
}

export async function receiveJobCallback(
	ctx: IWebhookFunctions,
	node: JobNode,
): Promise<IWebhookResponseData> {
	const response = await resumeFromCallback(ctx, node.shapers);
	if (response.workflowData)
		response.workflowData = routeReviewed(ctx, response.workflowData, node.reviewed);
	return response;
}

import { NodeConnectionTypes } from 'n8n-workflow';
import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';

import { searchDomains } from './methods/listSearch';
import { operations, properties } from './request';
import { predictionShapers } from './request/extract.operation';
import { REQUEST_DEFAULTS } from './request/extract.review';
import { callbackWebhooks } from './shared/callback';
import { executeJobNode, receiveJobCallback, type JobNode } from './shared/jobNode';
import { reviewOutputsExpression } from './shared/review';

const JOBS: JobNode = { operations, shapers: predictionShapers, reviewed: REQUEST_DEFAULTS };

export class VlmRunRequest implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'VLM Run Request',
		name: 'vlmRunRequest',
		icon: { light: 'file:vlmrun.svg', dark: 'file:vlmrun.dark.svg' },
		group: ['transform'],
		// 1.1 is 1 unchanged. n8n's waiting-webhook route evaluates an expression for every request to
		// a node of version 1 (a check meant for the Webhook node v1), which is the dearest part of a
		// Wait for Callback delivery in n8n 2.x; nodes of version 1.1 skip it.
		version: [1, 1.1],
		subtitle: '={{ $parameter["operation"] + ": " + $parameter["resource"] }}',
		description:
			'Extract structured JSON from documents, images, audio and video with VLM Run (vlm-1): invoices, receipts, IDs, forms, transcripts',
		defaults: { name: 'VLM Run Request' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		// Confident and Needs Review once Review Rules are set (see shared/review).
		outputs: reviewOutputsExpression(REQUEST_DEFAULTS),
		credentials: [{ name: 'vlmRunApi', required: true }],
		webhooks: callbackWebhooks,
		waitingNodeTooltip: 'Waiting for VLM Run to call back with the finished jobs',
		properties,
	};

	methods = { listSearch: { searchDomains } };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await executeJobNode(this, JOBS);
	}

	/** Receives VLM Run's callbacks for Completion: Wait for Callback (see shared/callback.ts). */
	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		return await receiveJobCallback(this, JOBS);
	}
}

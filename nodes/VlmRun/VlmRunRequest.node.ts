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
import { callbackWebhooks, resumeFromCallback, waitForCallbacks } from './shared/callback';
import { reviewOutputsExpression, routeReviewed } from './shared/review';
import { route } from './shared/router';

export class VlmRunRequest implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'VLM Run Request',
		name: 'vlmRunRequest',
		icon: { light: 'file:vlmrun.svg', dark: 'file:vlmrun.dark.svg' },
		group: ['transform'],
		version: 1,
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
		const output = await waitForCallbacks.call(
			this,
			await route(this, operations),
			predictionShapers,
		);
		return routeReviewed(this, output, REQUEST_DEFAULTS);
	}

	/** Receives VLM Run's callbacks for Completion: Wait for Callback (see shared/callback.ts). */
	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		const response = await resumeFromCallback.call(this, predictionShapers);
		if (response.workflowData)
			response.workflowData = routeReviewed(this, response.workflowData, REQUEST_DEFAULTS);
		return response;
	}
}

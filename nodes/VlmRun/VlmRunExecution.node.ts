import { NodeConnectionTypes } from 'n8n-workflow';
import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';

import { operations, properties } from './execution';
import { executionShapers } from './execution/run.operation';
import { EXECUTION_DEFAULTS } from './execution/run.review';
import { searchAgents, searchSkills } from './methods/listSearch';
import { callbackWebhooks } from './shared/callback';
import { executeJobNode, receiveJobCallback, type JobNode } from './shared/jobNode';
import { reviewOutputsExpression } from './shared/review';

const JOBS: JobNode = { operations, shapers: executionShapers, reviewed: EXECUTION_DEFAULTS };

export class VlmRunExecution implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'VLM Run Execution',
		name: 'vlmRunExecution',
		icon: { light: 'file:vlmrun.svg', dark: 'file:vlmrun.dark.svg' },
		group: ['transform'],
		// 1.1 is 1 unchanged. n8n's waiting-webhook route evaluates an expression for every request to
		// a node of version 1 (a check meant for the Webhook node v1), which is the dearest part of a
		// Wait for Callback delivery in n8n 2.x; nodes of version 1.1 skip it.
		version: [1, 1.1],
		subtitle: '={{ $parameter["operation"] + ": " + $parameter["resource"] }}',
		description:
			'Run VLM Run agents (vlmrun-orion-1) over several files at once, with skills, and get JSON plus generated files back',
		defaults: { name: 'VLM Run Execution' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		// Confident and Needs Review once Review Rules are set (see shared/review).
		outputs: reviewOutputsExpression(EXECUTION_DEFAULTS),
		credentials: [{ name: 'vlmRunApi', required: true }],
		webhooks: callbackWebhooks,
		waitingNodeTooltip: 'Waiting for VLM Run to call back with the finished executions',
		properties,
	};

	methods = { listSearch: { searchAgents, searchSkills } };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await executeJobNode(this, JOBS);
	}

	/** Receives VLM Run's callbacks for Run with Completion: Wait for Callback (see shared/callback.ts). */
	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		return await receiveJobCallback(this, JOBS);
	}
}

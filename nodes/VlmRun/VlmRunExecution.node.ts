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
import { searchAgents, searchSkills } from './methods/listSearch';
import { callbackWebhooks, resumeFromCallback, waitForCallbacks } from './shared/callback';
import { route } from './shared/router';

export class VlmRunExecution implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'VLM Run Execution',
		name: 'vlmRunExecution',
		icon: { light: 'file:vlmrun.svg', dark: 'file:vlmrun.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{ $parameter["operation"] + ": " + $parameter["resource"] }}',
		description:
			'Run VLM Run agents (vlmrun-orion-1) over several files at once, with skills, and get JSON plus generated files back',
		defaults: { name: 'VLM Run Execution' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'vlmRunApi', required: true }],
		webhooks: callbackWebhooks,
		waitingNodeTooltip: 'Waiting for VLM Run to call back with the finished executions',
		properties,
	};

	methods = { listSearch: { searchAgents, searchSkills } };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await waitForCallbacks.call(this, await route.call(this, operations), executionShapers);
	}

	/** Receives VLM Run's callbacks for Run with Completion: Wait for Callback (see shared/callback.ts). */
	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		return await resumeFromCallback.call(this, executionShapers);
	}
}

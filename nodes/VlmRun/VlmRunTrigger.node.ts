import { NodeConnectionTypes } from 'n8n-workflow';
import type {
	INodeType,
	INodeTypeDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';

import { CREDENTIAL_NAME } from './shared/transport';
import { triggerProperties } from './trigger/properties';
import { receiveCallback } from './trigger/webhook';

export class VlmRunTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'VLM Run Trigger',
		name: 'vlmRunTrigger',
		icon: { light: 'file:vlmrun.svg', dark: 'file:vlmrun.dark.svg' },
		group: ['trigger'],
		// n8n's webhook routes evaluate an expression for every request to a node of version 1 (a
		// check meant for the Webhook node v1); nodes of version 1.1 skip it.
		version: [1, 1.1],
		subtitle: 'On finished job',
		description:
			'Starts the workflow when VLM Run posts a finished prediction or agent execution to its callback URL',
		defaults: { name: 'VLM Run Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: CREDENTIAL_NAME, required: false }],
		webhooks: [
			{
				name: 'default',
				httpMethod: 'POST',
				responseMode: 'onReceived',
				responseData: '',
				path: 'webhook',
			},
		],
		properties: triggerProperties,
	};

	// VLM Run has no API to register a callback URL: each job names its own callback_url. So there is
	// nothing to check, create or delete when the workflow is published or unpublished.
	webhookMethods = {
		default: {
			async checkExists(): Promise<boolean> {
				return true;
			},
			async create(): Promise<boolean> {
				return true;
			},
			async delete(): Promise<boolean> {
				return true;
			},
		},
	};

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		return await receiveCallback(this);
	}
}

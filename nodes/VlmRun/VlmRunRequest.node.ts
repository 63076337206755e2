import { NodeConnectionTypes } from 'n8n-workflow';
import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';

import { searchDomains } from './methods/listSearch';
import { operations, properties } from './request';
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
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'vlmRunApi', required: true }],
		properties,
	};

	methods = { listSearch: { searchDomains } };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await route.call(this, operations);
	}
}

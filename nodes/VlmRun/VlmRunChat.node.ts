import { NodeConnectionTypes } from 'n8n-workflow';
import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';

import { operations, properties } from './chat';
import { searchSkills } from './methods/listSearch';
import { route } from './shared/router';

export class VlmRunChat implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'VLM Run Chat',
		name: 'vlmRunChat',
		icon: { light: 'file:vlmrun.svg', dark: 'file:vlmrun.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle:
			'={{ $parameter["model"] === "custom" ? $parameter["customModel"] : $parameter["model"] }}',
		description:
			'Chat with VLM Run Orion models about images, documents, audio and video: text or JSON answers, conversations that remember, streamed into the n8n chat',
		defaults: { name: 'VLM Run Chat' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'vlmRunApi', required: true }],
		properties,
	};

	methods = { listSearch: { searchSkills } };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await route(this, operations);
	}
}

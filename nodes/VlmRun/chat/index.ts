import type { INodeProperties } from 'n8n-workflow';

import {
	nodeProperties,
	operationMap,
	type OperationOptions,
	type ResourceOptions,
} from '../shared/router';
import { message } from './message.operation';

export const operations = operationMap({
	chat: { message },
});

type Operations = typeof operations;

const selectors: INodeProperties[] = [
	{
		displayName: 'Resource',
		name: 'resource',
		type: 'options',
		noDataExpression: true,
		options: [{ name: 'Chat', value: 'chat' }] satisfies ResourceOptions<Operations>,
		default: 'chat',
	},
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['chat'] } },
		options: [
			{
				name: 'Message a Model',
				value: 'message',
				action: 'Message a model',
				description:
					'Ask a VLM Run model about text, images, documents, audio or video, in one turn or a whole conversation',
			},
		] satisfies OperationOptions<Operations, 'chat'>,
		default: 'message',
	},
];

export const properties = nodeProperties(selectors, operations);

import type { INodeProperties } from 'n8n-workflow';

import { binaryFieldsProperty } from '../shared/descriptions';

const fromChatTrigger = { show: { promptSource: ['chatTrigger'] } };
const definedBelow = { show: { promptSource: ['define'] } };

const attachFilesOptions = [
	{ name: 'All Binary Fields', value: 'all', description: 'Every file of the item, if it has any' },
	{ name: 'No Files', value: 'none' },
	{ name: 'Selected Binary Fields', value: 'fields', description: 'The binary fields named below' },
];

export const promptProperties: INodeProperties[] = [
	{
		displayName: 'Prompt',
		name: 'promptSource',
		type: 'options',
		options: [
			{
				name: 'From Connected Chat Trigger',
				value: 'chatTrigger',
				description:
					'The chat message (chatInput), its session (sessionId) and the files the user uploaded',
			},
			{
				name: 'Define Below',
				value: 'define',
				description: 'Write the conversation as a list of messages',
			},
		],
		default: 'chatTrigger',
	},
	{
		displayName: 'Messages',
		name: 'messages',
		type: 'fixedCollection',
		placeholder: 'Add Message',
		typeOptions: { multipleValues: true, sortable: true },
		default: { message: [{ role: 'user', content: '' }] },
		displayOptions: definedBelow,
		options: [
			{
				name: 'message',
				displayName: 'Message',
				values: [
					{
						displayName: 'Role',
						name: 'role',
						type: 'options',
						options: [
							{
								name: 'Assistant',
								value: 'assistant',
								description: 'An earlier answer of the model',
							},
							{
								name: 'System',
								value: 'system',
								description: 'Instructions for the whole conversation',
							},
							{ name: 'User', value: 'user', description: 'A question or request' },
						],
						default: 'user',
					},
					{
						displayName: 'Text',
						name: 'content',
						type: 'string',
						typeOptions: { rows: 3 },
						default: '',
						placeholder: 'e.g. What is the total amount on this invoice?',
					},
				],
			},
		],
	},
	{
		displayName: 'Attach Files',
		name: 'binarySelection',
		type: 'options',
		options: attachFilesOptions,
		default: 'all',
		description:
			'Files of the input item to send with the message; small images go inline, others are uploaded',
		displayOptions: fromChatTrigger,
	},
	{
		displayName: 'Attach Files',
		name: 'binarySelection',
		type: 'options',
		options: attachFilesOptions,
		default: 'none',
		description:
			'Files of the input item to send with the last user message; small images go inline, others are uploaded',
		displayOptions: definedBelow,
	},
	{ ...binaryFieldsProperty, displayOptions: { show: { binarySelection: ['fields'] } } },
	{
		displayName: 'File URLs',
		name: 'urls',
		type: 'fixedCollection',
		placeholder: 'Add URL',
		typeOptions: { multipleValues: true },
		default: {},
		description: 'Public http(s) links VLM Run fetches itself',
		options: [
			{
				name: 'url',
				displayName: 'URL',
				values: [
					{
						displayName: 'Type',
						name: 'type',
						type: 'options',
						options: [
							{ name: 'Audio', value: 'audio_url' },
							{ name: 'Document or Other File', value: 'file_url' },
							{ name: 'Image', value: 'image_url' },
							{ name: 'Video', value: 'video_url' },
						],
						default: 'image_url',
					},
					{
						displayName: 'URL',
						name: 'url',
						type: 'string',
						default: '',
						placeholder: 'e.g. https://example.com/receipt.jpg',
					},
				],
			},
		],
	},
	{
		displayName: 'Session ID',
		name: 'sessionId',
		type: 'string',
		default: '={{ $json.sessionId }}',
		description:
			'Keeps the conversation (history and generated files) on VLM Run across messages. Any text works; it is turned into the UUID VLM Run needs.',
		displayOptions: fromChatTrigger,
	},
	{
		displayName: 'Session ID',
		name: 'sessionId',
		type: 'string',
		default: '',
		placeholder: 'e.g. {{ $json.customerId }}',
		description:
			'Optional. Continues a conversation on VLM Run (history and generated files). Any text works; it is turned into the UUID VLM Run needs.',
		displayOptions: definedBelow,
	},
];

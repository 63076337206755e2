import type { INodeProperties } from 'n8n-workflow';

import {
	maxConcurrencyOption,
	skipUnsupportedOption,
	toolsetsProperty,
} from '../shared/descriptions';
import { schemaSourceProperties } from '../shared/schemaSource';
import { skillsProperty } from '../shared/skills';
import { promptProperties } from './prompt.properties';

const DEFAULT_MODEL = 'vlmrun-orion-1:auto';

const modelProperties: INodeProperties[] = [
	{
		displayName: 'Model',
		name: 'model',
		type: 'options',
		options: [
			{ name: 'Custom Model ID', value: 'custom', description: 'Any other VLM Run chat model' },
			{ name: 'Orion 1 Auto', value: DEFAULT_MODEL, description: 'Chooses the effort per request' },
			{ name: 'Orion 1 Fast', value: 'vlmrun-orion-1:fast', description: 'Quicker answers' },
			{
				name: 'Orion 1 Lite',
				value: 'vlmrun-orion-1:lite',
				description: 'Cheapest, for simple questions',
			},
			{
				name: 'Orion 1 Pro',
				value: 'vlmrun-orion-1:pro',
				description: 'Most thorough, for hard material',
			},
		],
		default: DEFAULT_MODEL,
	},
	{
		displayName: 'Model ID',
		name: 'customModel',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. vlmrun-orion-1',
		displayOptions: { show: { model: ['custom'] } },
	},
];

const outputProperties: INodeProperties[] = [
	{
		displayName: 'Output Format',
		name: 'outputFormat',
		type: 'options',
		options: [
			{ name: 'Text', value: 'text', description: 'The answer as text' },
			{ name: 'JSON Object', value: 'jsonObject', description: 'Any JSON object, parsed' },
			{
				name: 'JSON Schema',
				value: 'jsonSchema',
				description: 'JSON that follows a schema, parsed',
			},
		],
		default: 'text',
	},
	{
		displayName: 'Schema Source',
		name: 'schemaSource',
		type: 'options',
		options: [
			{ name: 'JSON Schema', value: 'json', description: 'Write the JSON schema of the answer' },
			{ name: 'Fields', value: 'fields', description: 'List the fields of the answer' },
		],
		default: 'json',
		displayOptions: { show: { outputFormat: ['jsonSchema'] } },
	},
	...schemaSourceProperties
		.filter((property) => property.name !== 'schemaSource')
		.map((property) => ({
			...property,
			displayOptions: { show: { ...property.displayOptions?.show, outputFormat: ['jsonSchema'] } },
		})),
];

const agentProperties: INodeProperties[] = [
	skillsProperty,
	toolsetsProperty('Tool categories the model may use; empty lets VLM Run choose'),
];

export const messageProperties: INodeProperties[] = [
	...modelProperties,
	...promptProperties,
	...outputProperties,
	...agentProperties,
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Download Artifacts',
				name: 'downloadArtifacts',
				type: 'boolean',
				default: true,
				description:
					'Whether to download the files the answer refers to (img_…, doc_… and so on) into binary fields',
			},
			{
				displayName: 'Include Raw Completion',
				name: 'includeCompletion',
				type: 'boolean',
				default: false,
				description: 'Whether to add the chat completion exactly as VLM Run returned it',
			},
			{
				displayName: 'Maximum Tokens',
				name: 'maxTokens',
				type: 'number',
				typeOptions: { minValue: 1 },
				default: 32768,
				description: 'The longest answer, in tokens',
			},
			maxConcurrencyOption,
			skipUnsupportedOption,
			{
				displayName: 'Stream Answer',
				name: 'stream',
				type: 'boolean',
				default: true,
				description:
					'Whether to send the answer piece by piece while it is written, when the workflow responds in streaming mode (Chat Trigger or Webhook)',
			},
			{
				displayName: 'System Message',
				name: 'systemMessage',
				type: 'string',
				typeOptions: { rows: 3 },
				default: '',
				placeholder: 'e.g. You answer questions about receipts. Be brief.',
				description: 'Instructions sent before the chat message',
				displayOptions: { show: { '/promptSource': ['chatTrigger'] } },
			},
			{
				displayName: 'Temperature',
				name: 'temperature',
				type: 'number',
				typeOptions: { minValue: 0, maxValue: 2, numberPrecision: 2 },
				default: 0,
				description: 'Higher values give more varied answers',
			},
		],
	},
];

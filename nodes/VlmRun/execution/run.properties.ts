import { updateDisplayOptions } from 'n8n-workflow';
import type { INodeProperties } from 'n8n-workflow';

import {
	binaryFieldsProperty,
	binarySelectionProperty,
	maxConcurrencyOption,
	skipUnsupportedOption,
	toolsetsProperty,
} from '../shared/descriptions';
import { completionProperties } from '../shared/completion';
import { reuseUploadsOption } from '../shared/reuse';
import { skillsProperty } from '../shared/skills';
import { outputSchemaProperties, promptProperty } from './config';
import { downloadArtifactsOption, outputOption } from './output';

export const DEFAULT_MODEL = 'vlmrun-orion-1:auto';

export const DEFAULT_EXECUTION_TIMEOUT_S = 1800;

// Agent executions run far longer than single predictions, so Wait for Result waits 30 minutes by
// default. The notice speaks of the workflow, as "execution" here means VLM Run's agent execution.
const completion: INodeProperties[] = completionProperties.map((property) => {
	if (property.name === 'timeout') return { ...property, default: DEFAULT_EXECUTION_TIMEOUT_S };
	if (property.name !== 'callbackNotice') return property;
	return {
		...property,
		displayName:
			"VLM Run calls this workflow back at n8n's webhook URL (N8N_WEBHOOK_URL), so it must be reachable from the internet. With one execution per item, the workflow resumes once all of them have called back.",
	};
});

export const agentProperty: INodeProperties = {
	displayName: 'Agent',
	name: 'agent',
	type: 'resourceLocator',
	default: { mode: 'list', value: '' },
	required: true,
	description: 'An agent saved on VLM Run; a bare name runs its latest version',
	modes: [
		{
			displayName: 'From List',
			name: 'list',
			type: 'list',
			typeOptions: { searchListMethod: 'searchAgents', searchable: true },
		},
		{
			displayName: 'By Name',
			name: 'name',
			type: 'string',
			placeholder: 'e.g. invoice-extractor:v1',
		},
	],
};

const rowsProperty = (
	name: string,
	label: string,
	field: INodeProperties,
	placeholder: string,
): INodeProperties => ({
	displayName: label,
	name,
	type: 'fixedCollection',
	placeholder,
	typeOptions: { multipleValues: true },
	default: {},
	options: [
		{
			name: 'input',
			displayName: 'Input',
			values: [
				{
					displayName: 'Name',
					name: 'name',
					type: 'string',
					default: '',
					placeholder: 'e.g. bank_statement',
				},
				field,
			],
		},
	],
});

export const runProperties: INodeProperties[] = [
	{
		displayName: 'Agent Source',
		name: 'agentSource',
		type: 'options',
		options: [
			{
				name: 'Prompt',
				value: 'prompt',
				description: 'Describe the task; VLM Run finds or creates the matching agent',
			},
			{ name: 'Existing Agent', value: 'agent', description: 'Run an agent saved on VLM Run' },
		],
		default: 'prompt',
	},
	{ ...agentProperty, displayOptions: { show: { agentSource: ['agent'] } } },
	...updateDisplayOptions({ show: { agentSource: ['prompt'] } }, [
		promptProperty,
		...outputSchemaProperties,
	]),
	skillsProperty,
	{
		...binarySelectionProperty,
		options: [
			...(binarySelectionProperty.options ?? []),
			{ name: 'No Files', value: 'none', description: 'Only the URL and text inputs below' },
		],
	},
	binaryFieldsProperty,
	rowsProperty(
		'urlInputs',
		'URL Inputs',
		{
			displayName: 'URL',
			name: 'url',
			type: 'string',
			default: '',
			placeholder: 'e.g. https://example.com/contract.pdf',
		},
		'Add URL Input',
	),
	rowsProperty(
		'textInputs',
		'Text Inputs',
		{ displayName: 'Value', name: 'value', type: 'string', typeOptions: { rows: 2 }, default: '' },
		'Add Text Input',
	),
	{
		displayName: 'Executions',
		name: 'grouping',
		type: 'options',
		options: [
			{
				name: 'One per Item',
				value: 'perItem',
				description: "Each input item's files are a separate execution",
			},
			{
				name: 'One for All Items',
				value: 'allItems',
				description:
					'The files of every input item go into a single execution, e.g. a document package delivered one document per item. Agent, prompt and settings come from the first item.',
			},
		],
		default: 'perItem',
	},
	{
		displayName: 'Model',
		name: 'model',
		type: 'options',
		options: [
			{
				name: 'Orion 1 Auto',
				value: 'vlmrun-orion-1:auto',
				description: 'Picks the speed and depth for the task',
			},
			{ name: 'Orion 1 Fast', value: 'vlmrun-orion-1:fast' },
			{
				name: 'Orion 1 Lite',
				value: 'vlmrun-orion-1:lite',
				description: 'Cheapest, for simple tasks',
			},
			{
				name: 'Orion 1 Pro',
				value: 'vlmrun-orion-1:pro',
				description: 'Most thorough, for hard multi-file reasoning',
			},
		],
		default: DEFAULT_MODEL,
	},
	toolsetsProperty(
		'Tool categories the agent may use; none selected leaves the choice to VLM Run (core tools)',
	),
	...completion,
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			downloadArtifactsOption,
			maxConcurrencyOption,
			outputOption,
			reuseUploadsOption,
			skipUnsupportedOption,
		],
	},
];

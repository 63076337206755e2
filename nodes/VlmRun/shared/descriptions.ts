import type { INodeProperties, INodePropertyOptions } from 'n8n-workflow';

import { DEFAULT_MAX_CONCURRENCY, MAX_CONCURRENCY } from './router';

export const binarySelectionProperty: INodeProperties = {
	displayName: 'Files',
	name: 'binarySelection',
	type: 'options',
	options: [
		{
			name: 'Selected Binary Fields',
			value: 'fields',
			description: 'The binary fields named below',
		},
		{
			name: 'All Binary Fields',
			value: 'all',
			description: 'Every file of the item, e.g. all attachments of an email',
		},
	],
	default: 'fields',
};

export const binaryFieldsProperty: INodeProperties = {
	displayName: 'Input Binary Fields',
	name: 'binaryPropertyName',
	type: 'string',
	default: 'data',
	required: true,
	placeholder: 'e.g. data or attachment_0, attachment_1',
	hint: 'The name of the binary field holding the file; separate several names with commas',
	displayOptions: { show: { binarySelection: ['fields'] } },
};

const completionModes: Record<string, INodePropertyOptions> = {
	waitForResult: {
		name: 'Wait for Result',
		value: 'waitForResult',
		description: 'Submit the job and poll until it finishes, then output the result',
	},
	waitForCallback: {
		name: 'Wait for Callback',
		value: 'waitForCallback',
		description:
			'Submit the job and pause the execution until VLM Run calls back with the result; no worker stays busy meanwhile',
	},
	submitOnly: {
		name: 'Submit Only',
		value: 'submitOnly',
		description:
			'Output the pending job at once; collect the result later with Get, or with the VLM Run Trigger through a callback URL',
	},
};

function completionSelector(modes: string[]): INodeProperties {
	return {
		displayName: 'Completion',
		name: 'completion',
		type: 'options',
		options: modes.map((mode) => completionModes[mode]),
		default: 'waitForResult',
	};
}

const timeoutProperty: INodeProperties = {
	displayName: 'Timeout (Seconds)',
	name: 'timeout',
	type: 'number',
	typeOptions: { minValue: 1 },
	default: 600,
	description:
		'How long to wait for the job to finish before the node stops waiting; the job keeps running on VLM Run',
	displayOptions: { show: { completion: ['waitForResult'] } },
};

const callbackUrlProperty: INodeProperties = {
	displayName: 'Callback URL',
	name: 'callbackUrl',
	type: 'string',
	default: '',
	placeholder: 'e.g. https://n8n.example.com/webhook/vlmrun',
	description:
		'Optional. VLM Run posts the finished job here; paste the Production URL of a VLM Run Trigger node.',
	displayOptions: { show: { completion: ['submitOnly'] } },
};

export const completionProperties: INodeProperties[] = [
	completionSelector(['waitForResult', 'submitOnly']),
	timeoutProperty,
	callbackUrlProperty,
];

/**
 * Completion with the Wait for Callback mode, for operations that implement it with
 * shared/callback.ts. The AI-tool variant of a node (n8n's `@tool`) does not offer it: an agent
 * needs the answer within its own run, and a tool cannot pause the execution.
 */
export const callbackCompletionProperties: INodeProperties[] = [
	{
		...completionSelector(['waitForResult', 'waitForCallback', 'submitOnly']),
		displayOptions: { show: { '@tool': [false] } },
	},
	{
		...completionSelector(['waitForResult', 'submitOnly']),
		displayOptions: { show: { '@tool': [true] } },
	},
	timeoutProperty,
	{
		displayName:
			"VLM Run calls this execution back at n8n's webhook URL (N8N_WEBHOOK_URL), so it must be reachable from the internet. With several files, the execution resumes once all of them have called back.",
		name: 'callbackNotice',
		type: 'notice',
		default: '',
		displayOptions: { show: { completion: ['waitForCallback'] } },
	},
	{
		displayName: 'Timeout (Minutes)',
		name: 'callbackTimeout',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 1440,
		description:
			"How long the execution waits for VLM Run's callbacks. If they have not all come by then, n8n continues past this node with its input items unchanged: n8n runs no node code when a wait runs out.",
		displayOptions: { show: { completion: ['waitForCallback'] } },
	},
	callbackUrlProperty,
];

export const maxConcurrencyOption: INodeProperties = {
	displayName: 'Max Concurrent Requests',
	name: 'maxConcurrency',
	type: 'number',
	typeOptions: { minValue: 1, maxValue: MAX_CONCURRENCY },
	default: DEFAULT_MAX_CONCURRENCY,
	description: 'How many files or jobs this node sends to VLM Run at the same time',
};

export const skipUnsupportedOption: INodeProperties = {
	displayName: 'Skip Unsupported Files',
	name: 'skipUnsupported',
	type: 'boolean',
	default: false,
	description:
		'Whether to leave out files VLM Run cannot read (empty files, or types such as .txt, .ics or .html) instead of failing them; their names are listed in vlmrun.skippedFiles of the output',
};

const TOOLSETS: Array<[string, string]> = [
	['Core', 'core'],
	['Document', 'document'],
	['Image', 'image'],
	['Image Generation', 'image-gen'],
	['Video', 'video'],
	['Visualization', 'viz'],
	['Web', 'web'],
	['World Generation', 'world-gen'],
];

/** The tool categories of VLM Run's agents, for agent executions and chat; each node words what none selected means. */
export function toolsetsProperty(description: string): INodeProperties {
	return {
		displayName: 'Toolsets',
		name: 'toolsets',
		type: 'multiOptions',
		options: TOOLSETS.map(([name, value]) => ({ name, value })),
		default: [],
		description,
	};
}

export const schemaSourceProperties: INodeProperties[] = [
	{
		displayName: 'Output Schema',
		name: 'schemaSource',
		type: 'options',
		options: [
			{ name: 'None', value: 'none', description: 'Use the schema of the domain' },
			{ name: 'JSON Schema', value: 'json', description: 'Write the JSON schema of the output' },
			{ name: 'Fields', value: 'fields', description: 'List the fields to extract' },
		],
		default: 'none',
	},
	{
		displayName: 'JSON Schema',
		name: 'jsonSchema',
		type: 'json',
		default: '{\n  "type": "object",\n  "properties": {\n    "total": { "type": "number" }\n  }\n}',
		typeOptions: { rows: 8 },
		displayOptions: { show: { schemaSource: ['json'] } },
	},
	{
		displayName: 'Fields',
		name: 'fields',
		type: 'fixedCollection',
		placeholder: 'Add Field',
		typeOptions: { multipleValues: true, sortable: true },
		default: {},
		displayOptions: { show: { schemaSource: ['fields'] } },
		options: [
			{
				name: 'field',
				displayName: 'Field',
				values: [
					{
						displayName: 'Name',
						name: 'name',
						type: 'string',
						default: '',
						placeholder: 'e.g. invoice_total',
					},
					{
						displayName: 'Type',
						name: 'type',
						type: 'options',
						options: [
							{ name: 'Boolean', value: 'boolean' },
							{ name: 'Date', value: 'date' },
							{ name: 'Integer', value: 'integer' },
							{ name: 'List of Numbers', value: 'numberArray' },
							{ name: 'List of Texts', value: 'stringArray' },
							{ name: 'Number', value: 'number' },
							{ name: 'Object', value: 'object' },
							{ name: 'Text', value: 'string' },
						],
						default: 'string',
					},
					{
						displayName: 'Description',
						name: 'description',
						type: 'string',
						default: '',
						placeholder: 'e.g. The grand total including tax',
					},
					{
						displayName: 'Required',
						name: 'required',
						type: 'boolean',
						default: false,
						description: 'Whether the field must always be present in the output',
					},
				],
			},
		],
	},
];

export const returnAllProperties: INodeProperties[] = [
	{
		displayName: 'Return All',
		name: 'returnAll',
		type: 'boolean',
		default: false,
		description: 'Whether to return all results or only up to a given limit',
	},
	{
		displayName: 'Limit',
		name: 'limit',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 50,
		description: 'Max number of results to return',
		displayOptions: { show: { returnAll: [false] } },
	},
];

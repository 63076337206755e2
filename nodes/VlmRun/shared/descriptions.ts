import type { INodeProperties } from 'n8n-workflow';

import { DEFAULT_MAX_CONCURRENCY } from './router';

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

export const completionProperties: INodeProperties[] = [
	{
		displayName: 'Completion',
		name: 'completion',
		type: 'options',
		options: [
			{
				name: 'Wait for Result',
				value: 'waitForResult',
				description: 'Submit the job and poll until it finishes, then output the result',
			},
			{
				name: 'Submit Only',
				value: 'submitOnly',
				description:
					'Output the pending job at once; collect the result later with Get, or with the VLM Run Trigger through a callback URL',
			},
		],
		default: 'waitForResult',
	},
	{
		displayName: 'Timeout (Seconds)',
		name: 'timeout',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 600,
		description: 'How long to wait for the job to finish before the node stops waiting; the job keeps running on VLM Run',
		displayOptions: { show: { completion: ['waitForResult'] } },
	},
	{
		displayName: 'Callback URL',
		name: 'callbackUrl',
		type: 'string',
		default: '',
		placeholder: 'e.g. https://n8n.example.com/webhook/vlmrun',
		description: 'Optional. VLM Run posts the finished job here; paste the Production URL of a VLM Run Trigger node.',
		displayOptions: { show: { completion: ['submitOnly'] } },
	},
];

export const maxConcurrencyOption: INodeProperties = {
	displayName: 'Max Concurrent Requests',
	name: 'maxConcurrency',
	type: 'number',
	typeOptions: { minValue: 1, maxValue: 50 },
	default: DEFAULT_MAX_CONCURRENCY,
	description: 'How many files or jobs this node sends to VLM Run at the same time',
};

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
					{ displayName: 'Name', name: 'name', type: 'string', default: '', placeholder: 'e.g. invoice_total' },
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

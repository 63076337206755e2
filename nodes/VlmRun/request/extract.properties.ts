import type { INodeProperties } from 'n8n-workflow';

import {
	binaryFieldsProperty,
	binarySelectionProperty,
	maxConcurrencyOption,
	skipUnsupportedOption,
} from '../shared/descriptions';
import { completionProperties } from '../shared/completion';
import { reuseUploadsOption } from '../shared/reuse';
import { schemaSourceProperties } from '../shared/schemaSource';

export const extractProperties: INodeProperties[] = [
	{
		displayName: 'Input',
		name: 'inputSource',
		type: 'options',
		options: [
			{ name: 'Binary Files', value: 'binary', description: 'Files of the input item' },
			{ name: 'URLs', value: 'url', description: 'Public http(s) links to the files' },
		],
		default: 'binary',
	},
	{ ...binarySelectionProperty, displayOptions: { show: { inputSource: ['binary'] } } },
	{
		...binaryFieldsProperty,
		displayOptions: { show: { inputSource: ['binary'], binarySelection: ['fields'] } },
	},
	{
		displayName: 'URLs',
		name: 'urls',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. https://example.com/invoice.pdf',
		description:
			'One or more public http(s) URLs, separated by commas or new lines; each gives one output item',
		displayOptions: { show: { inputSource: ['url'] } },
	},
	{
		displayName: 'Modality',
		name: 'modality',
		type: 'options',
		options: [
			{ name: 'Audio', value: 'audio' },
			{ name: 'Auto-Detect', value: 'auto', description: 'From the MIME type or file extension' },
			{ name: 'Document', value: 'document' },
			{ name: 'Image', value: 'image' },
			{ name: 'Video', value: 'video' },
		],
		default: 'auto',
		description: 'Which VLM Run route handles the files',
	},
	{
		displayName: 'Domain',
		name: 'domain',
		type: 'resourceLocator',
		default: { mode: 'list', value: '' },
		description:
			'What kind of file this is, e.g. document.invoice. Optional when an output schema is given.',
		modes: [
			{
				displayName: 'From List',
				name: 'list',
				type: 'list',
				typeOptions: { searchListMethod: 'searchDomains', searchable: true },
			},
			{
				displayName: 'By ID',
				name: 'id',
				type: 'string',
				placeholder: 'e.g. document.invoice',
			},
		],
	},
	...schemaSourceProperties,
	...completionProperties,
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Allow Training',
				name: 'allowTraining',
				type: 'boolean',
				default: false,
				description: 'Whether VLM Run may use these files to improve its models',
			},
			{
				displayName: 'Answer in One Request When Possible',
				name: 'synchronous',
				type: 'boolean',
				default: true,
				description:
					'Whether Wait for Result asks VLM Run to answer images, documents of up to 8 pages and audio of up to about a minute within the request itself (one request per file) instead of creating a job and polling it. Turn off if a proxy between n8n and VLM Run cuts long requests short.',
			},
			{
				displayName: 'Confidence Scores',
				name: 'confidence',
				type: 'boolean',
				default: false,
				description:
					'Whether to add a &lt;field&gt;_metadata.confidence (hi, med, low) next to each field',
			},
			{
				displayName: 'Detail Level',
				name: 'detail',
				type: 'options',
				options: [
					{ name: 'Auto', value: 'auto' },
					{ name: 'High', value: 'hi' },
					{ name: 'Low', value: 'lo' },
				],
				default: 'auto',
				description: 'Resolution at which images and pages are read',
			},
			{
				displayName: 'Domain by File Type',
				name: 'domainsByType',
				type: 'fixedCollection',
				placeholder: 'Add File Type',
				typeOptions: { multipleValues: true },
				default: {},
				description:
					'A different domain for some kinds of file, e.g. audio.transcription for the voice memo that came with an invoice PDF',
				options: [
					{
						name: 'rule',
						displayName: 'File Type',
						values: [
							{
								displayName: 'File Type',
								name: 'modality',
								type: 'options',
								options: [
									{ name: 'Audio', value: 'audio' },
									{ name: 'Document', value: 'document' },
									{ name: 'Image', value: 'image' },
									{ name: 'Video', value: 'video' },
								],
								default: 'image',
							},
							{
								displayName: 'Domain',
								name: 'domain',
								type: 'string',
								default: '',
								placeholder: 'e.g. document.receipt',
							},
						],
					},
				],
			},
			{
				displayName: 'GraphQL Selection',
				name: 'gqlStmt',
				type: 'string',
				default: '',
				placeholder: 'e.g. { invoice_id total }',
				description: 'Return only these fields of the domain schema',
			},
			{
				displayName: 'Grounding',
				name: 'grounding',
				type: 'boolean',
				default: false,
				description:
					'Whether to add bounding boxes (&lt;field&gt;_metadata.bboxes) for where each field was found. With Review Rules, images also get a review picture with the boxes drawn.',
			},
			{
				displayName: 'Include Input Binary',
				name: 'includeInputBinary',
				type: 'boolean',
				default: false,
				description: 'Whether to pass the input file through to the output item',
			},
			maxConcurrencyOption,
			{
				displayName: 'Output',
				name: 'output',
				type: 'options',
				options: [
					{
						name: 'Extracted Data',
						value: 'data',
						description: 'The extracted fields plus a vlmrun summary object',
					},
					{
						name: 'Full Prediction',
						value: 'full',
						description: 'The whole prediction object as VLM Run returns it',
					},
				],
				default: 'data',
			},
			{
				displayName: 'Pages',
				name: 'pages',
				type: 'string',
				default: '',
				placeholder: 'e.g. 1-3,5',
				description: 'Only these pages of a document (first page is 1)',
			},
			reuseUploadsOption,
			{
				displayName: 'Service Tier',
				name: 'serviceTier',
				type: 'options',
				options: [
					{ name: 'Auto', value: 'auto' },
					{ name: 'Flex (Cheaper, Slower)', value: 'flex' },
					{ name: 'Priority (Faster, Costlier)', value: 'priority' },
					{ name: 'Standard', value: 'standard' },
				],
				default: 'standard',
			},
			skipUnsupportedOption,
		],
	},
];

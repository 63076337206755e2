import type { INodeProperties } from 'n8n-workflow';

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

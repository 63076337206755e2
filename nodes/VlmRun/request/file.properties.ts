import type { INodeProperties } from 'n8n-workflow';

export const fileIdProperty: INodeProperties = {
	displayName: 'File ID',
	name: 'fileId',
	type: 'string',
	default: '',
	required: true,
	placeholder: 'e.g. 1b4e28ba-2fa1-11d2-883f-0016d3cca427',
	description: 'The ID of a file uploaded to VLM Run',
};

export const FILE_ID_HINT =
	'Map the ID of an uploaded file, e.g. {{ $json.id }} from an Upload File node.';

import { updateDisplayOptions } from 'n8n-workflow';
import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import {
	describeFiles,
	selectBinaryFields,
	uploadFile as upload,
	type BinarySelection,
	type InputFile,
} from '../shared/binary';
import {
	binaryFieldsProperty,
	binarySelectionProperty,
	maxConcurrencyOption,
} from '../shared/descriptions';
import type { Operation, RunContext } from '../shared/router';

export const description = updateDisplayOptions(
	{ show: { resource: ['file'], operation: ['upload'] } },
	[
		binarySelectionProperty,
		binaryFieldsProperty,
		{
			displayName: 'Options',
			name: 'options',
			type: 'collection',
			placeholder: 'Add Option',
			default: {},
			options: [maxConcurrencyOption],
		},
	],
);

async function prepare(this: IExecuteFunctions, i: number): Promise<InputFile[]> {
	const selection = this.getNodeParameter('binarySelection', i, 'fields') as BinarySelection;
	const fieldList =
		selection === 'fields' ? (this.getNodeParameter('binaryPropertyName', i) as string) : '';
	return await describeFiles(this, i, selectBinaryFields(this, i, selection, fieldList));
}

async function execute(
	this: IExecuteFunctions,
	_i: number,
	files: InputFile[],
	run: RunContext,
): Promise<INodeExecutionData[]> {
	return await Promise.all(
		files.map(async (file) => ({
			json: {
				...(await run.limit(async () => await upload(this, file))),
				binaryProperty: file.property,
			},
		})),
	);
}

export const uploadFile: Operation<InputFile[]> = {
	description,
	prepare,
	execute,
	limitsItself: true,
};

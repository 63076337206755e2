import { updateDisplayOptions } from 'n8n-workflow';
import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import {
	screenFiles,
	selectBinaryFields,
	uploadFile as upload,
	type BinarySelection,
	type ScreenedFiles,
} from '../shared/binary';
import {
	binaryFieldsProperty,
	binarySelectionProperty,
	maxConcurrencyOption,
	skipUnsupportedOption,
} from '../shared/descriptions';
import { errorItem, type Operation, type RunContext, type PlannedItem } from '../shared/router';

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
			options: [maxConcurrencyOption, skipUnsupportedOption],
		},
	],
);

async function validate(ctx: IExecuteFunctions, i: number): Promise<ScreenedFiles> {
	const selection = ctx.getNodeParameter('binarySelection', i, 'fields') as BinarySelection;
	const fieldList =
		selection === 'fields' ? (ctx.getNodeParameter('binaryPropertyName', i) as string) : '';
	// VLM Run's file store takes any type (skill bundles, dataset archives), only not an empty file.
	return await screenFiles(ctx, i, selectBinaryFields(ctx, i, selection, fieldList), 'nonEmpty');
}

async function execute(
	ctx: IExecuteFunctions,
	{ index: i, plan: { files, skipped } }: PlannedItem<ScreenedFiles>,
	run: RunContext,
): Promise<INodeExecutionData[]> {
	if (files.length === 0) return [{ json: { skippedFiles: skipped } }];
	return await Promise.all(
		files.map(async (file) => {
			if (file.error) return errorItem(file.error, { item: i });
			const record = await run.limit(async () => await upload(ctx, file));
			return {
				json: {
					...record,
					binaryProperty: file.property,
					...(skipped.length ? { skippedFiles: skipped } : {}),
				},
			};
		}),
	);
}

export const uploadFile: Operation<ScreenedFiles> = {
	description,
	validate,
	execute,
};

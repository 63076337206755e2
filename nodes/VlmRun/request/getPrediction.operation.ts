import { updateDisplayOptions } from 'n8n-workflow';
import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';

import { waitForJob } from '../shared/polling';
import { requiredText } from '../shared/params';
import type { Operation, PlannedItem } from '../shared/router';
import { apiRequest } from '../shared/transport';
import { predictionItem } from './extract.operation';

const PREDICTION_ID_HINT =
	'Map the ID of a prediction, e.g. {{ $json.vlmrun.predictionId }} or {{ $json.id }}.';

const properties: INodeProperties[] = [
	{
		displayName: 'Prediction ID',
		name: 'predictionId',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. 6f1c1c3e-6c2b-4f39-9a8e-0a4c1d7e2b11',
		description: 'The ID that Extract returned in Submit Only mode (the ID field of its output)',
	},
	{
		displayName: 'Wait for Completion',
		name: 'waitForCompletion',
		type: 'boolean',
		default: false,
		description: 'Whether to poll until the prediction has finished',
	},
	{
		displayName: 'Timeout (Seconds)',
		name: 'timeout',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 600,
		displayOptions: { show: { waitForCompletion: [true] } },
	},
	{
		displayName: 'Output',
		name: 'output',
		type: 'options',
		options: [
			{ name: 'Extracted Data', value: 'data' },
			{ name: 'Full Prediction', value: 'full' },
		],
		default: 'data',
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['prediction'], operation: ['get'] } },
	properties,
);

async function execute(
	ctx: IExecuteFunctions,
	{ index: i, plan: id }: PlannedItem<string>,
): Promise<INodeExecutionData[]> {
	let prediction = (await apiRequest(ctx, {
		method: 'GET',
		path: `/predictions/${encodeURIComponent(id)}`,
		itemIndex: i,
		resource: 'prediction',
		names: { prediction: id },
	})) as IDataObject;
	if (ctx.getNodeParameter('waitForCompletion', i, false) && prediction.status !== 'completed') {
		prediction = await waitForJob(ctx, {
			kind: 'prediction',
			id,
			timeoutMs: (ctx.getNodeParameter('timeout', i, 600) as number) * 1000,
			itemIndex: i,
		});
	}
	const output = ctx.getNodeParameter('output', i, 'data') === 'full' ? 'full' : 'data';
	return [{ json: predictionItem(prediction, output) }];
}

export const getPrediction: Operation<string> = {
	description,
	validate: (ctx, i) => requiredText(ctx, i, 'predictionId', 'Prediction ID', PREDICTION_ID_HINT),
	execute,
};

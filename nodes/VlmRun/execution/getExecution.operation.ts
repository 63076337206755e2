import { updateDisplayOptions } from 'n8n-workflow';
import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';

import { requiredText } from '../shared/params';
import { waitForJob } from '../shared/polling';
import type { Operation, PlannedItem } from '../shared/router';
import { apiRequest } from '../shared/transport';
import { downloadArtifactsOption, executionItem, outputOption, readOutputOptions } from './output';
import { DEFAULT_EXECUTION_TIMEOUT_S } from './run.properties';

const EXECUTION_ID_HINT =
	'Map the ID of an execution, e.g. {{ $json.vlmrun.executionId }} or {{ $json.id }}.';

const properties: INodeProperties[] = [
	{
		displayName: 'Execution ID',
		name: 'executionId',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. 3d9a1f0e-8b7c-4e2a-9f1d-2c3b4a5d6e7f',
		description: 'The ID that Run returned in Submit Only mode',
	},
	{
		displayName: 'Wait for Completion',
		name: 'waitForCompletion',
		type: 'boolean',
		default: false,
		description: 'Whether to poll until the execution has finished',
	},
	{
		displayName: 'Timeout (Seconds)',
		name: 'timeout',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: DEFAULT_EXECUTION_TIMEOUT_S,
		displayOptions: { show: { waitForCompletion: [true] } },
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [downloadArtifactsOption, outputOption],
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['execution'], operation: ['get'] } },
	properties,
);

async function execute(
	ctx: IExecuteFunctions,
	{ index: i, plan: id }: PlannedItem<string>,
): Promise<INodeExecutionData[]> {
	let execution = (await apiRequest(ctx, {
		method: 'GET',
		path: `/agent/executions/${encodeURIComponent(id)}`,
		itemIndex: i,
		resource: 'execution',
		names: { execution: id },
	})) as IDataObject;
	if (ctx.getNodeParameter('waitForCompletion', i, false) && execution.status !== 'completed') {
		execution = await waitForJob(ctx, {
			kind: 'execution',
			id,
			timeoutMs: (ctx.getNodeParameter('timeout', i, DEFAULT_EXECUTION_TIMEOUT_S) as number) * 1000,
			itemIndex: i,
		});
	}
	return [await executionItem(ctx, i, execution, readOutputOptions(ctx, i))];
}

export const getExecution: Operation<string> = {
	description,
	validate: (ctx, i) => requiredText(ctx, i, 'executionId', 'Execution ID', EXECUTION_ID_HINT),
	execute,
};

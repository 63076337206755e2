import { updateDisplayOptions } from 'n8n-workflow';
import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeParameterResourceLocator,
} from 'n8n-workflow';

import { inputError } from '../shared/errors';
import type { Operation, PlannedItem } from '../shared/router';
import { apiRequest } from '../shared/transport';
import { lookupAgent } from './config';
import { agentProperty } from './run.properties';

export const description = updateDisplayOptions(
	{ show: { resource: ['agent'], operation: ['get'] } },
	[
		{
			...agentProperty,
			modes: [
				...(agentProperty.modes ?? []),
				{
					displayName: 'By ID',
					name: 'id',
					type: 'string',
					placeholder: 'e.g. 4c8e2a1b-3d5f-4a6b-9c7d-8e9f0a1b2c3d',
				},
			],
		},
	],
);

interface AgentTarget {
	by: 'id' | 'name';
	value: string;
}

async function validate(ctx: IExecuteFunctions, i: number): Promise<AgentTarget> {
	const locator = ctx.getNodeParameter('agent', i) as INodeParameterResourceLocator;
	const value = String(locator?.value ?? '').trim();
	if (!value)
		throw inputError(
			ctx.getNode(),
			i,
			'No agent is selected',
			'Pick an agent from the list, or enter its name or ID.',
		);
	return { by: locator.mode === 'id' ? 'id' : 'name', value };
}

async function execute(
	ctx: IExecuteFunctions,
	{ index: i, plan: target }: PlannedItem<AgentTarget>,
): Promise<INodeExecutionData[]> {
	if (target.by === 'name') return [{ json: await lookupAgent(ctx, i, target.value) }];
	// The API spells this one path in the plural, unlike every other agent route.
	const agent = (await apiRequest(ctx, {
		method: 'GET',
		path: `/agents/${encodeURIComponent(target.value)}`,
		itemIndex: i,
		resource: 'agent',
		names: { agent: target.value },
	})) as IDataObject;
	return [{ json: agent }];
}

export const getAgent: Operation<AgentTarget> = { description, validate, execute };

import { NodeConnectionTypes } from 'n8n-workflow';
import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';

import { operations, properties } from './execution';
import { searchAgents, searchSkills } from './methods/listSearch';
import { route } from './shared/router';

export class VlmRunExecution implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'VLM Run Execution',
		name: 'vlmRunExecution',
		icon: { light: 'file:vlmrun.svg', dark: 'file:vlmrun.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{ $parameter["operation"] + ": " + $parameter["resource"] }}',
		description:
			'Run VLM Run agents (vlmrun-orion-1) over several files at once, with skills, and get JSON plus generated files back',
		defaults: { name: 'VLM Run Execution' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'vlmRunApi', required: true }],
		properties,
	};

	methods = { listSearch: { searchAgents, searchSkills } };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await route.call(this, operations);
	}
}

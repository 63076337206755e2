import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { schemaSourceProperties } from '../shared/schemaSource';
import { lookupByName } from '../shared/lookup';

export const promptProperty: INodeProperties = {
	displayName: 'Prompt',
	name: 'prompt',
	type: 'string',
	typeOptions: { rows: 4 },
	default: '',
	required: true,
	placeholder:
		'e.g. Check that the ID, the payslips and the bank statement belong to the same person',
	description: 'What the agent should do with the inputs',
};

// Agents have no domain, so "None" here means the agent decides the shape of its answer.
export const outputSchemaProperties: INodeProperties[] = schemaSourceProperties.map((property) =>
	property.name === 'schemaSource'
		? {
				...property,
				options: (property.options ?? []).map((option) =>
					'value' in option && option.value === 'none'
						? { ...option, description: 'The agent decides the shape of its answer' }
						: option,
				),
			}
		: property,
);

/** Finds an agent by name[:version] on VLM Run, failing with an error that names the agent. */
export async function lookupAgent(
	ctx: IExecuteFunctions,
	i: number,
	name: string,
): Promise<IDataObject> {
	return await lookupByName(ctx, i, {
		key: `agent:${name}`,
		path: '/agent/lookup',
		body: { name },
		message: `The agent "${name}" does not exist on VLM Run`,
		description:
			'Check the agent name (name or name:version), pick it from the list, or create it first with Agent → Create.',
	});
}

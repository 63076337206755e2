import { NodeHelpers } from 'n8n-workflow';
import type { INodeProperties, INodeTypeDescription } from 'n8n-workflow';

import { VlmRunExecution } from '../../../nodes/VlmRun/VlmRunExecution.node';
import { VlmRunRequest } from '../../../nodes/VlmRun/VlmRunRequest.node';

/** The Completion modes n8n shows for the node's parameters, evaluated as n8n's editor does. */
function visibleModes(
	description: INodeTypeDescription,
	parameters: Record<string, string>,
): unknown[] {
	const shown = description.properties.filter(
		(property: INodeProperties) =>
			property.name === 'completion' &&
			NodeHelpers.displayParameter(parameters, property, { typeVersion: 1 }, description),
	);
	return shown.flatMap((property) =>
		(property.options ?? []).map((option) => ('value' in option ? option.value : undefined)),
	);
}

// n8n builds the AI-tool variant of a usableAsTool node under the name "<name>Tool"; `@tool`
// display rules read that suffix.
const asTool = (description: INodeTypeDescription): INodeTypeDescription => ({
	...description,
	name: `${description.name}Tool`,
});

describe.each([
	[
		'VLM Run Request',
		new VlmRunRequest().description,
		{ resource: 'prediction', operation: 'extract' },
	],
	[
		'VLM Run Execution',
		new VlmRunExecution().description,
		{ resource: 'execution', operation: 'run' },
	],
])('%s as an AI tool', (_name, description, parameters) => {
	it('is usable as a tool', () => {
		expect(description.usableAsTool).toBe(true);
	});

	it('offers all three completion modes in a workflow', () => {
		expect(visibleModes(description, parameters)).toEqual([
			'waitForResult',
			'waitForCallback',
			'submitOnly',
		]);
	});

	it('does not offer Wait for Callback as a tool, which cannot pause the execution', () => {
		expect(visibleModes(asTool(description), parameters)).toEqual(['waitForResult', 'submitOnly']);
	});
});

import type { INodeProperties, INodePropertyOptions, INodeType } from 'n8n-workflow';

import { VlmRunChat } from '../../nodes/VlmRun/VlmRunChat.node';
import { VlmRunExecution } from '../../nodes/VlmRun/VlmRunExecution.node';
import { VlmRunRequest } from '../../nodes/VlmRun/VlmRunRequest.node';
import { operations as chatOperations } from '../../nodes/VlmRun/chat';
import { operations as executionOperations } from '../../nodes/VlmRun/execution';
import { operations as requestOperations } from '../../nodes/VlmRun/request';
import type { OperationMap } from '../../nodes/VlmRun/shared/router';

const nodes: Array<[string, INodeType, OperationMap]> = [
	['VLM Run Request', new VlmRunRequest(), requestOperations],
	['VLM Run Execution', new VlmRunExecution(), executionOperations],
	['VLM Run Chat', new VlmRunChat(), chatOperations],
];

const values = (property: INodeProperties | undefined) =>
	((property?.options ?? []) as INodePropertyOptions[]).map((option) => option.value).sort();

describe.each(nodes)('%s selectors', (_name, node, operations) => {
	const { properties } = node.description;
	const operationSelector = (resource: string) =>
		properties.find(
			(property) =>
				property.name === 'operation' &&
				property.displayOptions?.show?.resource?.includes(resource),
		);

	test('the Resource selector offers exactly the resources of the map', () => {
		const resource = properties.find((property) => property.name === 'resource');
		expect(values(resource)).toEqual(Object.keys(operations).sort());
		expect(Object.keys(operations)).toContain(resource?.default);
	});

	test.each(Object.keys(operations))(
		'the Operation selector of %s offers exactly its operations',
		(resource) => {
			const selector = operationSelector(resource);
			expect(selector?.displayOptions?.show?.resource).toEqual([resource]);
			expect(values(selector)).toEqual(Object.keys(operations[resource]).sort());
			expect(Object.keys(operations[resource])).toContain(selector?.default);
		},
	);

	test('each operation shows its fields only under its own resource and operation', () => {
		for (const [resource, group] of Object.entries(operations))
			for (const [name, operation] of Object.entries(group))
				for (const field of operation.description)
					expect({ field: field.name, show: field.displayOptions?.show }).toMatchObject({
						show: { resource: [resource], operation: [name] },
					});
	});
});

import type { INodeProperties } from 'n8n-workflow';

import { VlmRunChat } from '../../../nodes/VlmRun/VlmRunChat.node';
import { VlmRunExecution } from '../../../nodes/VlmRun/VlmRunExecution.node';
import { VlmRunRequest } from '../../../nodes/VlmRun/VlmRunRequest.node';

const propertiesOf = (node: { description: { properties: INodeProperties[] } }) =>
	node.description.properties;
const named = (properties: INodeProperties[], name: string, operation: string) =>
	properties.find(
		(property) =>
			property.name === name && property.displayOptions?.show?.operation?.includes(operation),
	) as INodeProperties;

describe('Execution → Run description', () => {
	const run = (name: string) => named(propertiesOf(new VlmRunExecution()), name, 'run');

	it('offers the three completion modes, with the 30-minute wait for a result', () => {
		expect(run('completion').options?.map((option) => 'value' in option && option.value)).toEqual([
			'waitForResult',
			'waitForCallback',
			'submitOnly',
		]);
		expect(run('timeout').default).toBe(1800);
		expect(run('callbackTimeout')).toMatchObject({
			default: 1440,
			displayOptions: { show: { completion: ['waitForCallback'] } },
		});
	});

	it('declares the resume webhook, as the Request node does', () => {
		const { webhooks } = new VlmRunExecution().description;
		expect(webhooks).toBe(new VlmRunRequest().description.webhooks);
	});

	it('offers the same toolsets and skills as Chat → Message, under the same parameter names', () => {
		const chat = (name: string) => named(propertiesOf(new VlmRunChat()), name, 'message');
		// Only where each node shows them and how it words them may differ.
		const shared = (property: INodeProperties) => ({
			...property,
			displayOptions: undefined,
			description: undefined,
		});
		for (const name of ['toolsets', 'skills'])
			expect(shared(run(name))).toEqual(shared(chat(name)));
		expect(run('toolsets').description).toMatch(/^Tool categories the agent may use/);
		expect(chat('toolsets').description).toMatch(/^Tool categories the model may use/);
		expect(run('toolsets').options).toHaveLength(8);
	});
});

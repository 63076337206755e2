import type { INodeProperties } from 'n8n-workflow';

import { VlmRunChat } from '../../../nodes/VlmRun/VlmRunChat.node';
import { VlmRunExecution } from '../../../nodes/VlmRun/VlmRunExecution.node';
import { VlmRunRequest } from '../../../nodes/VlmRun/VlmRunRequest.node';
import { VlmRunTrigger } from '../../../nodes/VlmRun/VlmRunTrigger.node';

/** Every `validation` rule anywhere in a node description, with the path of the field that has it. */
function validations(value: unknown, path: string[] = []): Array<[string, unknown]> {
	if (Array.isArray(value))
		return value.flatMap((entry, n) => validations(entry, [...path, String(n)]));
	if (!value || typeof value !== 'object') return [];
	const found: Array<[string, unknown]> = [];
	for (const [key, child] of Object.entries(value)) {
		if (key === 'validation') found.push([path.join('.'), child]);
		else found.push(...validations(child, [...path, key]));
	}
	return found;
}

// n8n evaluates a field's `regex` validation with a 250 ms limit; on a busy worker that failed whole
// executions with "Regular expression execution timed out". Our code checks such fields instead.
describe('No n8n-evaluated regex validation', () => {
	it.each([
		['VLM Run Request', new VlmRunRequest().description.properties],
		['VLM Run Execution', new VlmRunExecution().description.properties],
		['VLM Run Chat', new VlmRunChat().description.properties],
		['VLM Run Trigger', new VlmRunTrigger().description.properties],
	])('%s declares none', (_name, properties: INodeProperties[]) => {
		const regexRules = validations(properties).filter(([, rules]) =>
			JSON.stringify(rules).includes('"regex"'),
		);
		expect(regexRules).toEqual([]);
	});
});

import type { INodeParameters, INodeProperties, INodeOutputConfiguration } from 'n8n-workflow';

/*
 * Review Rules: the parameters, and the node outputs they switch on. With any rule set the node
 * has two outputs, Confident and Needs Review; without, its single output stays as it was, so
 * existing workflows keep their connections.
 */

export const REVIEW_OUTPUT_NAMES = ['Confident', 'Needs Review'];

export const reviewRulesProperty: INodeProperties = {
	displayName: 'Review Rules',
	name: 'reviewRules',
	type: 'collection',
	placeholder: 'Add Rule',
	default: {},
	description:
		'Send the items a person should check to a second output, Needs Review, each with the reasons in vlmrun.review. With Grounding, an image also gets a picture of where each field was read: binary review (PNG) and reviewSvg.',
	displayOptions: { hide: { completion: ['submitOnly'] } },
	options: [
		{
			displayName: 'Minimum Confidence',
			name: 'minConfidence',
			type: 'options',
			options: [
				{
					name: 'High',
					value: 'hi',
					description: 'Review any field VLM Run is not highly confident about',
				},
				{
					name: 'Medium',
					value: 'med',
					description: 'Review fields with low confidence',
				},
			],
			default: 'med',
			description:
				'Fields below this confidence need review. Turns on Confidence Scores by itself.',
		},
		{
			displayName: 'Needs Review If',
			name: 'condition',
			type: 'string',
			default: '',
			placeholder: 'e.g. {{ $json.total > 10000 }}',
			description:
				'An expression that is true when a person should check the item. In it, the current item is the extracted item, not the input item.',
		},
		{
			displayName: 'Validate Against Schema',
			name: 'validateSchema',
			type: 'boolean',
			default: true,
			description:
				"Whether to check the result against the JSON schema in use (yours, or the domain's): missing required fields, wrong types and values outside an enum need review",
		},
	],
};

const isSet = (value: unknown) =>
	value !== undefined && value !== null && value !== false && String(value).trim() !== '';

/** Whether the node, configured with these (raw) parameters, has the two review outputs. */
export function hasReviewOutputs(
	parameters: INodeParameters,
	defaults: { resource: string; operation: string },
): boolean {
	const resource = parameters.resource ?? defaults.resource;
	const operation = parameters.operation ?? defaults.operation;
	const rules = (parameters.reviewRules ?? {}) as INodeParameters;
	return (
		resource === defaults.resource &&
		operation === defaults.operation &&
		parameters.completion !== 'submitOnly' &&
		(isSet(rules.minConfidence) || isSet(rules.validateSchema) || isSet(rules.condition))
	);
}

const outputs = (names: string[]): INodeOutputConfiguration[] =>
	names.map((displayName) => ({ type: 'main', displayName }));

/**
 * The node description's `outputs`, computed by n8n from the parameters as for the Switch node.
 * It applies the same test as hasReviewOutputs, written out as an n8n expression.
 */
export function reviewOutputsExpression(defaults: {
	resource: string;
	operation: string;
}): `={{${string}}}` {
	const set = (value: string) =>
		`(${value} !== undefined && ${value} !== null && ${value} !== false && String(${value}).trim() !== '')`;
	const test = [
		`($parameter.resource || ${JSON.stringify(defaults.resource)}) === ${JSON.stringify(defaults.resource)}`,
		`($parameter.operation || ${JSON.stringify(defaults.operation)}) === ${JSON.stringify(defaults.operation)}`,
		`$parameter.completion !== 'submitOnly'`,
		`(${['minConfidence', 'validateSchema', 'condition'].map((rule) => set(`($parameter.reviewRules || {}).${rule}`)).join(' || ')})`,
	].join(' && ');
	return `={{ ${test} ? ${JSON.stringify(outputs(REVIEW_OUTPUT_NAMES))} : ["main"] }}`;
}

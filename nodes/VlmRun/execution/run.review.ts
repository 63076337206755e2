import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import {
	reviewExtraction,
	reviewRulesProperty,
	withReview,
	type ReviewRules,
} from '../shared/review';

export const EXECUTION_DEFAULTS = { resource: 'execution', operation: 'run' };

/** Agents return no confidence scores, so Run offers the schema and condition rules only. */
export const runReviewRulesProperty = {
	...reviewRulesProperty,
	description:
		"Send the executions a person should check to a second output, Needs Review, each with the reasons in vlmrun.review. Validate Against Schema uses the Output Schema, or the agent's.",
	options: (reviewRulesProperty.options ?? []).filter((option) => option.name !== 'minConfidence'),
};

/** Applies Review Rules to the item of a completed execution, against the schema it was asked for. */
export async function reviewExecution(
	ctx: IExecuteFunctions,
	i: number,
	rules: ReviewRules,
	execution: IDataObject,
	item: INodeExecutionData,
	schema: IDataObject | undefined,
): Promise<INodeExecutionData> {
	const result = await reviewExtraction(ctx, i, rules, {
		data: execution.response,
		json: item.json,
		schema: rules.validateSchema ? schema : undefined,
		checkRequired: true,
	});
	return withReview(item, result);
}

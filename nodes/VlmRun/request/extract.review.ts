import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	IWebhookFunctions,
} from 'n8n-workflow';

import { readFileBuffer, type InputFile } from '../shared/binary';
import { imageMimeType, type Modality } from '../shared/media';
import { reviewExtraction, withReview, type ReviewRules } from '../shared/review';
import { domainSchema } from '../shared/review/schemas';

export const REQUEST_DEFAULTS = { resource: 'prediction', operation: 'extract' };

export interface ExtractReview {
	rules: ReviewRules;
	/** The user's JSON schema, when the extraction used one instead of the domain's. */
	schema?: IDataObject;
	/** With a GraphQL selection only the selected fields come back. */
	partial: boolean;
}

/**
 * Applies Review Rules to the item of a completed prediction, in execute() or, for Wait for
 * Callback, in webhook() (without the input file there, so without a picture).
 */
export async function reviewPrediction(
	ctx: IExecuteFunctions | IWebhookFunctions,
	i: number,
	review: ExtractReview,
	prediction: IDataObject,
	item: INodeExecutionData,
	source: { modality: Modality; file?: InputFile; domain: string },
): Promise<INodeExecutionData> {
	const { rules } = review;
	const schema = rules.validateSchema
		? (review.schema ?? (await domainSchema(ctx, i, source.domain)))
		: undefined;
	const file = source.modality === 'image' && 'getInputData' in ctx ? source.file : undefined;
	const result = await reviewExtraction(ctx, i, rules, {
		data: prediction.response,
		json: item.json,
		schema,
		checkRequired: !review.partial,
		image: file && {
			bytes: await readFileBuffer(ctx as IExecuteFunctions, file),
			mimeType: imageMimeType(file.mimeType, file.fileName),
			fileName: file.fileName,
		},
	});
	return withReview(item, result);
}

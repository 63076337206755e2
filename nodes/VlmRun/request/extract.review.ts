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
 * An input image kept in n8n's binary store (filesystem, database or S3 mode), named by its id so
 * that Wait for Callback can draw the review picture when the job finishes: webhook() has no input
 * items to read it from. In n8n's in-memory mode the image has no id, and no picture is drawn then.
 */
export interface StoredImage extends IDataObject {
	id: string;
	mimeType: string;
	fileName: string;
}

/** What the resume shape keeps of an image input for its review picture: its id, not its bytes. */
export function storedImage(source: { modality: Modality; file?: InputFile }): {
	image?: StoredImage;
} {
	const { file } = source;
	if (source.modality !== 'image' || !file?.binary.id) return {};
	return {
		image: {
			id: file.binary.id,
			mimeType: imageMimeType(file.mimeType, file.fileName),
			fileName: file.fileName,
		},
	};
}

async function imageOf(
	ctx: IExecuteFunctions | IWebhookFunctions,
	source: { modality: Modality; file?: InputFile; stored?: StoredImage },
) {
	if (source.modality !== 'image') return undefined;
	const { file, stored } = source;
	if (file && 'getInputData' in ctx)
		return {
			bytes: await readFileBuffer(ctx, file),
			mimeType: imageMimeType(file.mimeType, file.fileName),
			fileName: file.fileName,
		};
	if (!stored) return undefined;
	const stream = await ctx.helpers.getBinaryStream(stored.id);
	return { ...stored, bytes: await ctx.helpers.binaryToBuffer(stream) };
}

/**
 * Applies Review Rules to the item of a completed prediction, in execute() or, for Wait for
 * Callback, in webhook() (the picture then comes from the stored input image, see StoredImage).
 */
export async function reviewPrediction(
	ctx: IExecuteFunctions | IWebhookFunctions,
	i: number,
	review: ExtractReview,
	prediction: IDataObject,
	item: INodeExecutionData,
	source: { modality: Modality; file?: InputFile; stored?: StoredImage; domain: string },
): Promise<INodeExecutionData> {
	const { rules } = review;
	const schema = rules.validateSchema
		? (review.schema ?? (await domainSchema(ctx, i, source.domain)))
		: undefined;
	const result = await reviewExtraction(ctx, i, rules, {
		data: prediction.response,
		json: item.json,
		schema,
		checkRequired: !review.partial,
		image: await imageOf(ctx, source),
	});
	return withReview(item, result);
}

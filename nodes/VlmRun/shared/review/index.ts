import type {
	IBinaryKeyData,
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	IWebhookFunctions,
} from 'n8n-workflow';

import { evaluateCondition } from './condition';
import { hasReviewOutputs } from './description';
import { fieldMetadata, isBelow, type Confidence, type FieldMetadata } from './fields';
import { imageSize } from './imageSize';
import { reviewPicture, type PictureField } from './picture';
import { reviewPng } from './raster';
import { validateAgainstSchema } from './validate';

export { REVIEW_OUTPUT_NAMES, reviewOutputsExpression, reviewRulesProperty } from './description';

export interface ReviewRules {
	minConfidence?: Confidence;
	validateSchema: boolean;
	/** The Needs Review If expression, unevaluated. */
	condition?: string;
}

export interface Reason extends IDataObject {
	field: string | null;
	rule: 'confidence' | 'required' | 'type' | 'enum' | 'condition';
	value: IDataObject['value'];
	confidence: Confidence | null;
	message: string;
}

export interface ReviewSubject {
	/** What VLM Run extracted, `<field>_metadata` included. */
	data: unknown;
	/** The output item's json, which the condition sees as $json. */
	json: IDataObject;
	/** The JSON schema the extraction was made with, when validation is on. */
	schema?: IDataObject;
	/** False with a GraphQL selection, which returns only some of the schema's fields. */
	checkRequired: boolean;
	/** The input image, for the review picture. */
	image?: { bytes: Buffer; mimeType: string; fileName: string };
}

export interface ReviewResult {
	review: IDataObject;
	/** The pictures for the reviewer, by binary property name. */
	pictures?: IBinaryKeyData;
}

const CONFIDENCE_LABEL: Record<Confidence, string> = { hi: 'high', med: 'medium', low: 'low' };

/** The item's Review Rules, or undefined when none is set. */
export function readReviewRules(ctx: IExecuteFunctions, i: number): ReviewRules | undefined {
	const rules = ctx.getNodeParameter('reviewRules', i, {}) as IDataObject;
	const raw = ctx.getNodeParameter('reviewRules.condition', i, '', { rawExpressions: true });
	const condition = typeof raw === 'string' && raw.replace(/^=/, '').trim() ? raw : undefined;
	const minConfidence =
		rules.minConfidence === 'hi' || rules.minConfidence === 'med'
			? (rules.minConfidence as Confidence)
			: undefined;
	const validateSchema = rules.validateSchema === true;
	if (!minConfidence && !validateSchema && !condition) return undefined;
	return { minConfidence, validateSchema, condition };
}

function reasonBoxes(meta: FieldMetadata | undefined): IDataObject {
	return meta?.boxes.length ? { boxes: meta.boxes as unknown as IDataObject[] } : {};
}

function ruleReasons(
	rules: ReviewRules,
	subject: ReviewSubject,
	fields: FieldMetadata[],
): Reason[] {
	const byField = new Map(fields.map((meta) => [meta.field, meta]));
	const reasons: Reason[] = [];
	const minimum = rules.minConfidence;
	if (minimum) {
		for (const meta of fields) {
			if (!isBelow(meta.confidence, minimum)) continue;
			reasons.push({
				field: meta.field,
				rule: 'confidence',
				value: meta.value as IDataObject['value'],
				confidence: meta.confidence ?? null,
				message: `${meta.field}: VLM Run's confidence is ${CONFIDENCE_LABEL[meta.confidence as Confidence]}, below ${CONFIDENCE_LABEL[minimum]}`,
				...reasonBoxes(meta),
			});
		}
	}
	if (rules.validateSchema && subject.schema) {
		for (const violation of validateAgainstSchema(subject.data, subject.schema, {
			checkRequired: subject.checkRequired,
		})) {
			const meta = byField.get(violation.field);
			reasons.push({
				field: violation.field || null,
				rule: violation.rule,
				value: violation.value as IDataObject['value'],
				confidence: meta?.confidence ?? null,
				message: violation.message,
				...reasonBoxes(meta),
			});
		}
	}
	return reasons;
}

/**
 * The reviewer's pictures of an image input with grounding: `review`, a PNG (n8n's binary viewer
 * shows PNG, not SVG), and `reviewSvg`, the same picture as vector graphics with crisp labels for
 * a browser. When the image is one the PNG drawing cannot decode (a JPEG variant, WebP, GIF...),
 * `review` is the SVG, which embeds the image as it is.
 */
async function pictures(
	ctx: IExecuteFunctions | IWebhookFunctions,
	subject: ReviewSubject,
	fields: FieldMetadata[],
	reasons: Reason[],
): Promise<IBinaryKeyData | undefined> {
	const { image } = subject;
	if (!image || !fields.some((meta) => meta.boxes.length)) return undefined;
	const size = imageSize(image.bytes);
	if (!size) return undefined;
	const flags = new Map<string, string[]>();
	for (const reason of reasons) {
		if (!reason.field) continue;
		flags.set(reason.field, [...(flags.get(reason.field) ?? []), reason.rule]);
	}
	const pictureFields = fields.map(
		(meta): PictureField => ({ ...meta, flags: flags.get(meta.field) ?? [] }),
	);
	const title = `Review of ${image.fileName}`;
	const svg = reviewPicture(
		{ dataUri: `data:${image.mimeType};base64,${image.bytes.toString('base64')}`, size, title },
		pictureFields,
	);
	const base = image.fileName.replace(/\.[^.]*$/, '') || 'image';
	const vector = await ctx.helpers.prepareBinaryData(
		Buffer.from(svg, 'utf8'),
		`${base}-review.svg`,
		'image/svg+xml',
	);
	const png = reviewPng(image.bytes, title, pictureFields);
	if (!png) return { review: vector };
	return {
		review: await ctx.helpers.prepareBinaryData(
			Buffer.from(png.buffer, png.byteOffset, png.length),
			`${base}-review.png`,
			'image/png',
		),
		reviewSvg: vector,
	};
}

/** Applies the rules to one extraction: vlmrun.review for the item and, for images, the picture. */
export async function reviewExtraction(
	ctx: IExecuteFunctions | IWebhookFunctions,
	i: number,
	rules: ReviewRules,
	subject: ReviewSubject,
): Promise<ReviewResult> {
	const fields = fieldMetadata(subject.data);
	const reasons = ruleReasons(rules, subject, fields);
	if (rules.condition && evaluateCondition(ctx, i, rules.condition, subject.json)) {
		reasons.push({
			field: null,
			rule: 'condition',
			value: true,
			confidence: null,
			message: `Needs Review If ${rules.condition.replace(/^=/, '').trim()} is true`,
		});
	}
	return {
		review: { needed: reasons.length > 0, reasons },
		pictures: await pictures(ctx, subject, fields, reasons),
	};
}

/** The item with its review: vlmrun.review in the json, the pictures as binaries. */
export function withReview(item: INodeExecutionData, result: ReviewResult): INodeExecutionData {
	const vlmrun = (item.json.vlmrun ?? {}) as IDataObject;
	return {
		...item,
		json: { ...item.json, vlmrun: { ...vlmrun, review: result.review } },
		...(result.pictures ? { binary: { ...item.binary, ...result.pictures } } : {}),
	};
}

const needsReview = (item: INodeExecutionData) =>
	((item.json.vlmrun as IDataObject | undefined)?.review as IDataObject | undefined)?.needed !==
	false;

/**
 * Splits the node's output into Confident and Needs Review when the node has those outputs. An
 * item without a review (a failed file, with continue on fail) goes to Needs Review: nobody has
 * checked it.
 */
export function routeReviewed(
	ctx: IExecuteFunctions | IWebhookFunctions,
	output: INodeExecutionData[][],
	defaults: { resource: string; operation: string },
): INodeExecutionData[][] {
	const node = ctx.getNode();
	// As an AI tool the node has one output, the agent's.
	if (node.type.endsWith('Tool') || !hasReviewOutputs(node.parameters, defaults)) return output;
	const items = output.flat();
	return [items.filter((item) => !needsReview(item)), items.filter(needsReview)];
}

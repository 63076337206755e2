import { updateDisplayOptions } from 'n8n-workflow';
import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import {
	DIRECT_UPLOAD_LIMIT,
	modalityOf,
	screenFiles,
	selectBinaryFields,
	toDataUrl,
	type BinarySelection,
	type InputFile,
	type SkippedFile,
} from '../shared/binary';
import type { JobShapers } from '../shared/callback';
import { inputError } from '../shared/errors';
import { detectModality, imageMimeType, type Modality } from '../shared/media';
import { readCompletion, type CompletionPlan } from '../shared/completion';
import { runJob, type JobOutput } from '../shared/jobs';
import { checkDomain, isHttpUrl } from '../shared/params';
import type { Job } from '../shared/polling';
import { errorItem, type Operation, type RunContext, type PlannedItem } from '../shared/router';
import { parsePageRange } from '../shared/schema';
import { readReviewRules, reviewRulesProperty } from '../shared/review';
import { readReuseUploads, uploadOnce } from '../shared/reuse';
import { readSchema } from '../shared/schemaSource';
import { answersSynchronously, jobClass } from '../shared/syncLimits';
import { apiRequest, type ApiCall } from '../shared/transport';
import { extractProperties } from './extract.properties';
import {
	reviewPrediction,
	storedImage,
	type ExtractReview,
	type StoredImage,
} from './extract.review';

export const description = updateDisplayOptions(
	{ show: { resource: ['prediction'], operation: ['extract'] } },
	[...extractProperties, reviewRulesProperty],
);

/** A file or URL to extract from, or (under continue-on-fail) the error of a file VLM Run cannot take. */
type Source = { modality: Modality; file?: InputFile; url?: string } | { unusable: Error };
type UsableSource = Exclude<Source, { unusable: Error }>;

interface ExtractPlan {
	sources: Source[];
	/** Files left out by Skip Unsupported Files, reported on every output item. */
	skipped: SkippedFile[];
	domain?: string;
	domainsByType: Partial<Record<Modality, string>>;
	config: IDataObject;
	metadata: IDataObject;
	completion: CompletionPlan;
	output: 'data' | 'full';
	includeInputBinary: boolean;
	review?: ExtractReview;
	/** Reuse Uploaded Files: look big files up by hash before uploading them. */
	reuseUploads: boolean;
	/** Answer in One Request When Possible (Wait for Result only, see syncLimits.ts). */
	synchronous: boolean;
}

// VLM Run needs a domain on every generate call; with only a custom schema these generic domains
// let the schema decide the output.
const SCHEMA_ONLY_DOMAINS: Record<Modality, string> = {
	document: 'document.generative',
	image: 'image.caption',
	audio: 'audio.transcription',
	video: 'video.transcription',
};

async function readSources(
	ctx: IExecuteFunctions,
	i: number,
	forced: Modality | undefined,
): Promise<{ sources: Source[]; skipped: SkippedFile[] }> {
	if (ctx.getNodeParameter('inputSource', i) === 'url') {
		const urls = String(ctx.getNodeParameter('urls', i, ''))
			.split(/[\s,]+/)
			.filter(Boolean);
		if (urls.length === 0) {
			throw inputError(
				ctx.getNode(),
				i,
				'No URL given',
				'Enter at least one http(s) URL in "URLs".',
			);
		}
		const sources = urls.map((url) => {
			if (!isHttpUrl(url)) {
				throw inputError(
					ctx.getNode(),
					i,
					`"${url}" is not an http(s) URL`,
					'VLM Run fetches files from public http:// or https:// links only.',
				);
			}
			const modality = forced ?? detectModality(undefined, new URL(url).pathname);
			if (!modality) {
				throw inputError(
					ctx.getNode(),
					i,
					`Cannot tell whether ${url} is an image, document, audio or video`,
					'The URL has no known file extension. Set the Modality parameter.',
				);
			}
			return { modality, url };
		});
		return { sources, skipped: [] };
	}
	const selection = ctx.getNodeParameter('binarySelection', i, 'fields') as BinarySelection;
	const fieldList =
		selection === 'fields' ? (ctx.getNodeParameter('binaryPropertyName', i) as string) : '';
	const { files, skipped } = await screenFiles(
		ctx,
		i,
		selectBinaryFields(ctx, i, selection, fieldList),
		forced ? 'nonEmpty' : 'modality',
	);
	const sources = files.map(
		(file): Source =>
			file.error ? { unusable: file.error } : { modality: forced ?? modalityOf(file), file },
	);
	return { sources, skipped };
}

function readDomainsByType(ctx: IExecuteFunctions, i: number): Partial<Record<Modality, string>> {
	const rows = ctx.getNodeParameter('options.domainsByType.rule', i, []) as Array<{
		modality?: Modality;
		domain?: string;
	}>;
	const domains: Partial<Record<Modality, string>> = {};
	for (const { modality, domain } of rows) {
		if (modality && domain?.trim()) domains[modality] = checkDomain(ctx, i, domain.trim());
	}
	return domains;
}

async function validate(ctx: IExecuteFunctions, i: number): Promise<ExtractPlan> {
	const modalityParam = ctx.getNodeParameter('modality', i, 'auto') as string;
	const { sources, skipped } = await readSources(
		ctx,
		i,
		modalityParam === 'auto' ? undefined : (modalityParam as Modality),
	);
	const domainName = (
		ctx.getNodeParameter('domain', i, '', { extractValue: true }) as string
	).trim();
	const domain = domainName ? checkDomain(ctx, i, domainName) : undefined;
	const schema = readSchema(ctx, i);
	const domainsByType = readDomainsByType(ctx, i);
	const covered = (source: Source) => 'unusable' in source || domainsByType[source.modality];
	if (!domain && !schema && !sources.every(covered)) {
		throw inputError(
			ctx.getNode(),
			i,
			'Neither a domain nor an output schema is set',
			'Pick a Domain such as document.invoice, or set Output Schema to JSON Schema or Fields.',
		);
	}
	const options = ctx.getNodeParameter('options', i, {}) as IDataObject;
	const reviewRules = readReviewRules(ctx, i);
	const config: IDataObject = {};
	if (schema) config.json_schema = schema;
	if (options.confidence || reviewRules?.minConfidence) config.confidence = true;
	if (options.grounding) config.grounding = true;
	if (options.detail && options.detail !== 'auto') config.detail = options.detail;
	if (options.serviceTier) config.service_tier = options.serviceTier;
	if (typeof options.gqlStmt === 'string' && options.gqlStmt.trim())
		config.gql_stmt = options.gqlStmt.trim();
	if (typeof options.pages === 'string' && options.pages.trim()) {
		config.page_indices = parsePageRange(ctx, i, options.pages);
	}
	return {
		sources,
		skipped,
		domain,
		domainsByType,
		config,
		metadata: { allow_training: options.allowTraining === true },
		completion: readCompletion(ctx, i, 600),
		output: options.output === 'full' ? 'full' : 'data',
		includeInputBinary: options.includeInputBinary === true,
		reuseUploads: readReuseUploads(ctx, i),
		synchronous: options.synchronous !== false,
		review: reviewRules && { rules: reviewRules, schema, partial: config.gql_stmt !== undefined },
	};
}

async function fileInput(
	ctx: IExecuteFunctions,
	source: UsableSource,
	reuseUploads: boolean,
): Promise<IDataObject> {
	const { file, url, modality } = source;
	if (modality === 'image') {
		if (url) return { images: [url] };
		const image = file as InputFile;
		if (image.size <= DIRECT_UPLOAD_LIMIT) {
			return {
				images: [await toDataUrl(ctx, image, imageMimeType(image.mimeType, image.fileName))],
			};
		}
		const uploaded = await uploadOnce(ctx, image, reuseUploads);
		return { images: [uploaded.public_url] };
	}
	if (url) return { url };
	return { file_id: (await uploadOnce(ctx, file as InputFile, reuseUploads)).id };
}

function sourceLabel(source: UsableSource): string {
	return source.file
		? `File "${source.file.fileName}" (binary field "${source.file.property}")`
		: `URL ${source.url}`;
}

function sourceSummary(source: UsableSource, skipped: SkippedFile[]): IDataObject {
	const summary: IDataObject = source.file
		? {
				fileName: source.file.fileName,
				mimeType: source.file.mimeType,
				binaryProperty: source.file.property,
				modality: source.modality,
			}
		: { url: source.url, modality: source.modality };
	return skipped.length ? { ...summary, skippedFiles: skipped } : summary;
}

/**
 * Shapes a prediction into the item the user sees, the same `vlmrun` summary in every completion
 * mode: a completed prediction's fields on top (or the whole prediction with Output: Full
 * Prediction, or while it is still pending).
 */
export function predictionItem(
	prediction: IDataObject,
	output: 'data' | 'full',
	summary?: IDataObject,
): IDataObject {
	const usage = (prediction.usage ?? {}) as IDataObject;
	const vlmrun: IDataObject = {
		predictionId: prediction.id,
		status: prediction.status,
		domain: prediction.domain,
		creditsUsed: usage.credits_used ?? null,
		usage,
		...summary,
	};
	if (output === 'full' || prediction.status !== 'completed') return { ...prediction, vlmrun };
	const response = prediction.response;
	const data =
		response && typeof response === 'object' && !Array.isArray(response)
			? (response as IDataObject)
			: ({ data: response } as IDataObject);
	return { ...data, vlmrun };
}

/** The item of an input item whose every file was left out by Skip Unsupported Files. */
function skippedItem(skipped: SkippedFile[]): INodeExecutionData {
	return { json: { vlmrun: { status: 'skipped', skippedFiles: skipped } } };
}

async function extractOne(
	ctx: IExecuteFunctions,
	i: number,
	plan: ExtractPlan,
	source: UsableSource,
): Promise<JobOutput> {
	const summary = sourceSummary(source, plan.skipped);
	const domain =
		plan.domainsByType[source.modality] ?? plan.domain ?? SCHEMA_ONLY_DOMAINS[source.modality];
	const pageCount = (plan.config.page_indices as number[] | undefined)?.length;
	const input = { modality: source.modality, file: source.file, pageCount };
	const { completion, timeoutMs, callbackUrl } = plan.completion;
	return await runJob(ctx, plan.completion, {
		kind: 'prediction',
		itemIndex: i,
		jobClass: jobClass(input),
		submit: async () => {
			const waits = completion === 'waitForResult';
			const synchronous = waits && plan.synchronous && (await answersSynchronously(ctx, input));
			const body: IDataObject = {
				...(await fileInput(ctx, source, plan.reuseUploads)),
				model: 'vlm-1',
				domain,
				batch: !synchronous,
				config: plan.config,
				metadata: plan.metadata,
			};
			if (callbackUrl) body.callback_url = callbackUrl;
			const call: ApiCall = {
				method: 'POST',
				path: `/${source.modality}/generate`,
				body,
				itemIndex: i,
				resource: 'file',
				names: {
					domain: String(body.domain),
					...(typeof body.file_id === 'string' ? { file: body.file_id } : {}),
				},
				// Waiting out a rate limit is part of waiting for the result, up to the node's Timeout.
				...(waits ? { deadline: Date.now() + timeoutMs } : {}),
			};
			if (body.batch) return (await apiRequest(ctx, call)) as Job;
			// VLM Run holds a synchronous request until the model is done, up to the node's Timeout.
			return await submitSynchronously(ctx, { ...call, timeoutMs: Math.max(timeoutMs, 1000) });
		},
		shape: async (prediction) => {
			let item: INodeExecutionData = {
				json: predictionItem(prediction, plan.output, summary),
				pairedItem: { item: i },
			};
			if (plan.includeInputBinary && source.file)
				item.binary = { [source.file.property]: source.file.binary };
			if (plan.review && prediction.status === 'completed')
				item = await reviewPrediction(ctx, i, plan.review, prediction, item, { ...source, domain });
			return item;
		},
		resumeShape: {
			output: plan.output,
			source: summary,
			...(plan.review ? { review: plan.review as unknown as IDataObject, domain } : {}),
			...(plan.review ? storedImage(source) : {}),
		},
	});
}

/**
 * Sends a batch: false generate call. If VLM Run refuses to answer it synchronously (a 4xx asking
 * for batch mode, so no job exists), it is sent once more as a batch job.
 */
async function submitSynchronously(ctx: IExecuteFunctions, call: ApiCall): Promise<Job> {
	const sent = await apiRequest(ctx, call).then(
		(job) => ({ job: job as Job }),
		(error: Error & { httpCode?: string; description?: string }) => ({ error }),
	);
	if ('job' in sent) return sent.job;
	const { httpCode, description } = sent.error;
	const refused = ['400', '422'].includes(httpCode ?? '') && /\bbatch\b/i.test(description ?? '');
	if (!refused) throw sent.error;
	return (await apiRequest(ctx, {
		...call,
		timeoutMs: undefined,
		body: { ...(call.body as IDataObject), batch: true },
	})) as Job;
}

/** Wait for Callback builds the item of a finished prediction the same way as Wait for Result. */
export const predictionShapers: JobShapers = {
	prediction: async (ctx, prediction, shape, itemIndex) => {
		const source = shape.source as IDataObject;
		const item = {
			json: predictionItem(prediction, shape.output === 'full' ? 'full' : 'data', source),
		};
		if (!shape.review || prediction.status !== 'completed') return item;
		return await reviewPrediction(
			ctx,
			itemIndex,
			shape.review as unknown as ExtractReview,
			prediction,
			item,
			{
				modality: source.modality as Modality,
				domain: String(shape.domain),
				stored: shape.image as StoredImage | undefined,
			},
		);
	},
};

async function execute(
	ctx: IExecuteFunctions,
	{ index: i, plan }: PlannedItem<ExtractPlan>,
	run: RunContext,
): Promise<JobOutput[]> {
	if (plan.sources.length === 0) return [skippedItem(plan.skipped)];
	return await run.all(
		plan.sources.map(async (source) => {
			if ('unusable' in source) return errorItem(source.unusable, { item: i });
			const work = run.limit(async () => await extractOne(ctx, i, plan, source));
			if (!run.continueOnFail) return await work;
			return await work.catch((error: Error) =>
				errorItem(error, { item: i }, `${sourceLabel(source)}:`),
			);
		}),
	);
}

export const extract: Operation<ExtractPlan> = {
	description,
	validate,
	execute,
};

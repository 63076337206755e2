import { updateDisplayOptions } from 'n8n-workflow';
import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import {
	describeFiles,
	DIRECT_UPLOAD_LIMIT,
	requireModality,
	selectBinaryFields,
	toDataUrl,
	uploadFile,
	type BinarySelection,
	type InputFile,
} from '../shared/binary';
import { pendingJobItem, resumeUrl, type JobShapers } from '../shared/callback';
import { inputError } from '../shared/errors';
import { detectModality, imageMimeType, type Modality } from '../shared/media';
import { isHttpUrl } from '../shared/params';
import { jobFailedError, waitForJob } from '../shared/polling';
import { errorItem, type Operation, type RunContext } from '../shared/router';
import {
	parseJsonSchema,
	parsePageRange,
	schemaFromFields,
	type FieldDefinition,
} from '../shared/schema';
import { apiRequest } from '../shared/transport';
import { extractProperties } from './extract.properties';

export const description = updateDisplayOptions(
	{ show: { resource: ['prediction'], operation: ['extract'] } },
	extractProperties,
);

type Source = { modality: Modality; file?: InputFile; url?: string };

interface ExtractPlan {
	sources: Source[];
	domain?: string;
	domainsByType: Partial<Record<Modality, string>>;
	config: IDataObject;
	metadata: IDataObject;
	completion: string;
	timeoutMs: number;
	callbackUrl?: string;
	/** Wait for Callback only: when the execution stops waiting, in ms since the epoch. */
	callbackDeadline?: number;
	output: 'data' | 'full';
	includeInputBinary: boolean;
}

// VLM Run needs a domain on every generate call; with only a custom schema these generic domains
// let the schema decide the output.
const SCHEMA_ONLY_DOMAINS: Record<Modality, string> = {
	document: 'document.generative',
	image: 'image.caption',
	audio: 'audio.transcription',
	video: 'video.transcription',
};

function readSchema(ctx: IExecuteFunctions, i: number): IDataObject | undefined {
	const source = ctx.getNodeParameter('schemaSource', i, 'none') as string;
	if (source === 'json')
		return parseJsonSchema(ctx, i, ctx.getNodeParameter('jsonSchema', i), 'JSON Schema');
	if (source === 'fields') {
		const rows = ctx.getNodeParameter('fields.field', i, []) as FieldDefinition[];
		return schemaFromFields(ctx, i, rows);
	}
	return undefined;
}

async function readSources(
	ctx: IExecuteFunctions,
	i: number,
	forced: Modality | undefined,
): Promise<Source[]> {
	if (ctx.getNodeParameter('inputSource', i) === 'url') {
		const urls = String(ctx.getNodeParameter('urls', i, ''))
			.split(/[\s,]+/)
			.filter(Boolean);
		if (urls.length === 0) {
			throw inputError(
				ctx.getNode(),
				i,
				`No URL given (item ${i})`,
				'Enter at least one http(s) URL in "URLs".',
			);
		}
		return urls.map((url) => {
			if (!isHttpUrl(url)) {
				throw inputError(
					ctx.getNode(),
					i,
					`"${url}" is not an http(s) URL (item ${i})`,
					'VLM Run fetches files from public http:// or https:// links only.',
				);
			}
			const modality = forced ?? detectModality(undefined, new URL(url).pathname);
			if (!modality) {
				throw inputError(
					ctx.getNode(),
					i,
					`Cannot tell whether ${url} is an image, document, audio or video (item ${i})`,
					'The URL has no known file extension. Set the Modality parameter.',
				);
			}
			return { modality, url };
		});
	}
	const selection = ctx.getNodeParameter('binarySelection', i, 'fields') as BinarySelection;
	const fieldList =
		selection === 'fields' ? (ctx.getNodeParameter('binaryPropertyName', i) as string) : '';
	const files = await describeFiles(ctx, i, selectBinaryFields(ctx, i, selection, fieldList));
	return files.map((file) => ({ modality: forced ?? requireModality(ctx, file), file }));
}

function readDomainsByType(ctx: IExecuteFunctions, i: number): Partial<Record<Modality, string>> {
	const rows = ctx.getNodeParameter('options.domainsByType.rule', i, []) as Array<{
		modality?: Modality;
		domain?: string;
	}>;
	const domains: Partial<Record<Modality, string>> = {};
	for (const { modality, domain } of rows) {
		if (modality && domain?.trim()) domains[modality] = domain.trim();
	}
	return domains;
}

async function prepare(this: IExecuteFunctions, i: number): Promise<ExtractPlan> {
	const modalityParam = this.getNodeParameter('modality', i, 'auto') as string;
	const sources = await readSources(
		this,
		i,
		modalityParam === 'auto' ? undefined : (modalityParam as Modality),
	);
	const domain =
		(this.getNodeParameter('domain', i, '', { extractValue: true }) as string).trim() || undefined;
	const schema = readSchema(this, i);
	const domainsByType = readDomainsByType(this, i);
	if (!domain && !schema && !sources.every((source) => domainsByType[source.modality])) {
		throw inputError(
			this.getNode(),
			i,
			`Neither a domain nor an output schema is set (item ${i})`,
			'Pick a Domain such as document.invoice, or set Output Schema to JSON Schema or Fields.',
		);
	}
	const options = this.getNodeParameter('options', i, {}) as IDataObject;
	const config: IDataObject = {};
	if (schema) config.json_schema = schema;
	if (options.confidence) config.confidence = true;
	if (options.grounding) config.grounding = true;
	if (options.detail && options.detail !== 'auto') config.detail = options.detail;
	if (options.serviceTier) config.service_tier = options.serviceTier;
	if (typeof options.gqlStmt === 'string' && options.gqlStmt.trim())
		config.gql_stmt = options.gqlStmt.trim();
	if (typeof options.pages === 'string' && options.pages.trim()) {
		config.page_indices = parsePageRange(this, i, options.pages);
	}
	const completion = this.getNodeParameter('completion', i, 'waitForResult') as string;
	const waitsForCallback = completion === 'waitForCallback';
	const callbackUrl = waitsForCallback
		? resumeUrl(this, i)
		: completion === 'submitOnly'
			? String(this.getNodeParameter('callbackUrl', i, '')).trim() || undefined
			: undefined;
	if (callbackUrl && !isHttpUrl(callbackUrl)) {
		throw inputError(
			this.getNode(),
			i,
			`The Callback URL "${callbackUrl}" is not an http(s) URL (item ${i})`,
			'Paste the Production URL of a VLM Run Trigger node, or leave it empty.',
		);
	}
	return {
		sources,
		domain,
		domainsByType,
		config,
		metadata: { allow_training: options.allowTraining === true },
		completion,
		timeoutMs: (this.getNodeParameter('timeout', i, 600) as number) * 1000,
		callbackUrl,
		callbackDeadline: waitsForCallback
			? Date.now() + (this.getNodeParameter('callbackTimeout', i, 1440) as number) * 60_000
			: undefined,
		output: options.output === 'full' ? 'full' : 'data',
		includeInputBinary: options.includeInputBinary === true,
	};
}

async function fileInput(ctx: IExecuteFunctions, source: Source): Promise<IDataObject> {
	const { file, url, modality } = source;
	if (modality === 'image') {
		if (url) return { images: [url] };
		const image = file as InputFile;
		if (image.size <= DIRECT_UPLOAD_LIMIT) {
			return {
				images: [await toDataUrl(ctx, image, imageMimeType(image.mimeType, image.fileName))],
			};
		}
		const uploaded = await uploadFile(ctx, image);
		return { images: [uploaded.public_url] };
	}
	if (url) return { url };
	return { file_id: (await uploadFile(ctx, file as InputFile)).id };
}

function sourceLabel(source: Source): string {
	return source.file
		? `File "${source.file.fileName}" (binary field "${source.file.property}")`
		: `URL ${source.url}`;
}

function sourceSummary(source: Source): IDataObject {
	return source.file
		? {
				fileName: source.file.fileName,
				mimeType: source.file.mimeType,
				binaryProperty: source.file.property,
				modality: source.modality,
			}
		: { url: source.url, modality: source.modality };
}

/** Shapes a prediction into the item the user sees: extracted fields on top, a vlmrun summary beside them. */
export function predictionItem(
	prediction: IDataObject,
	output: 'data' | 'full',
	source?: IDataObject,
): IDataObject {
	if (output === 'full' || prediction.status !== 'completed')
		return source ? { ...prediction, source } : prediction;
	const response = prediction.response;
	const data =
		response && typeof response === 'object' && !Array.isArray(response)
			? (response as IDataObject)
			: ({ data: response } as IDataObject);
	const usage = (prediction.usage ?? {}) as IDataObject;
	return {
		...data,
		vlmrun: {
			predictionId: prediction.id,
			status: prediction.status,
			domain: prediction.domain,
			creditsUsed: usage.credits_used,
			usage,
			...source,
		},
	};
}

async function extractOne(
	ctx: IExecuteFunctions,
	i: number,
	plan: ExtractPlan,
	source: Source,
): Promise<INodeExecutionData> {
	const body: IDataObject = {
		...(await fileInput(ctx, source)),
		model: 'vlm-1',
		domain:
			plan.domainsByType[source.modality] ?? plan.domain ?? SCHEMA_ONLY_DOMAINS[source.modality],
		batch: true,
		config: plan.config,
		metadata: plan.metadata,
	};
	if (plan.callbackUrl) body.callback_url = plan.callbackUrl;
	let prediction = (await apiRequest.call(ctx, {
		method: 'POST',
		path: `/${source.modality}/generate`,
		body,
		itemIndex: i,
		resource: 'file',
	})) as IDataObject;
	if (prediction.status === 'failed') throw jobFailedError(ctx, 'prediction', prediction, i);
	if (plan.completion === 'waitForResult' && prediction.status !== 'completed') {
		prediction = await waitForJob.call(ctx, {
			kind: 'prediction',
			id: String(prediction.id),
			timeoutMs: plan.timeoutMs,
			itemIndex: i,
		});
	}
	const item: INodeExecutionData = {
		json: predictionItem(prediction, plan.output, sourceSummary(source)),
	};
	if (plan.includeInputBinary && source.file)
		item.binary = { [source.file.property]: source.file.binary };
	if (plan.callbackDeadline === undefined || prediction.status === 'completed') return item;
	return pendingJobItem(
		{ ...item, pairedItem: { item: i } },
		{
			kind: 'prediction',
			id: String(prediction.id),
			itemIndex: i,
			deadline: plan.callbackDeadline,
			shape: { output: plan.output, source: sourceSummary(source) },
		},
	);
}

/** Wait for Callback builds the item of a finished prediction the same way as Wait for Result. */
export const predictionShapers: JobShapers = {
	prediction: (_ctx, prediction, shape) => ({
		json: predictionItem(
			prediction,
			shape.output === 'full' ? 'full' : 'data',
			shape.source as IDataObject,
		),
	}),
};

async function execute(
	this: IExecuteFunctions,
	i: number,
	plan: ExtractPlan,
	run: RunContext,
): Promise<INodeExecutionData[]> {
	return await Promise.all(
		plan.sources.map(async (source) => {
			const work = run.limit(async () => await extractOne(this, i, plan, source));
			if (!run.continueOnFail) return await work;
			return await work.catch((error: Error) =>
				errorItem(error, { item: i }, `${sourceLabel(source)}:`),
			);
		}),
	);
}

export const extract: Operation<ExtractPlan> = {
	description,
	prepare,
	execute,
	limitsItself: true,
};

import { audioSeconds, decodeDataUrl, isImage, pdfPages } from '../content';
import { DOMAIN_IDS, domainSchema, FAIL_DOMAIN, type JsonSchema } from '../domains';
import { domainOutput, schemaResponse } from '../fixtures';
import { HttpError, invalid, missing, notFound, unprocessable } from '../http';
import type { JobSpec } from '../jobs';
import { created, type Ctx, type Router } from '../router';
import { GenerateSchema, validate, type GenerateBody } from '../schemas';
import type { EmulatorState } from '../state';
import { scanQuality, violateSchema, type ScanQuality } from '../scans';
import { synthesize, withFieldMetadata } from '../synth';
import { FAIL_AGENT, findAgent } from './agents';
import { FAIL_WORD, genericOutput, mentionsFailure, resolveSkills, usage } from './shared';

type Modality = 'image' | 'document' | 'audio' | 'video';
type Action = 'generate' | 'schema' | 'execute';

const ELEMENT_TYPE: Record<Modality, string> = {
	image: 'image',
	document: 'page',
	audio: 'audio',
	video: 'video',
};
const CREDITS_PER_ELEMENT: Record<Modality, number> = { image: 1, document: 1, audio: 2, video: 5 };
/** Domain used by the /…/schema routes when the request names none. */
const DEFAULT_SCHEMA_DOMAIN: Record<Modality, string> = {
	image: 'image.caption',
	document: 'document.generative',
	audio: 'audio.transcription',
	video: 'video.transcription',
};

const IMAGE_ENTRY = /^(data:image\/(png|jpe?g|gif|webp|bmp|tiff);base64,|https?:\/\/)/i;

/** Checks the source fields and returns the fail-marker reason they carry, if any. */
function checkSource(state: EmulatorState, modality: Modality, input: GenerateBody): string | null {
	if (modality === 'image') {
		if (input.images === undefined) throw missing(['body', 'images']);
		if (input.images.length === 0) {
			throw unprocessable([
				{
					loc: ['body', 'images'],
					msg: 'ensure this value has at least 1 items',
					type: 'value_error.list.min_items',
					ctx: { limit_value: 1 },
				},
			]);
		}
		input.images.forEach((image, i) => {
			if (!IMAGE_ENTRY.test(image))
				throw invalid(
					['body', 'images', i],
					'expected a data:image/…;base64 URL or an http(s) URL',
				);
			const bytes = /^data:/i.test(image) ? decodeDataUrl(image) : null;
			if (bytes && !isImage(bytes))
				throw invalid(['body', 'images', i], 'the data URL does not decode to an image');
		});
		return input.images.some(mentionsFailure) ? `image URL contains ${FAIL_WORD}` : null;
	}
	if (!input.file_id && !input.url) throw missing(['body', 'file_id']);
	if (input.file_id && input.url)
		throw invalid(['body'], 'Only one of file_id or url may be provided');
	if (input.url) {
		if (!/^https?:\/\//i.test(input.url))
			throw invalid(['body', 'url'], 'invalid or missing URL scheme', 'value_error.url.scheme');
		return mentionsFailure(input.url) ? `url contains ${FAIL_WORD}` : null;
	}
	const file = state.uploadedFile(input.file_id ?? '');
	if (!file) throw notFound('File');
	return mentionsFailure(file.filename) ? `file ${file.filename} is marked ${FAIL_WORD}` : null;
}

function elementCount(state: EmulatorState, modality: Modality, input: GenerateBody): number {
	if (modality === 'image') return input.images?.length ?? 1;
	if (modality !== 'document') return 1;
	if (input.config?.page_indices?.length) return input.config.page_indices.length;
	const data = input.file_id ? state.uploadedFile(input.file_id)?.data : null;
	return (data && pdfPages(data)) || 1;
}

/** 'content' job lengths: jobDurationMs per image, per page, per 30 s of audio or video. */
function jobLength(state: EmulatorState, modality: Modality, input: GenerateBody): number {
	const { jobDurationMs, jobLengths } = state.config;
	if (jobLengths === 'fixed') return jobDurationMs;
	if (modality === 'image' || modality === 'document')
		return jobDurationMs * elementCount(state, modality, input);
	const file = input.file_id ? state.uploadedFile(input.file_id) : undefined;
	const seconds = audioSeconds(file?.bytes ?? 0) / (modality === 'video' ? 8 : 1);
	return jobDurationMs * Math.max(1, Math.ceil(seconds / 30));
}

/** Legacy `/…/execute` runs a named agent; `fail-agent` needs no agent to exist. */
function executeAgent(
	state: EmulatorState,
	input: GenerateBody,
): { name: string; schema: JsonSchema | null } {
	if (!input.name) throw missing(['body', 'name']);
	if (input.name === FAIL_AGENT) return { name: input.name, schema: null };
	const ref = input.name.includes(':') ? input.name : `${input.name}:${input.version ?? 'latest'}`;
	const agent = findAgent(state, ref);
	if (!agent) throw notFound('Agent');
	return { name: input.name, schema: agent.json_schema };
}

interface OutputSource {
	domain: string | null;
	schema: JsonSchema | null;
	label: string;
	skills: string[];
	elements: number;
}

/** The names, URLs and bytes a generate call reads, for the bad-scan markers of scans.ts. */
function readScan(state: EmulatorState, input: GenerateBody): ScanQuality {
	const file = input.file_id ? state.uploadedFile(input.file_id) : undefined;
	return scanQuality([...(input.images ?? []), input.url, file?.filename, file?.data]);
}

function output(
	modality: Modality,
	action: Action,
	input: GenerateBody,
	source: OutputSource,
	scan: ScanQuality,
) {
	const { domain } = source;
	const known = domain && domain !== FAIL_DOMAIN ? domain : null;
	if (action === 'schema') {
		const schemaDomain = known ?? DEFAULT_SCHEMA_DOMAIN[modality];
		return schemaResponse(schemaDomain, domainSchema(schemaDomain) ?? {}, false);
	}
	let response: unknown;
	if (source.schema) response = synthesize(source.schema);
	else if (known) response = domainOutput(known, source.elements);
	else response = genericOutput(source.label, { skills: source.skills });
	if (scan.invalid)
		response = violateSchema(
			response,
			source.schema ?? (known ? (domainSchema(known) ?? null) : null),
		);
	return withFieldMetadata(response, input.config ?? {}, {
		blurry: scan.blurry,
		pages: modality === 'document' ? source.elements : 1,
	});
}

async function handle(ctx: Ctx, modality: Modality, action: Action) {
	const { state, jobs, faults } = ctx.app;
	const input = validate(GenerateSchema, ctx.body);
	// The schema action answers with the finished schema at once, as the SDKs expect (reference §2.4).
	const async = action !== 'schema' && (input.batch ?? modality !== 'image');
	if (!async && state.config.refuseSync)
		throw new HttpError(400, 'This request is too large to answer synchronously; send batch: true');
	const config = input.config ?? {};
	const sourceFailure = checkSource(state, modality, input);
	const skills = resolveSkills(state, config.skills, ['body', 'config', 'skills']);
	const domain = input.domain ?? null;
	if (action === 'generate' && !domain && !config.skills?.length) throw missing(['body', 'domain']);
	if (domain && domain !== FAIL_DOMAIN && !DOMAIN_IDS.includes(domain)) throw notFound('Domain');
	const agent = action === 'execute' ? executeAgent(state, input) : null;
	const skillNames = skills.map((s) => s.name);
	const elements = elementCount(state, modality, input);
	const response = output(
		modality,
		action,
		input,
		{
			domain,
			schema:
				config.json_schema ??
				agent?.schema ??
				skills.find((s) => s.json_schema)?.json_schema ??
				null,
			label: agent?.name ?? `skills ${skillNames.join(', ')}`,
			skills: skillNames,
			elements,
		},
		readScan(state, input),
	);

	const reason =
		[
			sourceFailure,
			domain === FAIL_DOMAIN ? `domain ${FAIL_DOMAIN}` : null,
			input.metadata?.session_id === 'fail' ? "metadata.session_id is 'fail'" : null,
			agent?.name === FAIL_AGENT ? `agent ${FAIL_AGENT}` : null,
			mentionsFailure(config.prompt) ? `prompt contains ${FAIL_WORD}` : null,
		].find(Boolean) ?? (faults.shouldFailJob() ? 'faultMix rateJobFail' : null);
	const elementType = ELEMENT_TYPE[modality];
	const spec: JobSpec = {
		kind: 'prediction',
		async,
		durationMs: jobLength(state, modality, input),
		callbackUrl: input.callback_url ?? null,
		failure: reason ? `Emulated failure: ${reason}` : null,
		response,
		usage: usage(elements, elementType, elements * CREDITS_PER_ELEMENT[modality]),
		pendingUsage: usage(0, elementType, 0),
		head: {},
		tail: { domain, message: null },
		artifacts: [],
	};
	const job = jobs.create(spec);
	// A synchronous call blocks until its job ends, at most for the server's sync window.
	if (!async) await jobs.settle(job, state.config.syncWindowMs);
	return created(jobs.view(job));
}

export function registerGenerate(router: Router): void {
	for (const modality of Object.keys(ELEMENT_TYPE) as Modality[]) {
		for (const action of ['generate', 'schema', 'execute'] as const) {
			router.post(`/${modality}/${action}`, (ctx) => handle(ctx, modality, action));
		}
	}
}

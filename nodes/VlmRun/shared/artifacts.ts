import { NodeApiError, NodeOperationError } from 'n8n-workflow';
import type {
	IBinaryData,
	IBinaryKeyData,
	IDataObject,
	IExecuteFunctions,
	IWebhookFunctions,
	JsonObject,
} from 'n8n-workflow';

import { ARTIFACT_REF_PATTERN, artifactType, extensionForMime, extensionOf } from './media';
import { apiDownload, TIMEOUTS } from './transport';
import { fetchSignedUrl } from './signedUrl';

/** Nodes download artifacts in execute(), and in webhook() when a Wait for Callback resumes. */
export type ArtifactContext = IExecuteFunctions | IWebhookFunctions;

/** Where an artifact lives: agent executions and chat sessions keep separate namespaces. */
export type ArtifactScope = { executionId: string } | { sessionId: string };

export interface ArtifactSummary extends IDataObject {
	ref: string;
	downloaded: boolean;
	binaryProperty: string | null;
	fileName: string | null;
	mimeType: string | null;
}

/** The artifacts that arrived, and why each of the others did not (the job itself is already paid for). */
export interface DownloadedArtifacts {
	binary: IBinaryKeyData;
	failures: Record<string, string>;
}

/**
 * Every artifact ref (img_…, vid_…, doc_…, url_… and so on) found in any string of a response,
 * in order of first appearance. Structured output carries refs as {"id": "img_a1b2c3"} and free
 * text as bare tokens; scanning every string value covers both.
 */
export function collectArtifactRefs(value: unknown): string[] {
	const refs = new Set<string>();
	const visit = (node: unknown): void => {
		if (typeof node === 'string') {
			for (const match of node.matchAll(new RegExp(ARTIFACT_REF_PATTERN.source, 'g')))
				refs.add(match[0]);
		} else if (Array.isArray(node)) {
			node.forEach(visit);
		} else if (node && typeof node === 'object') {
			Object.values(node).forEach(visit);
		}
	};
	visit(value);
	return [...refs];
}

function scopeQuery(scope: ArtifactScope): IDataObject {
	return 'executionId' in scope
		? { execution_id: scope.executionId }
		: { session_id: scope.sessionId };
}

// Servers sometimes label known media as octet-stream; the ref prefix is then the better guess.
function chooseMime(served: string, ref: string): string {
	return served && served !== 'application/octet-stream' ? served : artifactType(ref).mimeType;
}

function fileNameFromUrl(url: string): string | undefined {
	try {
		const last = new URL(url).pathname.split('/').pop() ?? '';
		const name = decodeURIComponent(last);
		return extensionOf(name) ? name : undefined;
	} catch {
		return undefined;
	}
}

async function followUrlArtifact(
	ctx: ArtifactContext,
	ref: string,
	body: Buffer,
	itemIndex: number,
) {
	const url = body.toString('utf8').trim().replace(/^"|"$/g, '');
	if (!/^https?:\/\//i.test(url)) {
		throw new NodeOperationError(
			ctx.getNode(),
			`The artifact ${ref} does not hold a download link`,
			{
				itemIndex,
				description: `A url_ artifact should contain an http(s) URL, but it starts with "${url.slice(0, 60)}". Turn off the Download Artifacts option to keep only the ref.`,
			},
		);
	}
	const file = await fetchSignedUrl(ctx, url);
	const served = file.contentType === 'application/octet-stream' ? undefined : file.contentType;
	const fileName =
		fileNameFromUrl(url) ?? `${ref}.${(served && extensionForMime(served)) || 'bin'}`;
	return { body: file.body, fileName, mimeType: served };
}

/** Downloads one artifact as n8n binary data, with its MIME type and a file name; a url_ artifact is followed to its file. */
export async function downloadArtifact(
	ctx: ArtifactContext,
	ref: string,
	scope: ArtifactScope,
	itemIndex: number,
): Promise<IBinaryData> {
	const raw = await apiDownload(ctx, {
		method: 'GET',
		path: '/artifacts',
		qs: { object_id: ref, ...scopeQuery(scope) },
		timeoutMs: TIMEOUTS.upload,
		itemIndex,
		resource: 'artifact',
		names: { artifact: ref },
	});
	if (ref.startsWith('url_')) {
		const file = await followUrlArtifact(ctx, ref, raw.body, itemIndex);
		return await ctx.helpers.prepareBinaryData(file.body, file.fileName, file.mimeType);
	}
	const mimeType = chooseMime(raw.contentType, ref);
	const extension = extensionForMime(mimeType) ?? artifactType(ref).extension;
	return await ctx.helpers.prepareBinaryData(raw.body, `${ref}.${extension}`, mimeType);
}

async function downloadIfKnown(
	ctx: ArtifactContext,
	ref: string,
	scope: ArtifactScope,
	itemIndex: number,
): Promise<IBinaryData | undefined> {
	try {
		return await downloadArtifact(ctx, ref, scope, itemIndex);
	} catch (error) {
		if (!(error instanceof NodeApiError))
			throw new NodeOperationError(ctx.getNode(), error as Error, { itemIndex });
		if (error.httpCode === '404') return undefined;
		// Hands back the same error: transport already shaped it for the user.
		throw new NodeApiError(ctx.getNode(), error as unknown as JsonObject);
	}
}

/**
 * Downloads artifacts into binary properties named after their refs (e.g. `img_a1b2c3`), so an
 * expression can go from the ref in the JSON to the file. A ref that VLM Run does not know (404)
 * is skipped: bare tokens in free text may look like refs without being one. A download VLM Run
 * refuses otherwise is reported, not thrown: the result it belongs to is already charged.
 */
export async function downloadArtifacts(
	ctx: ArtifactContext,
	refs: string[],
	scope: ArtifactScope,
	itemIndex: number,
): Promise<DownloadedArtifacts> {
	const downloaded: DownloadedArtifacts = { binary: {}, failures: {} };
	for (const ref of refs) {
		try {
			const file = await downloadIfKnown(ctx, ref, scope, itemIndex);
			if (file) downloaded.binary[ref] = file;
		} catch (error) {
			if (!(error instanceof NodeApiError))
				throw new NodeOperationError(ctx.getNode(), error as Error, { itemIndex });
			downloaded.failures[ref] = [error.message, error.description].filter(Boolean).join('. ');
		}
	}
	return downloaded;
}

/** Says which artifacts of a job that is already paid for could not be downloaded, naming the job. */
export function artifactFailureNote(
	job: string,
	{ failures }: DownloadedArtifacts,
): string | undefined {
	const refs = Object.keys(failures);
	if (refs.length === 0) return undefined;
	return `${job}, but ${refs.length} of its artifacts could not be downloaded (${refs.join(', ')}); its result is kept. Get them later with Artifact → Get.`;
}

/** One line per ref for the output JSON, saying whether and where each artifact was downloaded. */
export function summarizeArtifacts(
	refs: string[],
	{ binary, failures }: DownloadedArtifacts = { binary: {}, failures: {} },
): ArtifactSummary[] {
	return refs.map((ref) => {
		const file = binary[ref];
		return {
			ref,
			downloaded: Boolean(file),
			binaryProperty: file ? ref : null,
			fileName: file?.fileName ?? null,
			mimeType: file?.mimeType ?? null,
			...(failures[ref] ? { error: failures[ref] } : {}),
		};
	});
}

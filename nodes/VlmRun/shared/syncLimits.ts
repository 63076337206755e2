import type { IExecuteFunctions } from 'n8n-workflow';

import { DIRECT_UPLOAD_LIMIT, readFileBuffer, type InputFile } from './binary';
import type { Modality } from './media';

/*
 * When Wait for Result asks VLM Run to answer in the same request (batch: false) instead of
 * creating a job and polling it: one request per file instead of two or more. VLM Run holds a
 * synchronous request open while the model works, so only inputs that finish well inside usual
 * proxy and gateway timeouts (about a minute) go that way:
 * - images: always (one image is a few seconds of model time);
 * - documents: up to SYNC_MAX_PAGES pages, from the Pages option or counted in the PDF (up to
 *   32 MiB, files that are uploaded directly), or, when they cannot be counted, up to SYNC_MAX_BYTES;
 * - audio: up to about a minute, estimated from the size (SYNC_MAX_BYTES at 128 kbit/s);
 * - video, and documents or audio given as URLs (their size is unknown): never.
 * A synchronous request VLM Run refuses is sent again with batch: true (no job was created); one
 * whose job outlasts VLM Run's own synchronous window comes back still running and is polled.
 */
export const SYNC_MAX_PAGES = 8;
export const SYNC_MAX_BYTES = 1024 * 1024;

/** Pages of a PDF from its page objects; undefined when they are not readable (compressed). */
export function pdfPageCount(bytes: Buffer): number | undefined {
	if (bytes.subarray(0, 5).toString('latin1') !== '%PDF-') return undefined;
	const count = bytes.toString('latin1').match(/\/Type\s*\/Page(?![a-zA-Z])/g)?.length ?? 0;
	return count || undefined;
}

export interface SyncInput {
	modality: Modality;
	file?: InputFile;
	/** Pages chosen with the Pages option, when any. */
	pageCount?: number;
}

/** Whether VLM Run can answer this input within one synchronous request. */
export async function answersSynchronously(
	ctx: IExecuteFunctions,
	{ modality, file, pageCount }: SyncInput,
): Promise<boolean> {
	if (modality === 'image') return true;
	if (!file || modality === 'video') return false;
	if (modality === 'audio') return file.size <= SYNC_MAX_BYTES;
	if (pageCount !== undefined) return pageCount <= SYNC_MAX_PAGES;
	const pages =
		file.size <= DIRECT_UPLOAD_LIMIT ? pdfPageCount(await readFileBuffer(ctx, file)) : undefined;
	return pages === undefined ? file.size <= SYNC_MAX_BYTES : pages <= SYNC_MAX_PAGES;
}

/** A name for jobs that should take about as long as each other (see pollSchedule.ts). */
export function jobClass({ modality, file, pageCount }: SyncInput): string {
	const sizeClass = file ? Math.round(Math.log2(Math.max(1, file.size))) : 'url';
	return `${modality}:${pageCount ?? ''}:${sizeClass}`;
}

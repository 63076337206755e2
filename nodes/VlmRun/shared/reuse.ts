import { createHash } from 'crypto';
import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { readFileBuffer, uploadFile, type FileRecord, type InputFile } from './binary';
import { apiRequest } from './transport';

/**
 * Below this size an upload costs no more than the lookup that could spare it: both are one
 * request against the rate limit, and a miss would make it two. Files this big are looked up.
 */
export const REUSE_MIN_BYTES = 1024 * 1024;

/** The Reuse Uploaded Files option of the operations that upload input files (Extract, Run). */
export const reuseUploadsOption: INodeProperties = {
	displayName: 'Reuse Uploaded Files',
	name: 'reuseUploads',
	type: 'boolean',
	default: true,
	description:
		'Whether to look files of 1 MiB or more up by their MD5 hash first, and use the copy VLM Run already has instead of uploading them again',
};

/** Whether the item's Reuse Uploaded Files option is on (it is by default). */
export function readReuseUploads(ctx: IExecuteFunctions, itemIndex: number): boolean {
	return ctx.getNodeParameter('options.reuseUploads', itemIndex, true) !== false;
}

async function md5Of(ctx: IExecuteFunctions, file: InputFile): Promise<string> {
	const hash = createHash('md5');
	if (file.binary.id) {
		for await (const chunk of await ctx.helpers.getBinaryStream(file.binary.id))
			hash.update(chunk as Buffer);
	} else hash.update(await readFileBuffer(ctx, file));
	return hash.digest('hex');
}

/**
 * The file as VLM Run already has it (same MD5, GET /files/hash), or undefined. VLM Run answers a
 * miss with 200 and a record whose id is null (some deployments with 404): both are misses, not
 * a file to use, which is what the official Node SDK gets wrong.
 */
export async function findUploaded(
	ctx: IExecuteFunctions,
	file: InputFile,
): Promise<FileRecord | undefined> {
	const found = await apiRequest(ctx, {
		method: 'GET',
		path: `/files/hash/${await md5Of(ctx, file)}`,
		itemIndex: file.itemIndex,
		resource: 'file',
	}).then(
		(record) => ({ record: record as Partial<FileRecord> | null }),
		(error: Error & { httpCode?: string }) => ({ error }),
	);
	if ('error' in found) {
		if (found.error.httpCode === '404') return undefined;
		throw found.error;
	}
	const { record } = found;
	return typeof record?.id === 'string' && record.id ? (record as FileRecord) : undefined;
}

/** Uploads a file unless `reuse` is on and VLM Run already has one with the same content. */
export async function uploadOnce(
	ctx: IExecuteFunctions,
	file: InputFile,
	reuse: boolean,
): Promise<FileRecord> {
	const found = reuse && file.size >= REUSE_MIN_BYTES ? await findUploaded(ctx, file) : undefined;
	return found ?? (await uploadFile(ctx, file));
}

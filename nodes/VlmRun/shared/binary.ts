import type { IBinaryData, IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { inputError } from './errors';
import { detectModality, SUPPORTED_TYPES_TEXT, type Modality } from './media';
import { apiRequest, putSignedUrl, TIMEOUTS } from './transport';

/** Files above this size go through a presigned upload, as VLM Run's own SDKs do. */
export const DIRECT_UPLOAD_LIMIT = 32 * 1024 * 1024;

export interface InputFile {
	itemIndex: number;
	property: string;
	fileName: string;
	mimeType: string;
	size: number;
	binary: IBinaryData;
}

export interface FileRecord extends IDataObject {
	id: string;
	filename: string;
	bytes: number;
	public_url: string | null;
}

export type BinarySelection = 'fields' | 'all';

/** The binary field names an item offers for the given selection, in a stable order. */
export function selectBinaryFields(
	ctx: IExecuteFunctions,
	itemIndex: number,
	selection: BinarySelection,
	fieldList: string,
): string[] {
	const available = Object.keys(ctx.getInputData()[itemIndex]?.binary ?? {});
	if (selection === 'all') {
		if (available.length === 0) {
			throw inputError(
				ctx.getNode(),
				itemIndex,
				`Item ${itemIndex} has no binary files`,
				'The previous node must output at least one file (binary data). For emails, turn on the option that downloads attachments.',
			);
		}
		return available;
	}
	const names = fieldList
		.split(',')
		.map((name) => name.trim())
		.filter(Boolean);
	if (names.length === 0) {
		throw inputError(
			ctx.getNode(),
			itemIndex,
			'The parameter "Input Binary Fields" is empty',
			'Enter the name of the binary field holding the file (often "data"), several names separated by commas, or choose All Binary Fields.',
		);
	}
	for (const name of names) {
		if (!available.includes(name)) {
			const offered = available.length
				? `This item has: ${available.join(', ')}.`
				: 'This item has no binary fields.';
			throw inputError(
				ctx.getNode(),
				itemIndex,
				`Item ${itemIndex} has no binary field "${name}"`,
				`Check the parameter "Input Binary Fields". ${offered}`,
			);
		}
	}
	return names;
}

async function binarySize(
	ctx: IExecuteFunctions,
	itemIndex: number,
	property: string,
	binary: IBinaryData,
) {
	if (binary.id) return (await ctx.helpers.getBinaryMetadata(binary.id)).fileSize;
	return (await ctx.helpers.getBinaryDataBuffer(itemIndex, property)).length;
}

/** Reads the metadata of the selected binary fields and rejects empty files before anything is sent. */
export async function describeFiles(
	ctx: IExecuteFunctions,
	itemIndex: number,
	properties: string[],
): Promise<InputFile[]> {
	const files: InputFile[] = [];
	for (const property of properties) {
		const binary = ctx.helpers.assertBinaryData(itemIndex, property);
		const fileName = binary.fileName ?? `${property}.${binary.fileExtension ?? 'bin'}`;
		const size = await binarySize(ctx, itemIndex, property, binary);
		if (size === 0) {
			throw inputError(
				ctx.getNode(),
				itemIndex,
				`The file "${fileName}" in binary field "${property}" of item ${itemIndex} is empty`,
				'The previous node produced a file with no content. Check where the file comes from.',
			);
		}
		files.push({ itemIndex, property, fileName, mimeType: binary.mimeType, size, binary });
	}
	return files;
}

/** The VLM Run route for a file, or an input error naming what VLM Run accepts. */
export function requireModality(ctx: IExecuteFunctions, file: InputFile): Modality {
	const modality = detectModality(file.mimeType, file.fileName);
	if (modality) return modality;
	throw inputError(
		ctx.getNode(),
		file.itemIndex,
		`VLM Run does not take files of type "${file.mimeType || 'unknown'}" ("${file.fileName}", item ${file.itemIndex})`,
		`VLM Run accepts ${SUPPORTED_TYPES_TEXT}. Convert the file first, or set the Modality parameter if the MIME type is wrong.`,
	);
}

export async function readFileBuffer(ctx: IExecuteFunctions, file: InputFile): Promise<Buffer> {
	return await ctx.helpers.getBinaryDataBuffer(file.itemIndex, file.property);
}

export async function toDataUrl(
	ctx: IExecuteFunctions,
	file: InputFile,
	mimeType: string,
): Promise<string> {
	const buffer = await readFileBuffer(ctx, file);
	return `data:${mimeType};base64,${buffer.toString('base64')}`;
}

async function uploadDirect(ctx: IExecuteFunctions, file: InputFile): Promise<FileRecord> {
	const buffer = await readFileBuffer(ctx, file);
	const form = new FormData();
	form.append(
		'file',
		new Blob([buffer], { type: file.mimeType || 'application/octet-stream' }),
		file.fileName,
	);
	return (await apiRequest.call(ctx, {
		method: 'POST',
		path: '/files',
		qs: { purpose: 'assistants', generate_public_url: true },
		body: form,
		timeoutMs: TIMEOUTS.upload,
		itemIndex: file.itemIndex,
		resource: 'file',
	})) as FileRecord;
}

async function uploadPresigned(ctx: IExecuteFunctions, file: InputFile): Promise<FileRecord> {
	const presigned = (await apiRequest.call(ctx, {
		method: 'POST',
		path: '/files/presigned-url',
		body: { filename: file.fileName, purpose: 'assistants', expiration: 86_400 },
		itemIndex: file.itemIndex,
	})) as IDataObject;
	const body = file.binary.id
		? await ctx.helpers.getBinaryStream(file.binary.id)
		: await readFileBuffer(ctx, file);
	const contentType = String(presigned.content_type || file.mimeType || 'application/octet-stream');
	await putSignedUrl.call(ctx, String(presigned.url), body, contentType, file.size, file.itemIndex);
	return (await apiRequest.call(ctx, {
		method: 'GET',
		path: `/files/verify-upload/${encodeURIComponent(String(presigned.id))}`,
		itemIndex: file.itemIndex,
		resource: 'upload',
	})) as FileRecord;
}

/** Uploads a binary to VLM Run; big files are streamed from n8n's binary store so memory stays flat. */
export async function uploadFile(ctx: IExecuteFunctions, file: InputFile): Promise<FileRecord> {
	return file.size > DIRECT_UPLOAD_LIMIT
		? await uploadPresigned(ctx, file)
		: await uploadDirect(ctx, file);
}

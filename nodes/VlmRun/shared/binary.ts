import type { IBinaryData, IDataObject, IExecuteFunctions, NodeOperationError } from 'n8n-workflow';

import { inputError } from './errors';
import { detectModality, SUPPORTED_TYPES_TEXT, type Modality } from './media';
import { apiRequest, TIMEOUTS } from './transport';
import { putSignedUrl } from './signedUrl';

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
				'The item has no binary files',
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
				`The item has no binary field "${name}"`,
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
	if (binary.id) {
		// n8n 2.x records the size of a stored file on the item; reading its metadata file costs a
		// file open per input file, so that is only the fallback (n8n 1.x).
		if (Number.isSafeInteger(binary.bytes) && (binary.bytes as number) >= 0)
			return binary.bytes as number;
		return (await ctx.helpers.getBinaryMetadata(binary.id)).fileSize;
	}
	return (await ctx.helpers.getBinaryDataBuffer(itemIndex, property)).length;
}

/** Reads the metadata of the selected binary fields, in their order, without judging them. */
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
		files.push({ itemIndex, property, fileName, mimeType: binary.mimeType, size, binary });
	}
	return files;
}

/** What VLM Run must be able to read: any file (the file store), or a file of a known modality. */
export type FileCheck = 'nonEmpty' | 'modality';

/** A selected file with, when VLM Run cannot take it, the error that says why. */
export interface CheckedFile extends InputFile {
	error?: NodeOperationError;
}

/** A file left out by Skip Unsupported Files, as reported on the output items. */
export interface SkippedFile extends IDataObject {
	fileName: string;
	binaryProperty: string;
	mimeType: string;
	bytes: number;
	reason: string;
}

export interface ScreenedFiles {
	/** Every selected file in order; under continue-on-fail the unusable ones carry their error. */
	files: CheckedFile[];
	/** Unusable files left out because Skip Unsupported Files is on. */
	skipped: SkippedFile[];
}

function fileLabel(file: InputFile): string {
	const type = file.mimeType || 'unknown type';
	return `"${file.fileName}" (binary field "${file.property}", ${type}, ${file.size} bytes)`;
}

function problemOf(file: InputFile, check: FileCheck): string | undefined {
	if (file.size === 0) return 'it is empty';
	if (check === 'modality' && !detectModality(file.mimeType, file.fileName))
		return 'VLM Run does not read this file type';
	return undefined;
}

const SKIP_HINT = 'or turn on the option Skip Unsupported Files to leave such files out.';

function fixFor(problems: string[]): string {
	const fixes = [];
	if (problems.includes('it is empty'))
		fixes.push('An empty file has no content: check the node that produced it.');
	if (problems.some((problem) => problem !== 'it is empty'))
		fixes.push(
			`VLM Run accepts ${SUPPORTED_TYPES_TEXT}. Convert the file first, or set the Modality parameter if the MIME type is wrong.`,
		);
	const which = problems.length === 1 ? 'the file' : 'these files';
	return `${fixes.join(' ')} Remove ${which} from the item, ${SKIP_HINT}`;
}

function unusableError(
	ctx: IExecuteFunctions,
	itemIndex: number,
	unusable: Array<{ file: InputFile; problem: string }>,
): NodeOperationError {
	const message =
		unusable.length === 1
			? `The file ${fileLabel(unusable[0].file)} cannot be sent to VLM Run: ${unusable[0].problem}`
			: `${unusable.length} files cannot be sent to VLM Run: ${unusable
					.map(({ file, problem }) => `${fileLabel(file)}: ${problem}`)
					.join('; ')}`;
	return inputError(
		ctx.getNode(),
		itemIndex,
		message,
		fixFor(unusable.map(({ problem }) => problem)),
	);
}

/**
 * Sorts out the files VLM Run cannot take (empty, or of a type it does not read) before any request.
 * With Skip Unsupported Files they are left out and reported; under continue-on-fail each becomes
 * its own error item while the others run; otherwise one error names every one of them.
 */
export async function screenFiles(
	ctx: IExecuteFunctions,
	itemIndex: number,
	properties: string[],
	check: FileCheck,
): Promise<ScreenedFiles> {
	const described = await describeFiles(ctx, itemIndex, properties);
	const unusable = described.flatMap((file) => {
		const problem = problemOf(file, check);
		return problem ? [{ file, problem }] : [];
	});
	if (unusable.length === 0) return { files: described, skipped: [] };
	if (ctx.getNodeParameter('options.skipUnsupported', itemIndex, false) === true) {
		const left = new Set(unusable.map(({ file }) => file));
		return {
			files: described.filter((file) => !left.has(file)),
			skipped: unusable.map(({ file, problem }) => ({
				fileName: file.fileName,
				binaryProperty: file.property,
				mimeType: file.mimeType,
				bytes: file.size,
				reason: problem,
			})),
		};
	}
	if (!ctx.continueOnFail()) throw unusableError(ctx, itemIndex, unusable);
	const errors = new Map(
		unusable.map((entry) => [entry.file, unusableError(ctx, itemIndex, [entry])]),
	);
	return {
		files: described.map((file) => ({ ...file, error: errors.get(file) })),
		skipped: [],
	};
}

/** The VLM Run route of a file that passed screenFiles with the 'modality' check. */
export function modalityOf(file: InputFile): Modality {
	return detectModality(file.mimeType, file.fileName) as Modality;
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
	return (await apiRequest(ctx, {
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
	const presigned = (await apiRequest(ctx, {
		method: 'POST',
		path: '/files/presigned-url',
		body: { filename: file.fileName, purpose: 'assistants', expiration: 86_400 },
		itemIndex: file.itemIndex,
	})) as IDataObject;
	const body = file.binary.id
		? await ctx.helpers.getBinaryStream(file.binary.id)
		: await readFileBuffer(ctx, file);
	const contentType = String(presigned.content_type || file.mimeType || 'application/octet-stream');
	await putSignedUrl(ctx, String(presigned.url), body, contentType, file.size, file.itemIndex);
	return (await apiRequest(ctx, {
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

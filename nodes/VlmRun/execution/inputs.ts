import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import {
	screenFiles,
	selectBinaryFields,
	type BinarySelection,
	type InputFile,
	type SkippedFile,
} from '../shared/binary';
import { inputError } from '../shared/errors';
import { detectModality } from '../shared/media';
import { readReuseUploads, uploadOnce } from '../shared/reuse';
import type { RunContext } from '../shared/router';
import { isHttpUrl } from '../shared/params';

/** One named input of an execution, before any upload. */
export type PlannedInput =
	| { name: string; kind: 'file'; file: InputFile }
	| { name: string; kind: 'url'; url: string }
	| { name: string; kind: 'text'; text: string };

/** An item's inputs, and the files that will not reach the agent. */
export interface InputPlan {
	inputs: PlannedInput[];
	/** Under continue-on-fail: one error per file VLM Run cannot take, output as error items. */
	rejected: Error[];
	/** Files left out by Skip Unsupported Files. */
	skipped: SkippedFile[];
	/** Whether files were selected but none of them is usable and nothing else is left to send. */
	nothingLeft: boolean;
}

/** What the agent receives on the wire, and what the output item says about it. */
export interface ResolvedInputs {
	inputs: IDataObject;
	summary: IDataObject[];
}

/** A binary field name as an input name the agent can refer to: letters, digits and underscores. */
export function inputName(field: string): string {
	const cleaned = field.replace(/[^A-Za-z0-9_]+/g, '_').replace(/^_+|_+$/g, '');
	return /^[A-Za-z_]/.test(cleaned) ? cleaned : `file_${cleaned}`;
}

/** A name not yet taken: the name itself, else name_2, name_3 … */
export function uniqueName(name: string, taken: Set<string>): string {
	let candidate = name;
	for (let n = 2; taken.has(candidate); n++) candidate = `${name}_${n}`;
	taken.add(candidate);
	return candidate;
}

interface Row {
	name?: string;
	url?: string;
	value?: string;
}

function readRows(
	ctx: IExecuteFunctions,
	i: number,
	parameter: string,
	label: string,
	taken: Set<string>,
) {
	const rows = ctx.getNodeParameter(parameter, i, []) as Row[];
	return rows.map((row) => {
		const name = String(row.name ?? '').trim();
		if (!name) {
			throw inputError(
				ctx.getNode(),
				i,
				`A row of "${label}" has no name`,
				'Give every input a name the prompt can refer to, e.g. bank_statement.',
			);
		}
		if (taken.has(name)) {
			throw inputError(
				ctx.getNode(),
				i,
				`The input name "${name}" is used twice`,
				'Every file, URL and text input of an execution needs its own name.',
			);
		}
		taken.add(name);
		return { name, row };
	});
}

/** Reads the item's files, URL inputs and text inputs, checking them without any network call. */
export async function planInputs(ctx: IExecuteFunctions, i: number): Promise<InputPlan> {
	const taken = new Set<string>();
	const urls = readRows(ctx, i, 'urlInputs.input', 'URL Inputs', taken).map(
		({ name, row }): PlannedInput => {
			const url = String(row.url ?? '').trim();
			if (!isHttpUrl(url)) {
				throw inputError(
					ctx.getNode(),
					i,
					`The URL of input "${name}" is not an http(s) URL`,
					'VLM Run fetches files from public http:// or https:// links only.',
				);
			}
			return { name, kind: 'url', url };
		},
	);
	const texts = readRows(ctx, i, 'textInputs.input', 'Text Inputs', taken).map(
		({ name, row }): PlannedInput => ({ name, kind: 'text', text: String(row.value ?? '') }),
	);
	const selection = ctx.getNodeParameter('binarySelection', i, 'fields') as
		| BinarySelection
		| 'none';
	if (selection === 'none')
		return { inputs: [...urls, ...texts], rejected: [], skipped: [], nothingLeft: false };
	const fieldList =
		selection === 'fields' ? (ctx.getNodeParameter('binaryPropertyName', i) as string) : '';
	const { files, skipped } = await screenFiles(
		ctx,
		i,
		selectBinaryFields(ctx, i, selection, fieldList),
		'modality',
	);
	const usable = files.filter((file) => !file.error);
	// Names typed by the user win; a binary field that clashes with one gets a suffix.
	const fileInputs = usable.map(
		(file): PlannedInput => ({
			name: uniqueName(inputName(file.property), taken),
			kind: 'file',
			file,
		}),
	);
	const inputs = [...fileInputs, ...urls, ...texts];
	return {
		inputs,
		rejected: files.flatMap((file) => (file.error ? [file.error] : [])),
		skipped,
		nothingLeft: inputs.length === 0,
	};
}

/** Joins the inputs of several items into one execution; a name used by an earlier item gets a suffix. */
export function mergeInputs(perItem: PlannedInput[][]): PlannedInput[] {
	const taken = new Set<string>();
	return perItem.flat().map((input) => ({ ...input, name: uniqueName(input.name, taken) }));
}

function urlContent(url: string): IDataObject {
	return detectModality(undefined, new URL(url).pathname) === 'image'
		? { type: 'image_url', image_url: { url } }
		: { type: 'file_url', file_url: { url } };
}

/** Uploads the files (each under the concurrency bound, unless VLM Run has them already) and builds the `inputs` object of the request. */
export async function resolveInputs(
	ctx: IExecuteFunctions,
	planned: PlannedInput[],
	run: RunContext,
): Promise<ResolvedInputs> {
	const resolved = await Promise.all(
		planned.map(async (input): Promise<[unknown, IDataObject]> => {
			if (input.kind === 'text') return [input.text, { name: input.name, type: 'text' }];
			if (input.kind === 'url')
				return [urlContent(input.url), { name: input.name, type: 'url', url: input.url }];
			const { file } = input;
			const reuse = readReuseUploads(ctx, file.itemIndex);
			const record = await run.limit(async () => await uploadOnce(ctx, file, reuse));
			return [
				{ type: 'input_file', file_id: record.id },
				{
					name: input.name,
					type: 'file',
					fileName: file.fileName,
					mimeType: file.mimeType,
					binaryProperty: file.property,
					itemIndex: file.itemIndex,
					fileId: record.id,
				},
			];
		}),
	);
	const inputs: IDataObject = {};
	planned.forEach((input, position) => (inputs[input.name] = resolved[position][0] as IDataObject));
	return { inputs, summary: resolved.map(([, summary]) => summary) };
}

import { prepareBinaryData } from 'n8n-core';
import { UnexpectedError } from 'n8n-workflow';
import type { IBinaryData, IDataObject, INodeExecutionData } from 'n8n-workflow';

import { HARNESS_WORKFLOW_ID } from './constants';
import { getEnvironment } from './environment';

export interface BinaryInput {
	data: Buffer | string;
	fileName?: string;
	mimeType?: string;
}

/**
 * Stores a file through the real BinaryDataService (filesystem mode) using n8n-core's
 * own `prepareBinaryData`, i.e. exactly what an upstream node such as Read File or
 * HTTP Request produces: `{ id: 'filesystem-v2:…', data: 'filesystem-v2', … }`.
 */
export async function storeBinary(input: BinaryInput): Promise<IBinaryData> {
	await getEnvironment();
	const buffer = typeof input.data === 'string' ? Buffer.from(input.data) : input.data;
	const binary = await prepareBinaryData(
		buffer,
		'harness-input',
		HARNESS_WORKFLOW_ID,
		input.fileName,
		input.mimeType,
	);
	if (input.fileName) binary.fileName = input.fileName;
	return binary;
}

/**
 * Builds an input item whose binary properties live in the filesystem binary store.
 * `createBinaryItem({ data: { data: pdfBuffer, fileName: 'a.pdf', mimeType: 'application/pdf' } }, { id: 1 })`
 */
export async function createBinaryItem(
	binary: Record<string, BinaryInput>,
	json: IDataObject = {},
): Promise<INodeExecutionData> {
	const item: INodeExecutionData = { json, binary: {} };
	for (const [property, input] of Object.entries(binary)) {
		item.binary![property] = await storeBinary(input);
	}
	return item;
}

/** Reads a binary property of an item back through the BinaryDataService. */
export async function readBinary(item: INodeExecutionData, property = 'data'): Promise<Buffer> {
	const binary = item.binary?.[property];
	if (!binary) {
		throw new UnexpectedError(
			`Item has no binary property "${property}" (has: ${Object.keys(item.binary ?? {}).join(', ') || 'none'})`,
		);
	}
	const { binaryDataService } = await getEnvironment();
	return await binaryDataService.getAsBuffer(binary);
}

import type { IDataObject } from 'n8n-workflow';

import { childPath } from './validate';

/*
 * Reads what Confidence Scores and Grounding add to an extraction: a `<field>_metadata` sibling
 * with `confidence` (hi, med, low) and `bboxes` ({ xywh, page }, normalised, page 0-based), at any
 * depth (nested objects and array elements carry their own).
 */

export type Confidence = 'hi' | 'med' | 'low';

const RANK: Record<Confidence, number> = { low: 0, med: 1, hi: 2 };

export interface Box {
	/** 1-based, as people count pages (and as the node's Pages option does). */
	page: number;
	/** Left, top, width, height as fractions of the page or image. */
	xywh: [number, number, number, number];
}

export interface FieldMetadata {
	field: string;
	value: unknown;
	confidence?: Confidence;
	boxes: Box[];
}

const METADATA_SUFFIX = '_metadata';
const MAX_DEPTH = 32;

export const isMetadataKey = (key: string) =>
	key.endsWith(METADATA_SUFFIX) && key.length > METADATA_SUFFIX.length;

function readBoxes(raw: unknown): Box[] {
	if (!Array.isArray(raw)) return [];
	return raw.flatMap((entry) => {
		const box = entry as IDataObject | null;
		const xywh = box?.xywh;
		if (!Array.isArray(xywh) || xywh.length !== 4 || !xywh.every((n) => typeof n === 'number'))
			return [];
		const page = typeof box?.page === 'number' ? box.page + 1 : 1;
		return [{ page, xywh: xywh as Box['xywh'] }];
	});
}

function collect(node: unknown, path: string, out: FieldMetadata[], depth: number): void {
	if (depth > MAX_DEPTH || node === null || typeof node !== 'object') return;
	if (Array.isArray(node)) {
		node.forEach((element, index) => collect(element, childPath(path, index), out, depth + 1));
		return;
	}
	const object = node as IDataObject;
	for (const [key, value] of Object.entries(object)) {
		if (!isMetadataKey(key)) {
			collect(value, childPath(path, key), out, depth + 1);
			continue;
		}
		if (!value || typeof value !== 'object') continue;
		const metadata = value as IDataObject;
		const name = key.slice(0, -METADATA_SUFFIX.length);
		const confidence =
			typeof metadata.confidence === 'string' && metadata.confidence in RANK
				? (metadata.confidence as Confidence)
				: undefined;
		out.push({
			field: childPath(path, name),
			value: object[name] ?? null,
			confidence,
			boxes: readBoxes(metadata.bboxes),
		});
	}
}

/** Every field that carries metadata, in the order VLM Run returned them. */
export function fieldMetadata(data: unknown): FieldMetadata[] {
	const out: FieldMetadata[] = [];
	collect(data, '', out, 0);
	return out;
}

export function isBelow(confidence: Confidence | undefined, minimum: Confidence): boolean {
	return confidence !== undefined && RANK[confidence] < RANK[minimum];
}

import { z } from 'zod';
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { inputError } from './errors';

export interface FieldDefinition {
	name?: string;
	type?: string;
	description?: string;
	required?: boolean;
}

const JSON_TYPES = ['string', 'number', 'integer', 'boolean', 'object', 'array', 'null'] as const;

const jsonSchemaShape = z
	.object({
		type: z.union([z.enum(JSON_TYPES), z.array(z.enum(JSON_TYPES))]).optional(),
		properties: z.record(z.string(), z.object({}).passthrough()).optional(),
		required: z.array(z.string()).optional(),
		items: z.unknown().optional(),
		$defs: z.unknown().optional(),
	})
	.passthrough();

/** Parses and sanity-checks a JSON schema typed into the node, naming the item and parameter on failure. */
export function parseJsonSchema(
	ctx: IExecuteFunctions,
	itemIndex: number,
	value: unknown,
	parameterLabel: string,
): IDataObject {
	let parsed: unknown = value;
	if (typeof value === 'string') {
		if (value.trim() === '') {
			throw inputError(
				ctx.getNode(),
				itemIndex,
				`The parameter "${parameterLabel}" is empty`,
				'Enter a JSON schema such as {"type":"object","properties":{"total":{"type":"number"}}}.',
			);
		}
		try {
			parsed = JSON.parse(value);
		} catch (error) {
			throw inputError(
				ctx.getNode(),
				itemIndex,
				`The parameter "${parameterLabel}" is not valid JSON`,
				`${(error as Error).message}. Paste a JSON schema object, e.g. {"type":"object","properties":{"total":{"type":"number"}}}.`,
			);
		}
	}
	const result = jsonSchemaShape.safeParse(parsed);
	const isObjectSchema =
		result.success && (result.data.properties !== undefined || result.data.type !== undefined);
	if (!result.success || !isObjectSchema || Array.isArray(parsed)) {
		const problem = result.success
			? 'it has neither "type" nor "properties"'
			: result.error.issues
					.map((issue) => `${issue.path.join('.') || 'schema'}: ${issue.message}`)
					.join('; ');
		throw inputError(
			ctx.getNode(),
			itemIndex,
			`The parameter "${parameterLabel}" is not a usable JSON schema`,
			`VLM Run needs a JSON schema object; ${problem}. Example: {"type":"object","properties":{"total":{"type":"number"}}}.`,
		);
	}
	return parsed as IDataObject;
}

function fieldSchema(type: string, description: string | undefined): IDataObject {
	const described = (schema: IDataObject) => (description ? { ...schema, description } : schema);
	switch (type) {
		case 'date':
			return described({ type: 'string', format: 'date' });
		case 'stringArray':
			return described({ type: 'array', items: { type: 'string' } });
		case 'numberArray':
			return described({ type: 'array', items: { type: 'number' } });
		case 'object':
			return described({ type: 'object' });
		default:
			return described({ type });
	}
}

/** Builds a JSON schema from the rows of a Fields builder. */
export function schemaFromFields(
	ctx: IExecuteFunctions,
	itemIndex: number,
	fields: FieldDefinition[],
): IDataObject {
	if (fields.length === 0) {
		throw inputError(
			ctx.getNode(),
			itemIndex,
			'The Fields list is empty',
			'Add at least one field to extract, with a name and a type.',
		);
	}
	const properties: IDataObject = {};
	const required: string[] = [];
	for (const field of fields) {
		const name = (field.name ?? '').trim();
		if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
			throw inputError(
				ctx.getNode(),
				itemIndex,
				`The field name "${name}" is not valid`,
				'Field names must start with a letter or underscore and contain only letters, digits and underscores, e.g. invoice_total.',
			);
		}
		properties[name] = fieldSchema(field.type ?? 'string', field.description?.trim() || undefined);
		if (field.required) required.push(name);
	}
	return { type: 'object', properties, ...(required.length ? { required } : {}) };
}

/** Parses a 1-based page list such as "1-3,5" into VLM Run's 0-based page_indices. */
export function parsePageRange(ctx: IExecuteFunctions, itemIndex: number, text: string): number[] {
	const pages = new Set<number>();
	for (const part of text.split(',').map((chunk) => chunk.trim())) {
		const match = /^(\d+)(?:\s*-\s*(\d+))?$/.exec(part);
		const first = match ? Number(match[1]) : NaN;
		const last = match?.[2] ? Number(match[2]) : first;
		if (!match || first < 1 || last < first || last > 10_000) {
			throw inputError(
				ctx.getNode(),
				itemIndex,
				`The page range "${text}" is not valid`,
				'Use page numbers starting at 1, separated by commas, with ranges as first-last, e.g. 1-3,5.',
			);
		}
		for (let page = first; page <= last; page++) pages.add(page - 1);
	}
	return [...pages].sort((a, b) => a - b);
}

import type { IDataObject } from 'n8n-workflow';

/*
 * Checks an extraction against the JSON Schema it was made with, for the three things a reviewer
 * can act on: a required field that is missing, a value of the wrong type, a value outside an enum.
 * Keywords that describe presentation or limits (formats, lengths, patterns) are not checked: VLM
 * Run returns what it read, and those differences are the confidence rule's job.
 */

export type SchemaRule = 'required' | 'type' | 'enum';

export interface Violation {
	/** Where in the extraction, e.g. `customer_billing_address.city` or `items[1].total`. */
	field: string;
	rule: SchemaRule;
	value: unknown;
	message: string;
}

type Schema = IDataObject;

const MAX_DEPTH = 32;

interface Walk {
	root: Schema;
	/** With a GraphQL selection VLM Run returns only the selected fields, so absence is not an error. */
	checkRequired: boolean;
	violations: Violation[];
}

export function childPath(parent: string, key: string | number): string {
	if (typeof key === 'number') return `${parent}[${key}]`;
	return parent ? `${parent}.${key}` : key;
}

function resolve(schema: Schema, root: Schema): Schema {
	let current = schema;
	for (let hops = 0; typeof current.$ref === 'string' && hops < MAX_DEPTH; hops++) {
		const ref = current.$ref as string;
		if (!ref.startsWith('#')) return {};
		let target: unknown = root;
		for (const part of ref.slice(1).split('/').filter(Boolean)) {
			const key = decodeURIComponent(part).replace(/~1/g, '/').replace(/~0/g, '~');
			target = (target as IDataObject | undefined)?.[key];
		}
		current = (target as Schema | undefined) ?? {};
	}
	return current;
}

function typeOf(value: unknown): string {
	if (value === null) return 'null';
	if (Array.isArray(value)) return 'array';
	return typeof value;
}

function hasType(value: unknown, type: string): boolean {
	switch (type) {
		case 'integer':
			return typeof value === 'number' && Number.isInteger(value);
		case 'number':
			return typeof value === 'number' && Number.isFinite(value);
		case 'object':
			return typeOf(value) === 'object';
		default:
			return typeOf(value) === type;
	}
}

function allowedTypes(schema: Schema): string[] | undefined {
	const { type } = schema;
	let types: string[] | undefined;
	if (typeof type === 'string') types = [type];
	else if (Array.isArray(type)) types = type.map(String);
	// OpenAPI-style schemas mark optional values with `nullable` instead of a "null" type.
	if (types && schema.nullable === true) types = [...types, 'null'];
	return types;
}

function describe(value: unknown): string {
	const text = JSON.stringify(value);
	return text === undefined ? 'nothing' : text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function check(value: unknown, raw: Schema, path: string, walk: Walk, depth: number): void {
	if (depth > MAX_DEPTH) return;
	const schema = resolve(raw, walk.root);
	const variants = (schema.anyOf ?? schema.oneOf) as Schema[] | undefined;
	if (Array.isArray(variants) && variants.length) {
		const attempts = variants.map((variant) => {
			const trial: Walk = { ...walk, violations: [] };
			check(value, variant, path, trial, depth + 1);
			return trial.violations;
		});
		const best = attempts.reduce((a, b) => (b.length < a.length ? b : a));
		walk.violations.push(...best);
		if (best.length) return;
	}
	if (Array.isArray(schema.allOf)) {
		for (const part of schema.allOf as Schema[]) check(value, part, path, walk, depth + 1);
	}
	const types = allowedTypes(schema);
	if (types && !types.some((type) => hasType(value, type))) {
		walk.violations.push({
			field: path,
			rule: 'type',
			value,
			message: `${path || 'The result'} should be ${types.join(' or ')}, but is ${typeOf(value)} ${describe(value)}`,
		});
		return;
	}
	const choices = Array.isArray(schema.enum)
		? schema.enum
		: 'const' in schema
			? [schema.const]
			: undefined;
	if (choices && !choices.some((choice) => JSON.stringify(choice) === JSON.stringify(value))) {
		walk.violations.push({
			field: path,
			rule: 'enum',
			value,
			message: `${path || 'The result'} is ${describe(value)}, not one of ${choices.map(describe).join(', ')}`,
		});
		return;
	}
	if (typeOf(value) === 'object') checkObject(value as IDataObject, schema, path, walk, depth);
	else if (Array.isArray(value) && schema.items && typeof schema.items === 'object') {
		value.forEach((element, index) =>
			check(element, schema.items as Schema, childPath(path, index), walk, depth + 1),
		);
	}
}

function acceptsNull(schema: Schema | undefined, walk: Walk, depth: number): boolean {
	if (!schema || typeof schema !== 'object') return true;
	const trial: Walk = { ...walk, violations: [] };
	check(null, schema, '', trial, depth + 1);
	return trial.violations.length === 0;
}

function checkObject(value: IDataObject, schema: Schema, path: string, walk: Walk, depth: number) {
	const properties = (schema.properties ?? {}) as Record<string, Schema>;
	if (walk.checkRequired && Array.isArray(schema.required)) {
		for (const key of schema.required.map(String)) {
			const field = childPath(path, key);
			if (value[key] === undefined) {
				walk.violations.push({
					field,
					rule: 'required',
					value: null,
					message: `${field} is required but missing`,
				});
			} else if (value[key] === null && !acceptsNull(properties[key], walk, depth)) {
				// What VLM Run returns for a field it could not read: to a reviewer, a missing value.
				walk.violations.push({
					field,
					rule: 'required',
					value: null,
					message: `${field} is required but empty`,
				});
			}
		}
	}
	const reported = new Set(walk.violations.map((violation) => violation.field));
	for (const [key, child] of Object.entries(properties)) {
		if (value[key] === undefined || !child || typeof child !== 'object') continue;
		if (reported.has(childPath(path, key))) continue;
		check(value[key], child, childPath(path, key), walk, depth + 1);
	}
}

/** Every required field missing, wrong type and value outside an enum, each with its path. */
export function validateAgainstSchema(
	data: unknown,
	schema: Schema,
	options: { checkRequired?: boolean } = {},
): Violation[] {
	const walk: Walk = { root: schema, checkRequired: options.checkRequired ?? true, violations: [] };
	check(data, schema, '', walk, 0);
	return walk.violations;
}

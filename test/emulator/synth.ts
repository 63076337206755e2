import type { JsonSchema } from './domains';
import { blurryConfidence, fieldBox } from './scans';

/*
 * Builds a plausible instance of a JSON Schema: typed dummy values per property, one element per
 * array, enums and consts take their first value. Output is deterministic so tests can assert it.
 */

const MAX_DEPTH = 8;

interface Ctx {
	root: JsonSchema;
	depth: number;
}

function resolveRef(ref: string, root: JsonSchema): JsonSchema {
	if (!ref.startsWith('#/')) return {};
	let node: unknown = root;
	for (const part of ref.slice(2).split('/')) {
		node = (node as Record<string, unknown> | undefined)?.[
			part.replace(/~1/g, '/').replace(/~0/g, '~')
		];
	}
	return (node as JsonSchema | undefined) ?? {};
}

function firstType(schema: JsonSchema): string | undefined {
	const type = schema.type;
	if (Array.isArray(type)) return type.find((t) => t !== 'null') ?? 'null';
	if (typeof type === 'string') return type;
	if (schema.properties) return 'object';
	if (schema.items) return 'array';
	return undefined;
}

function stringFor(name: string, schema: JsonSchema): string {
	const format = String(schema.format ?? '');
	const lower = name.toLowerCase();
	if (format === 'date-time') return '2026-01-15T10:30:00Z';
	if (format === 'date' || lower.endsWith('date') || lower.endsWith('_at')) return '2026-01-15';
	if (format === 'email' || lower.includes('email')) return 'jane.doe@example.com';
	if (format === 'uri' || format === 'url' || lower.endsWith('url'))
		return 'https://example.com/resource';
	if (lower.includes('phone')) return '+1-555-0100';
	if (lower === 'id' || lower.endsWith('_id') || lower.endsWith('number'))
		return `${name.toUpperCase()}-0001`;
	return name ? `Sample ${name.replace(/_/g, ' ')}` : 'Sample text';
}

function build(schema: JsonSchema, name: string, ctx: Ctx): unknown {
	if (ctx.depth > MAX_DEPTH) return null;
	if (typeof schema.$ref === 'string') return build(resolveRef(schema.$ref, ctx.root), name, ctx);
	if ('const' in schema) return schema.const;
	if (Array.isArray(schema.enum) && schema.enum.length > 0) return schema.enum[0];
	if (schema.default !== undefined) return schema.default;
	if (Array.isArray(schema.examples) && schema.examples.length > 0) return schema.examples[0];
	const variants = (schema.anyOf ?? schema.oneOf) as JsonSchema[] | undefined;
	if (Array.isArray(variants) && variants.length > 0) {
		const chosen = variants.find((v) => firstType(v) !== 'null') ?? variants[0];
		return build(chosen, name, ctx);
	}
	if (Array.isArray(schema.allOf)) {
		const merged = (schema.allOf as JsonSchema[]).map((part) => build(part, name, ctx));
		return Object.assign({}, ...merged.filter((v) => v !== null && typeof v === 'object'));
	}
	const next = { ...ctx, depth: ctx.depth + 1 };
	switch (firstType(schema)) {
		case 'object': {
			const out: Record<string, unknown> = {};
			const props = (schema.properties ?? {}) as Record<string, JsonSchema>;
			for (const [key, child] of Object.entries(props)) out[key] = build(child, key, next);
			return out;
		}
		case 'array':
			return [build((schema.items ?? {}) as JsonSchema, singular(name), next)];
		case 'string':
			return stringFor(name, schema);
		case 'integer':
			return typeof schema.minimum === 'number' ? Math.ceil(schema.minimum) : 1;
		case 'number':
			return typeof schema.minimum === 'number' ? schema.minimum : 123.45;
		case 'boolean':
			return true;
		case 'null':
			return null;
		default:
			return stringFor(name, schema);
	}
}

const singular = (name: string) => (name.endsWith('s') ? name.slice(0, -1) : name);

export function synthesize(schema: JsonSchema): unknown {
	return build(schema, '', { root: schema, depth: 0 });
}

export interface MetadataOptions {
	confidence?: boolean | null;
	grounding?: boolean | null;
}

/**
 * Adds `<field>_metadata` siblings the way `confidence`/`grounding` do (reference §4.2): each
 * field its own box (see scans.ts), spread over the document's pages in field order, and lower
 * confidence for a blurry scan.
 */
export function withFieldMetadata(
	value: unknown,
	options: MetadataOptions,
	scan: { blurry?: boolean; pages?: number } = {},
): unknown {
	if (!options.confidence && !options.grounding) return value;
	if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
	const out: Record<string, unknown> = {};
	const entries = Object.entries(value);
	const pages = Math.max(1, scan.pages ?? 1);
	entries.forEach(([key, field], position) => {
		out[key] = field;
		const metadata: Record<string, unknown> = {
			confidence: scan.blurry ? blurryConfidence(field) : 'hi',
		};
		if (options.grounding) {
			const page = Math.floor((position * pages) / entries.length);
			metadata.bboxes = [{ xywh: fieldBox(key, position), page }];
		}
		out[`${key}_metadata`] = metadata;
	});
	return out;
}

import type { JsonSchema } from './domains';

/*
 * What the real API returns for a poor input, on demand: a file whose name, URL or content contains
 * a marker word is read like a bad scan.
 * - `emulator-blurry`: lower confidence. Numbers come back `low`, text `med`, structures `hi`
 *   (digits are what a blurry scan loses first).
 * - `emulator-invalid`: a response that breaks the schema in use: the first required field is
 *   left out, the first number field holds text, the first enum field holds a value outside it.
 * Grounding boxes differ per field: invoice fields sit where an invoice prints them (the layout
 * of test/fixtures/invoice-scan-*.png), other fields stack down the page.
 */

export const BLURRY_WORD = 'emulator-blurry';
export const INVALID_WORD = 'emulator-invalid';

export interface ScanQuality {
	blurry: boolean;
	invalid: boolean;
}

/** Reads the markers from names, URLs and file bytes (data: URLs are decoded). */
export function scanQuality(sources: Array<string | Buffer | null | undefined>): ScanQuality {
	const texts = sources.flatMap((source) => {
		if (!source) return [];
		if (Buffer.isBuffer(source)) return [source.toString('latin1')];
		const dataUrl = /^data:[^;,]+;base64,(.*)$/s.exec(source);
		return dataUrl ? [Buffer.from(dataUrl[1], 'base64').toString('latin1')] : [source];
	});
	return {
		blurry: texts.some((text) => text.includes(BLURRY_WORD)),
		invalid: texts.some((text) => text.includes(INVALID_WORD)),
	};
}

type Xywh = [number, number, number, number];

/** Where an invoice prints its fields, as fractions of the page (left, top, width, height). */
export const INVOICE_LAYOUT: Record<string, Xywh> = {
	invoice_id: [0.6, 0.08, 0.34, 0.045],
	invoice_issue_date: [0.6, 0.135, 0.34, 0.045],
	customer: [0.06, 0.23, 0.42, 0.045],
	customer_email: [0.06, 0.28, 0.42, 0.04],
	customer_phone: [0.06, 0.325, 0.42, 0.04],
	customer_billing_address: [0.06, 0.38, 0.42, 0.09],
	customer_shipping_address: [0.52, 0.38, 0.42, 0.09],
	items: [0.06, 0.5, 0.88, 0.2],
	subtotal: [0.6, 0.74, 0.34, 0.045],
	tax: [0.6, 0.79, 0.34, 0.045],
	total: [0.6, 0.845, 0.34, 0.055],
};

function stackedBox(position: number): Xywh {
	const column = Math.floor(position / 11) % 2;
	const row = position % 11;
	return [0.1 + column * 0.45, Math.round((0.1 + row * 0.075) * 1000) / 1000, 0.35, 0.05];
}

export function fieldBox(field: string, position: number): Xywh {
	return INVOICE_LAYOUT[field] ?? stackedBox(position);
}

export function blurryConfidence(value: unknown): 'hi' | 'med' | 'low' {
	if (typeof value === 'number') return 'low';
	if (value !== null && typeof value === 'object') return 'hi';
	return 'med';
}

function firstProperty(
	schema: JsonSchema,
	test: (property: JsonSchema) => boolean,
): string | undefined {
	const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
	return Object.keys(properties).find((key) => test(properties[key] ?? {}));
}

/** The response with one violation of each kind the schema allows (see the header). */
export function violateSchema(response: unknown, schema: JsonSchema | null): unknown {
	if (!schema || response === null || typeof response !== 'object' || Array.isArray(response))
		return response;
	const out = { ...(response as Record<string, unknown>) };
	const required = Array.isArray(schema.required) ? (schema.required as string[]) : [];
	const dropped = required.find((key) => key in out);
	if (dropped) delete out[dropped];
	const isNumber = (property: JsonSchema) =>
		property.type === 'number' || property.type === 'integer';
	const numeric = firstProperty(schema, (p) => isNumber(p) && !Array.isArray(p.enum));
	if (numeric && numeric !== dropped) out[numeric] = 'illegible';
	const enumerated = firstProperty(schema, (p) => Array.isArray(p.enum));
	if (enumerated && enumerated !== dropped) out[enumerated] = 'UNREADABLE';
	return out;
}

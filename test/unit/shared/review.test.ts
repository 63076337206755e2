import { Expression } from 'n8n-workflow';
import type { INodeParameters } from 'n8n-workflow';

import { itemLiteral } from '../../../nodes/VlmRun/shared/review/condition';
import {
	hasReviewOutputs,
	reviewOutputsExpression,
} from '../../../nodes/VlmRun/shared/review/description';
import { fieldMetadata } from '../../../nodes/VlmRun/shared/review/fields';
import { imageSize } from '../../../nodes/VlmRun/shared/review/imageSize';
import { validateAgainstSchema } from '../../../nodes/VlmRun/shared/review/validate';

const DEFAULTS = { resource: 'prediction', operation: 'extract' };

describe('validateAgainstSchema', () => {
	const schema = {
		type: 'object',
		required: ['customer', 'lines'],
		properties: {
			customer: {
				type: 'object',
				required: ['name', 'address'],
				properties: {
					name: { type: 'string' },
					address: { $ref: '#/$defs/Address' },
				},
			},
			lines: { type: 'array', items: { $ref: '#/$defs/Line' } },
			note: { anyOf: [{ type: 'string' }, { type: 'null' }] },
			paid: { type: 'boolean', nullable: true },
		},
		$defs: {
			Address: {
				type: 'object',
				required: ['country'],
				properties: { country: { type: 'string', enum: ['US', 'CA'] } },
			},
			Line: {
				type: 'object',
				required: ['qty'],
				properties: { qty: { type: 'integer' }, unit: { const: 'pcs' } },
			},
		},
	};

	it('accepts a valid extraction, nulls where the schema allows them and metadata keys', () => {
		const data = {
			customer: { name: 'Acme', address: { country: 'US' }, name_metadata: { confidence: 'hi' } },
			lines: [{ qty: 2, unit: 'pcs' }],
			note: null,
			paid: null,
		};
		expect(validateAgainstSchema(data, schema)).toEqual([]);
	});

	it('names every violation by its path, through $ref, arrays and nested objects', () => {
		const data = {
			customer: { name: null, address: { country: 'MX' } },
			lines: [{ qty: 1 }, { qty: 1.5 }, { unit: 'kg' }],
			note: 3,
		};
		expect(validateAgainstSchema(data, schema).map((v) => [v.field, v.rule, v.value])).toEqual([
			['customer.name', 'required', null],
			['customer.address.country', 'enum', 'MX'],
			['lines[1].qty', 'type', 1.5],
			['lines[2].qty', 'required', null],
			['lines[2].unit', 'enum', 'kg'],
			['note', 'type', 3],
		]);
	});

	it('skips required fields for a partial (GraphQL) selection', () => {
		expect(validateAgainstSchema({ lines: [] }, schema, { checkRequired: false })).toEqual([]);
		expect(validateAgainstSchema({ lines: [] }, schema)).toEqual([
			expect.objectContaining({ field: 'customer', rule: 'required' }),
		]);
	});

	it('reports a result of the wrong shape at the top', () => {
		expect(validateAgainstSchema(['a'], schema)).toEqual([
			expect.objectContaining({
				field: '',
				rule: 'type',
				message: expect.stringMatching(/^The result/),
			}),
		]);
	});
});

describe('fieldMetadata', () => {
	it('reads confidence and 1-based boxes at any depth', () => {
		const data = {
			total: 5,
			total_metadata: { confidence: 'low', bboxes: [{ xywh: [0.1, 0.2, 0.3, 0.04], page: 2 }] },
			lines: [{ qty: 1, qty_metadata: { confidence: 'med' } }],
			odd_metadata: 'not an object',
		};
		expect(fieldMetadata(data)).toEqual([
			{
				field: 'total',
				value: 5,
				confidence: 'low',
				boxes: [{ page: 3, xywh: [0.1, 0.2, 0.3, 0.04] }],
			},
			{ field: 'lines[0].qty', value: 1, confidence: 'med', boxes: [] },
		]);
	});
});

describe('itemLiteral', () => {
	it('writes an item n8n can evaluate as-is, whatever its strings contain', () => {
		const item = {
			note: 'Paid }} in full {{ soon }}',
			nested: { deeper: { list: [{}, { a: 'x.constructor' }] } },
			quote: 'say "hi" \\ back',
		};
		const literal = itemLiteral(item);
		expect(literal).not.toMatch(/}}|{{|\.\s*constructor/);
		const evaluated = Expression.resolveWithoutWorkflow(`{{ ${literal} }}`, {});
		expect(evaluated).toEqual(item);
	});
});

describe('review outputs', () => {
	const cases: INodeParameters[] = [
		{},
		{ reviewRules: {} },
		{ reviewRules: { minConfidence: 'med' } },
		{ reviewRules: { validateSchema: true } },
		{ reviewRules: { validateSchema: false } },
		{ reviewRules: { condition: '={{ $json.total > 1 }}' } },
		{ reviewRules: { condition: '' } },
		{ reviewRules: { minConfidence: 'hi' }, completion: 'submitOnly' },
		{ reviewRules: { minConfidence: 'hi' }, completion: 'waitForCallback' },
		{ reviewRules: { minConfidence: 'hi' }, resource: 'file', operation: 'upload' },
		{ reviewRules: { minConfidence: 'hi' }, resource: 'prediction', operation: 'extract' },
	];

	it.each(cases)('the outputs expression agrees with the node for %j', (parameters) => {
		// The globals (String, …) n8n gives every expression, then the node's parameters.
		const data = { $parameter: parameters };
		Expression.initializeGlobalContext(data);
		const outputs = Expression.resolveWithoutWorkflow(
			reviewOutputsExpression(DEFAULTS).slice(1),
			data,
		) as unknown as unknown[];
		expect(outputs).toEqual(
			hasReviewOutputs(parameters, DEFAULTS)
				? [
						{ type: 'main', displayName: 'Confident' },
						{ type: 'main', displayName: 'Needs Review' },
					]
				: ['main'],
		);
	});

	it('has two outputs exactly when a rule is set on an operation that waits for results', () => {
		expect(cases.map((parameters) => hasReviewOutputs(parameters, DEFAULTS))).toEqual([
			false,
			false,
			true,
			true,
			false,
			true,
			false,
			false,
			true,
			false,
			true,
		]);
	});
});

describe('imageSize', () => {
	it('reads PNG, GIF, JPEG and WebP headers', () => {
		const png = Buffer.alloc(24);
		png.writeUInt32BE(0x89504e47, 0);
		png.writeUInt32BE(640, 16);
		png.writeUInt32BE(480, 20);
		const gif = Buffer.from('GIF89a\x20\x03\x58\x02', 'latin1');
		// SOI, an APP0 segment of 4 bytes, then SOF0 with height 300 and width 200.
		const jpeg = Buffer.from([
			0xff, 0xd8, 0xff, 0xe0, 0x00, 0x04, 0x00, 0x00, 0xff, 0xc0, 0x00, 0x11, 0x08, 0x01, 0x2c,
			0x00, 0xc8, 0x03,
		]);
		const webp = Buffer.alloc(30);
		webp.write('RIFF', 0, 'latin1');
		webp.write('WEBPVP8X', 8, 'latin1');
		webp.writeUIntLE(99, 24, 3);
		webp.writeUIntLE(49, 27, 3);
		expect([png, gif, jpeg, webp].map(imageSize)).toEqual([
			{ width: 640, height: 480 },
			{ width: 800, height: 600 },
			{ width: 200, height: 300 },
			{ width: 100, height: 50 },
		]);
		expect(imageSize(Buffer.from('%PDF-1.4'))).toBeUndefined();
	});
});

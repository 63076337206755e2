import {
	parseJsonSchema,
	parsePageRange,
	schemaFromFields,
} from '../../../nodes/VlmRun/shared/schema';
import { nodeOnlyContext as ctx } from '../fakeContext';

describe('parsePageRange', () => {
	it('turns 1-based ranges into sorted 0-based indices without duplicates', () => {
		expect(parsePageRange(ctx, 0, '1-3,5')).toEqual([0, 1, 2, 4]);
		expect(parsePageRange(ctx, 0, ' 5 , 2-3, 3 ')).toEqual([1, 2, 4]);
	});

	it.each(['0', '3-1', 'a-b', '1,,2', '-2', '1-'])(
		'rejects %p, the item index in the error',
		(text) => {
			let thrown: (Error & { context?: { itemIndex?: number } }) | undefined;
			try {
				parsePageRange(ctx, 4, text);
			} catch (error) {
				thrown = error as typeof thrown;
			}
			// n8n shows the item from the error's context; the message does not repeat it.
			expect(thrown?.message).toBe(`The page range "${text}" is not valid`);
			expect(thrown?.context?.itemIndex).toBe(4);
		},
	);
});

describe('parseJsonSchema', () => {
	it('accepts schema text and objects', () => {
		expect(
			parseJsonSchema(
				ctx,
				0,
				'{"type":"object","properties":{"a":{"type":"string"}}}',
				'JSON Schema',
			),
		).toEqual({
			type: 'object',
			properties: { a: { type: 'string' } },
		});
		expect(
			parseJsonSchema(ctx, 0, { properties: { a: { type: 'number' } } }, 'JSON Schema'),
		).toEqual({
			properties: { a: { type: 'number' } },
		});
	});

	it('names the parameter and item for text that is not JSON', () => {
		expect(() => parseJsonSchema(ctx, 2, '{"type": "object",', 'JSON Schema')).toThrow(
			'The parameter "JSON Schema" is not valid JSON',
		);
	});

	it('rejects JSON that is not a schema', () => {
		expect(() => parseJsonSchema(ctx, 1, '[1,2]', 'JSON Schema')).toThrow(
			'is not a usable JSON schema',
		);
		expect(() => parseJsonSchema(ctx, 1, '{"foo":1}', 'JSON Schema')).toThrow(
			'is not a usable JSON schema',
		);
		expect(() => parseJsonSchema(ctx, 1, '{"type":"text"}', 'JSON Schema')).toThrow(
			'is not a usable JSON schema',
		);
	});

	it('rejects an empty schema', () => {
		expect(() => parseJsonSchema(ctx, 0, '  ', 'JSON Schema')).toThrow(
			'The parameter "JSON Schema" is empty',
		);
	});
});

describe('schemaFromFields', () => {
	it('builds an object schema with types, descriptions and required fields', () => {
		expect(
			schemaFromFields(ctx, 0, [
				{ name: 'total', type: 'number', description: 'Grand total', required: true },
				{ name: 'issued', type: 'date' },
				{ name: 'tags', type: 'stringArray' },
			]),
		).toEqual({
			type: 'object',
			properties: {
				total: { type: 'number', description: 'Grand total' },
				issued: { type: 'string', format: 'date' },
				tags: { type: 'array', items: { type: 'string' } },
			},
			required: ['total'],
		});
	});

	it('rejects bad names and an empty list', () => {
		expect(() => schemaFromFields(ctx, 3, [{ name: 'total amount', type: 'number' }])).toThrow(
			'The field name "total amount" is not valid',
		);
		expect(() => schemaFromFields(ctx, 0, [])).toThrow('The Fields list is empty');
	});
});

import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { parseJsonSchema, schemaFromFields, type FieldDefinition } from './schema';

/** The Output Schema fields: none (the domain's or the agent's own), a JSON schema, or a list of fields. */
export const schemaSourceProperties: INodeProperties[] = [
	{
		displayName: 'Output Schema',
		name: 'schemaSource',
		type: 'options',
		options: [
			{ name: 'None', value: 'none', description: 'Use the schema of the domain' },
			{ name: 'JSON Schema', value: 'json', description: 'Write the JSON schema of the output' },
			{ name: 'Fields', value: 'fields', description: 'List the fields to extract' },
		],
		default: 'none',
	},
	{
		displayName: 'JSON Schema',
		name: 'jsonSchema',
		type: 'json',
		default: '{\n  "type": "object",\n  "properties": {\n    "total": { "type": "number" }\n  }\n}',
		typeOptions: { rows: 8 },
		displayOptions: { show: { schemaSource: ['json'] } },
	},
	{
		displayName: 'Fields',
		name: 'fields',
		type: 'fixedCollection',
		placeholder: 'Add Field',
		typeOptions: { multipleValues: true, sortable: true },
		default: {},
		displayOptions: { show: { schemaSource: ['fields'] } },
		options: [
			{
				name: 'field',
				displayName: 'Field',
				values: [
					{
						displayName: 'Name',
						name: 'name',
						type: 'string',
						default: '',
						placeholder: 'e.g. invoice_total',
					},
					{
						displayName: 'Type',
						name: 'type',
						type: 'options',
						options: [
							{ name: 'Boolean', value: 'boolean' },
							{ name: 'Date', value: 'date' },
							{ name: 'Integer', value: 'integer' },
							{ name: 'List of Numbers', value: 'numberArray' },
							{ name: 'List of Texts', value: 'stringArray' },
							{ name: 'Number', value: 'number' },
							{ name: 'Object', value: 'object' },
							{ name: 'Text', value: 'string' },
						],
						default: 'string',
					},
					{
						displayName: 'Description',
						name: 'description',
						type: 'string',
						default: '',
						placeholder: 'e.g. The grand total including tax',
					},
					{
						displayName: 'Required',
						name: 'required',
						type: 'boolean',
						default: false,
						description: 'Whether the field must always be present in the output',
					},
				],
			},
		],
	},
];

/** The JSON schema the item's Output Schema fields describe, or undefined for None. */
export function readSchema(
	ctx: IExecuteFunctions,
	i: number,
	defaultSource = 'none',
): IDataObject | undefined {
	const source = ctx.getNodeParameter('schemaSource', i, defaultSource) as string;
	if (source === 'json')
		return parseJsonSchema(ctx, i, ctx.getNodeParameter('jsonSchema', i), 'JSON Schema');
	if (source === 'fields')
		return schemaFromFields(
			ctx,
			i,
			ctx.getNodeParameter('fields.field', i, []) as FieldDefinition[],
		);
	return undefined;
}

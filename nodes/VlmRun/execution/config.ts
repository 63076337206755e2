import { NodeApiError, NodeOperationError } from 'n8n-workflow';
import type { IDataObject, IExecuteFunctions, INodeProperties, JsonObject } from 'n8n-workflow';

import { schemaSourceProperties } from '../shared/descriptions';
import { inputError } from '../shared/errors';
import { parseJsonSchema, schemaFromFields, type FieldDefinition } from '../shared/schema';
import { apiRequest } from '../shared/transport';

export interface SkillReference extends IDataObject {
	type: 'skill_reference';
	skill_name: string;
	skill_version: string;
}

export const promptProperty: INodeProperties = {
	displayName: 'Prompt',
	name: 'prompt',
	type: 'string',
	typeOptions: { rows: 4 },
	default: '',
	required: true,
	placeholder: 'e.g. Check that the ID, the payslips and the bank statement belong to the same person',
	description: 'What the agent should do with the inputs',
};

// Agents have no domain, so "None" here means the agent decides the shape of its answer.
export const outputSchemaProperties: INodeProperties[] = schemaSourceProperties.map((property) =>
	property.name === 'schemaSource'
		? {
				...property,
				options: (property.options ?? []).map((option) =>
					'value' in option && option.value === 'none'
						? { ...option, description: 'The agent decides the shape of its answer' }
						: option,
				),
			}
		: property,
);

export const skillsProperty: INodeProperties = {
	displayName: 'Skills',
	name: 'skills',
	type: 'fixedCollection',
	placeholder: 'Add Skill',
	typeOptions: { multipleValues: true },
	default: {},
	description: 'Skills the agent follows (instructions, schema and tools packaged on VLM Run)',
	options: [
		{
			name: 'skill',
			displayName: 'Skill',
			values: [
				{
					displayName: 'Skill',
					name: 'skill',
					type: 'resourceLocator',
					default: { mode: 'list', value: '' },
					modes: [
						{
							displayName: 'From List',
							name: 'list',
							type: 'list',
							typeOptions: { searchListMethod: 'searchSkills', searchable: true },
						},
						{ displayName: 'By Name', name: 'name', type: 'string', placeholder: 'e.g. invoice-extraction' },
					],
				},
				{
					displayName: 'Version',
					name: 'version',
					type: 'string',
					default: '',
					placeholder: 'e.g. 20260326-a481daf0',
					description: 'A pinned skill version; leave empty for the latest version',
				},
			],
		},
	],
};

export function readOutputSchema(ctx: IExecuteFunctions, i: number): IDataObject | undefined {
	const source = ctx.getNodeParameter('schemaSource', i, 'none') as string;
	if (source === 'json') return parseJsonSchema(ctx, i, ctx.getNodeParameter('jsonSchema', i), 'JSON Schema');
	if (source === 'fields') return schemaFromFields(ctx, i, ctx.getNodeParameter('fields.field', i, []) as FieldDefinition[]);
	return undefined;
}

function locatorValue(value: unknown): string {
	const raw = value && typeof value === 'object' ? (value as IDataObject).value : value;
	return String(raw ?? '').trim();
}

/** The skill rows of the item as AgentSkill references; an empty row is an input error, not a silent skip. */
export function readSkills(ctx: IExecuteFunctions, i: number): SkillReference[] {
	const rows = ctx.getNodeParameter('skills.skill', i, []) as IDataObject[];
	return rows.map((row, position) => {
		const name = locatorValue(row.skill);
		if (!name) {
			throw inputError(
				ctx.getNode(),
				i,
				`Skill ${position + 1} has no name (item ${i})`,
				'Pick a skill from the list, enter its name, or remove the empty row.',
			);
		}
		const version = String(row.version ?? '').trim() || 'latest';
		return { type: 'skill_reference', skill_name: name, skill_version: version };
	});
}

type Lookup = { found: IDataObject } | { error: unknown };

/** Lookups already made in this node run, so a skill used by 500 items is checked once. */
const lookups = new WeakMap<object, Map<string, Promise<Lookup>>>();

async function lookupOnce(ctx: IExecuteFunctions, key: string, path: string, body: IDataObject, i: number): Promise<Lookup> {
	let cache = lookups.get(ctx);
	if (!cache) lookups.set(ctx, (cache = new Map()));
	let pending = cache.get(key);
	if (!pending) {
		const request = async (): Promise<Lookup> => {
			try {
				const found = (await apiRequest.call(ctx, { method: 'POST', path, body, kind: 'read', itemIndex: i })) as IDataObject;
				return { found };
			} catch (error) {
				return { error };
			}
		};
		pending = request();
		cache.set(key, pending);
	}
	return await pending;
}

// Each item gets its own error, so the message names the item even when the lookup was shared.
function foundOrThrow(ctx: IExecuteFunctions, lookup: Lookup, i: number, message: string, description: string): IDataObject {
	if ('found' in lookup) return lookup.found;
	const { error } = lookup;
	if (error instanceof NodeApiError && error.httpCode === '404') {
		throw new NodeOperationError(ctx.getNode(), message, { itemIndex: i, description });
	}
	if (error instanceof NodeApiError) throw new NodeApiError(ctx.getNode(), error as unknown as JsonObject);
	throw new NodeOperationError(ctx.getNode(), error as Error, { itemIndex: i });
}

/** Finds a skill by name (and version) on VLM Run, failing with an error that names the skill. */
export async function lookupSkill(ctx: IExecuteFunctions, i: number, name: string, version?: string): Promise<IDataObject> {
	const pinned = version && version !== 'latest' ? version : undefined;
	const body = pinned ? { name, skill_version: pinned } : { name };
	const lookup = await lookupOnce(ctx, `skill:${name}@${pinned ?? ''}`, '/skills/lookup', body, i);
	return foundOrThrow(
		ctx,
		lookup,
		i,
		`The skill "${name}"${pinned ? ` version ${pinned}` : ''} does not exist on VLM Run (item ${i})`,
		'Check the skill name and version, pick the skill from the list, or create it first with Skill → Create.',
	);
}

/** Finds an agent by name[:version] on VLM Run, failing with an error that names the agent. */
export async function lookupAgent(ctx: IExecuteFunctions, i: number, name: string): Promise<IDataObject> {
	const lookup = await lookupOnce(ctx, `agent:${name}`, '/agent/lookup', { name }, i);
	return foundOrThrow(
		ctx,
		lookup,
		i,
		`The agent "${name}" does not exist on VLM Run (item ${i})`,
		'Check the agent name (name or name:version), pick it from the list, or create it first with Agent → Create.',
	);
}

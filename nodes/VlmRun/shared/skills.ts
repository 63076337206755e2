import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { inputError } from './errors';
import { lookupByName } from './lookup';

/** A skill as the Execution and Chat APIs take it (AgentSkill). */
export interface SkillReference extends IDataObject {
	type: 'skill_reference';
	skill_name: string;
	skill_version: string;
}

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
						{
							displayName: 'By Name',
							name: 'name',
							type: 'string',
							placeholder: 'e.g. invoice-extraction',
						},
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
				`Skill ${position + 1} has no name`,
				'Pick a skill from the list, enter its name, or remove the empty row.',
			);
		}
		const version = String(row.version ?? '').trim() || 'latest';
		return { type: 'skill_reference', skill_name: name, skill_version: version };
	});
}

/** Finds a skill by name (and version) on VLM Run, failing with an error that names the skill. */
export async function lookupSkill(
	ctx: IExecuteFunctions,
	i: number,
	name: string,
	version?: string,
): Promise<IDataObject> {
	const pinned = version && version !== 'latest' ? version : undefined;
	return await lookupByName(ctx, i, {
		key: `skill:${name}@${pinned ?? ''}`,
		path: '/skills/lookup',
		body: pinned ? { name, skill_version: pinned } : { name },
		message: `The skill "${name}"${pinned ? ` version ${pinned}` : ''} does not exist on VLM Run`,
		description:
			'Check the skill name and version, pick the skill from the list, or create it first with Skill → Create.',
	});
}

import { updateDisplayOptions } from 'n8n-workflow';
import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { requiredText } from '../shared/params';
import type { Operation, PlannedItem } from '../shared/router';
import { lookupSkill, readSkills, skillsProperty, type SkillReference } from '../shared/skills';
import { apiRequest } from '../shared/transport';
import { readSchema } from '../shared/schemaSource';
import { outputSchemaProperties, promptProperty } from './config';

export const description = updateDisplayOptions(
	{ show: { resource: ['agent'], operation: ['create'] } },
	[
		{
			displayName: 'Name',
			name: 'agentName',
			type: 'string',
			default: '',
			placeholder: 'e.g. loan-package-checker',
			description: 'Optional; VLM Run makes up a name when empty',
		},
		promptProperty,
		...outputSchemaProperties,
		skillsProperty,
	],
);

interface AgentDraft {
	body: IDataObject;
	skills: SkillReference[];
}

async function validate(ctx: IExecuteFunctions, i: number): Promise<AgentDraft> {
	const prompt = requiredText(
		ctx,
		i,
		'prompt',
		'Prompt',
		'Describe what the agent should do with its inputs.',
	);
	const schema = readSchema(ctx, i);
	const skills = readSkills(ctx, i);
	const name = String(ctx.getNodeParameter('agentName', i, '') ?? '').trim();
	const config: IDataObject = {
		prompt,
		...(schema ? { json_schema: schema } : {}),
		...(skills.length ? { skills } : {}),
	};
	return { body: { ...(name ? { name } : {}), config }, skills };
}

async function execute(
	ctx: IExecuteFunctions,
	{ index: i, plan: draft }: PlannedItem<AgentDraft>,
): Promise<INodeExecutionData[]> {
	await Promise.all(
		draft.skills.map(
			async (skill) => await lookupSkill(ctx, i, skill.skill_name, skill.skill_version),
		),
	);
	const agent = (await apiRequest(ctx, {
		method: 'POST',
		path: '/agent/create',
		body: draft.body,
		itemIndex: i,
		resource: 'agent',
	})) as IDataObject;
	return [{ json: agent }];
}

export const createAgent: Operation<AgentDraft> = { description, validate, execute };

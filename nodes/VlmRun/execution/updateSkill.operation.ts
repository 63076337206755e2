import { updateDisplayOptions } from 'n8n-workflow';
import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { uploadFile, type InputFile } from '../shared/binary';
import { inputError } from '../shared/errors';
import type { Operation, PlannedItem } from '../shared/router';
import { apiRequest } from '../shared/transport';
import {
	bundleFieldProperty,
	readBundle,
	readSkillTarget,
	resolveSkill,
	skillLocatorProperty,
	type SkillTarget,
} from './skill.locator';

export const description = updateDisplayOptions(
	{ show: { resource: ['skill'], operation: ['update'] } },
	[
		skillLocatorProperty,
		bundleFieldProperty,
		{
			displayName: 'Description',
			name: 'skillDescription',
			type: 'string',
			default: '',
			description: 'Optional new description of the skill, at most 255 characters',
		},
	],
);

interface SkillUpdate {
	target: SkillTarget;
	bundle: InputFile;
	description?: string;
}

async function validate(ctx: IExecuteFunctions, i: number): Promise<SkillUpdate> {
	const text = String(ctx.getNodeParameter('skillDescription', i, '') ?? '').trim();
	if (text.length > 255) {
		throw inputError(
			ctx.getNode(),
			i,
			`The skill description has ${text.length} characters`,
			'VLM Run takes at most 255 characters; shorten it.',
		);
	}
	return {
		target: readSkillTarget(ctx, i),
		bundle: await readBundle(ctx, i),
		description: text || undefined,
	};
}

async function execute(
	ctx: IExecuteFunctions,
	{ index: i, plan: update }: PlannedItem<SkillUpdate>,
): Promise<INodeExecutionData[]> {
	const skill = await resolveSkill(ctx, i, update.target);
	const upload = await uploadFile(ctx, update.bundle);
	const updated = (await apiRequest(ctx, {
		method: 'POST',
		path: `/skills/${encodeURIComponent(String(skill.id))}/update`,
		body: {
			file_id: upload.id,
			...(update.description ? { description: update.description } : {}),
		},
		itemIndex: i,
		resource: 'skill',
		names: { skill: String(skill.id) },
	})) as IDataObject;
	return [{ json: updated }];
}

export const updateSkill: Operation<SkillUpdate> = { description, validate, execute };

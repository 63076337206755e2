import { updateDisplayOptions } from 'n8n-workflow';
import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { requiredText } from '../shared/params';
import type { Operation, PlannedItem } from '../shared/router';
import { apiRequest } from '../shared/transport';
import { fetchSignedUrl } from '../shared/signedUrl';
import {
	readSkillTarget,
	resolveSkill,
	skillLocatorProperty,
	skillVersionProperty,
	type SkillTarget,
} from './skill.locator';

export const description = updateDisplayOptions(
	{ show: { resource: ['skill'], operation: ['download'] } },
	[
		skillLocatorProperty,
		skillVersionProperty,
		{
			displayName: 'Put Output File in Field',
			name: 'binaryPropertyOutput',
			type: 'string',
			default: 'data',
			required: true,
			hint: 'The name of the output binary field to put the skill bundle in',
		},
	],
);

interface SkillDownload {
	target: SkillTarget;
	property: string;
}

async function execute(
	ctx: IExecuteFunctions,
	{ index: i, plan: request }: PlannedItem<SkillDownload>,
): Promise<INodeExecutionData[]> {
	const skill = await resolveSkill(ctx, i, request.target);
	const link = (await apiRequest(ctx, {
		method: 'GET',
		path: `/skills/${encodeURIComponent(String(skill.id))}/download`,
		itemIndex: i,
		resource: 'skill',
		names: { skill: String(skill.id) },
	})) as IDataObject;
	const bundle = await fetchSignedUrl(ctx, String(link.download_url));
	const version = skill.skill_version ?? skill.version;
	const fileName = `${String(skill.name ?? skill.id)}${version ? `-${String(version)}` : ''}.zip`;
	const binary = await ctx.helpers.prepareBinaryData(bundle.body, fileName, 'application/zip');
	return [{ json: skill, binary: { [request.property]: binary } }];
}

export const downloadSkill: Operation<SkillDownload> = {
	description,
	async validate(ctx: IExecuteFunctions, i: number) {
		return {
			target: readSkillTarget(ctx, i),
			property: requiredText(
				ctx,
				i,
				'binaryPropertyOutput',
				'Put Output File in Field',
				'Enter a binary field name such as data.',
			),
		};
	},
	execute,
};

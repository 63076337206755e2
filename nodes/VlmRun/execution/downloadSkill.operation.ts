import { updateDisplayOptions } from 'n8n-workflow';
import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { requiredText } from '../shared/params';
import type { Operation } from '../shared/router';
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
	this: IExecuteFunctions,
	i: number,
	request: SkillDownload,
): Promise<INodeExecutionData[]> {
	const skill = await resolveSkill(this, i, request.target);
	const link = (await apiRequest.call(this, {
		method: 'GET',
		path: `/skills/${encodeURIComponent(String(skill.id))}/download`,
		itemIndex: i,
		resource: 'skill',
		names: { skill: String(skill.id) },
	})) as IDataObject;
	const bundle = await fetchSignedUrl.call(this, String(link.download_url));
	const version = skill.skill_version ?? skill.version;
	const fileName = `${String(skill.name ?? skill.id)}${version ? `-${String(version)}` : ''}.zip`;
	const binary = await this.helpers.prepareBinaryData(bundle.body, fileName, 'application/zip');
	return [{ json: skill, binary: { [request.property]: binary } }];
}

export const downloadSkill: Operation<SkillDownload> = {
	description,
	async prepare(this: IExecuteFunctions, i: number) {
		return {
			target: readSkillTarget(this, i),
			property: requiredText(
				this,
				i,
				'binaryPropertyOutput',
				'Put Output File in Field',
				'Enter a binary field name such as data.',
			),
		};
	},
	execute,
};

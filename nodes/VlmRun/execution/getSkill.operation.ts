import { updateDisplayOptions } from 'n8n-workflow';
import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import type { Operation } from '../shared/router';
import {
	readSkillTarget,
	resolveSkill,
	skillLocatorProperty,
	skillVersionProperty,
	type SkillTarget,
} from './skill.locator';

export const description = updateDisplayOptions(
	{ show: { resource: ['skill'], operation: ['get'] } },
	[skillLocatorProperty, skillVersionProperty],
);

export const getSkill: Operation<SkillTarget> = {
	description,
	async prepare(this: IExecuteFunctions, i: number) {
		return readSkillTarget(this, i);
	},
	async execute(
		this: IExecuteFunctions,
		i: number,
		target: SkillTarget,
	): Promise<INodeExecutionData[]> {
		return [{ json: await resolveSkill(this, i, target) }];
	},
};

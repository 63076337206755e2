import { updateDisplayOptions } from 'n8n-workflow';
import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import type { Operation, PlannedItem } from '../shared/router';
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
	async validate(ctx: IExecuteFunctions, i: number) {
		return readSkillTarget(ctx, i);
	},
	async execute(
		ctx: IExecuteFunctions,
		{ index: i, plan: target }: PlannedItem<SkillTarget>,
	): Promise<INodeExecutionData[]> {
		return [{ json: await resolveSkill(ctx, i, target) }];
	},
};

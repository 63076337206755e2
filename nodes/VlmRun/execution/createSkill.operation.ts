import { updateDisplayOptions } from 'n8n-workflow';
import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { uploadFile, type InputFile } from '../shared/binary';
import { inputError } from '../shared/errors';
import { requiredText } from '../shared/params';
import type { Operation, PlannedItem } from '../shared/router';
import { apiRequest } from '../shared/transport';
import { readSchema } from '../shared/schemaSource';
import { readBundle } from './skill.locator';
import { createSkillProperties } from './skill.properties';

export const description = updateDisplayOptions(
	{ show: { resource: ['skill'], operation: ['create'] } },
	createSkillProperties,
);

interface SkillDraft {
	body: IDataObject;
	bundle?: InputFile;
}

function readDescription(ctx: IExecuteFunctions, i: number, required: boolean): string | undefined {
	const text = required
		? requiredText(
				ctx,
				i,
				'skillDescription',
				'Description',
				'Say in a sentence what the skill does.',
			)
		: String(ctx.getNodeParameter('skillDescription', i, '') ?? '').trim();
	if (text.length > 255) {
		throw inputError(
			ctx.getNode(),
			i,
			`The skill description has ${text.length} characters`,
			'VLM Run takes at most 255 characters; shorten it.',
		);
	}
	return text || undefined;
}

async function validate(ctx: IExecuteFunctions, i: number): Promise<SkillDraft> {
	const source = ctx.getNodeParameter('skillSource', i, 'prompt') as string;
	if (source === 'bundle') {
		const bundle = await readBundle(ctx, i);
		const name = requiredText(
			ctx,
			i,
			'skillName',
			'Name',
			'Use the name from the frontmatter of SKILL.md, e.g. receipt-extraction.',
		);
		return { bundle, body: { name, description: readDescription(ctx, i, true) } };
	}
	const name = String(ctx.getNodeParameter('skillName', i, '') ?? '').trim();
	const common: IDataObject = { ...(name ? { name } : {}) };
	const text = readDescription(ctx, i, false);
	if (text) common.description = text;
	if (source === 'session') {
		const sessionId = requiredText(
			ctx,
			i,
			'sessionId',
			'Session ID',
			'Map the session ID of a VLM Run chat, e.g. {{ $json.vlmrun.sessionId }}.',
		);
		return { body: { session_id: sessionId, ...common } };
	}
	const prompt = requiredText(
		ctx,
		i,
		'prompt',
		'Prompt',
		'Describe what the skill should do, e.g. "Extract vendor, line items and totals from receipts".',
	);
	const schema = readSchema(ctx, i);
	return { body: { prompt, ...(schema ? { json_schema: schema } : {}), ...common } };
}

async function execute(
	ctx: IExecuteFunctions,
	{ index: i, plan: draft }: PlannedItem<SkillDraft>,
): Promise<INodeExecutionData[]> {
	const body = draft.bundle
		? { file_id: (await uploadFile(ctx, draft.bundle)).id, ...draft.body }
		: draft.body;
	const skill = (await apiRequest(ctx, {
		method: 'POST',
		path: '/skills/create',
		body,
		itemIndex: i,
		resource: 'skill',
	})) as IDataObject;
	return [{ json: skill }];
}

export const createSkill: Operation<SkillDraft> = { description, validate, execute };

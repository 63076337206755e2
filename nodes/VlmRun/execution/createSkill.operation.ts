import { updateDisplayOptions } from 'n8n-workflow';
import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { uploadFile, type InputFile } from '../shared/binary';
import { inputError } from '../shared/errors';
import { requiredText } from '../shared/params';
import type { Operation } from '../shared/router';
import { apiRequest } from '../shared/transport';
import { readOutputSchema } from './config';
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

async function prepare(this: IExecuteFunctions, i: number): Promise<SkillDraft> {
	const source = this.getNodeParameter('skillSource', i, 'prompt') as string;
	if (source === 'bundle') {
		const bundle = await readBundle(this, i);
		const name = requiredText(
			this,
			i,
			'skillName',
			'Name',
			'Use the name from the frontmatter of SKILL.md, e.g. receipt-extraction.',
		);
		return { bundle, body: { name, description: readDescription(this, i, true) } };
	}
	const name = String(this.getNodeParameter('skillName', i, '') ?? '').trim();
	const common: IDataObject = { ...(name ? { name } : {}) };
	const text = readDescription(this, i, false);
	if (text) common.description = text;
	if (source === 'session') {
		const sessionId = requiredText(
			this,
			i,
			'sessionId',
			'Session ID',
			'Map the session ID of a VLM Run chat, e.g. {{ $json.vlmrun.sessionId }}.',
		);
		return { body: { session_id: sessionId, ...common } };
	}
	const prompt = requiredText(
		this,
		i,
		'prompt',
		'Prompt',
		'Describe what the skill should do, e.g. "Extract vendor, line items and totals from receipts".',
	);
	const schema = readOutputSchema(this, i);
	return { body: { prompt, ...(schema ? { json_schema: schema } : {}), ...common } };
}

async function execute(
	this: IExecuteFunctions,
	i: number,
	draft: SkillDraft,
): Promise<INodeExecutionData[]> {
	const body = draft.bundle
		? { file_id: (await uploadFile(this, draft.bundle)).id, ...draft.body }
		: draft.body;
	const skill = (await apiRequest.call(this, {
		method: 'POST',
		path: '/skills/create',
		body,
		itemIndex: i,
		resource: 'skill',
	})) as IDataObject;
	return [{ json: skill }];
}

export const createSkill: Operation<SkillDraft> = { description, prepare, execute };

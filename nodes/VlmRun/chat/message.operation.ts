import { updateDisplayOptions } from 'n8n-workflow';
import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import type { InputFile } from '../shared/binary';
import { requiredText } from '../shared/params';
import { errorItem, type Operation, type PlannedItem } from '../shared/router';
import { lookupSkill, readSkills, type SkillReference } from '../shared/skills';
import { readSchema } from '../shared/schemaSource';
import { apiRequest, TIMEOUTS } from '../shared/transport';
import { apiStream } from '../shared/stream';
import {
	attachedFiles,
	chatTriggerMessages,
	definedMessages,
	filePart,
	urlParts,
	withAttachments,
	type ChatMessage,
} from './content';
import { messageProperties } from './message.properties';
import { readStreamedCompletion, replyItem, type OutputFormat, type ReplyOptions } from './reply';
import { toSessionUuid } from './session';

export const description = updateDisplayOptions(
	{ show: { resource: ['chat'], operation: ['message'] } },
	messageProperties,
);

const CHAT_PATH = '/openai/chat/completions';

interface ChatPlan extends ReplyOptions {
	messages: ChatMessage[];
	files: InputFile[];
	/** Under continue-on-fail: one error per attachment VLM Run cannot take, output as error items. */
	rejected: Error[];
	urls: IDataObject[];
	skills: SkillReference[];
	/** Everything of the request body except the messages, whose attachments are uploaded later. */
	settings: IDataObject;
	stream: boolean;
}

function readModel(ctx: IExecuteFunctions, i: number): string {
	const model = ctx.getNodeParameter('model', i) as string;
	if (model !== 'custom') return model;
	return requiredText(
		ctx,
		i,
		'customModel',
		'Model ID',
		'Enter a VLM Run chat model such as vlmrun-orion-1:auto.',
	);
}

function readResponseFormat(
	ctx: IExecuteFunctions,
	i: number,
	format: OutputFormat,
): IDataObject | undefined {
	if (format === 'jsonObject') return { type: 'json_object' };
	if (format !== 'jsonSchema') return undefined;
	const schema = readSchema(ctx, i, 'json');
	// VLM Run takes the Fireworks form, with the schema at the top level (not OpenAI's nesting).
	return { type: 'json_schema', schema };
}

function readSettings(
	ctx: IExecuteFunctions,
	i: number,
	format: OutputFormat,
	skills: SkillReference[],
	sessionId?: string,
): IDataObject {
	const options = ctx.getNodeParameter('options', i, {}) as IDataObject;
	const toolsets = ctx.getNodeParameter('toolsets', i, []) as string[];
	const responseFormat = readResponseFormat(ctx, i, format);
	return {
		model: readModel(ctx, i),
		...(sessionId ? { session_id: sessionId } : {}),
		...(responseFormat ? { response_format: responseFormat } : {}),
		...(skills.length > 0 ? { skills } : {}),
		...(toolsets.length > 0 ? { toolsets } : {}),
		...(typeof options.temperature === 'number' ? { temperature: options.temperature } : {}),
		...(typeof options.maxTokens === 'number' ? { max_tokens: options.maxTokens } : {}),
	};
}

async function validate(ctx: IExecuteFunctions, i: number): Promise<ChatPlan> {
	const attached = await attachedFiles(ctx, i);
	const files = attached.files.filter((file) => !file.error);
	const urls = urlParts(ctx, i);
	const messages =
		ctx.getNodeParameter('promptSource', i) === 'define'
			? definedMessages(ctx, i)
			: chatTriggerMessages(ctx, i, files.length + urls.length > 0);
	const sessionId = toSessionUuid(String(ctx.getNodeParameter('sessionId', i, '') ?? ''));
	const outputFormat = ctx.getNodeParameter('outputFormat', i, 'text') as OutputFormat;
	const options = ctx.getNodeParameter('options', i, {}) as IDataObject;
	const skills = readSkills(ctx, i);
	return {
		messages,
		files,
		rejected: attached.files.flatMap((file) => (file.error ? [file.error] : [])),
		urls,
		skills,
		settings: readSettings(ctx, i, outputFormat, skills, sessionId),
		stream: options.stream !== false,
		outputFormat,
		sessionId,
		downloadArtifacts: options.downloadArtifacts !== false,
		includeCompletion: options.includeCompletion === true,
		skippedFiles: attached.skipped,
	};
}

async function execute(
	ctx: IExecuteFunctions,
	{ index: i, plan }: PlannedItem<ChatPlan>,
): Promise<INodeExecutionData[]> {
	// A chat that names an unknown skill would fail only after the uploads, with a bare 404.
	for (const skill of plan.skills) await lookupSkill(ctx, i, skill.skill_name, skill.skill_version);
	const parts: IDataObject[] = [];
	for (const file of plan.files) parts.push(await filePart(ctx, file));
	const body = {
		...plan.settings,
		messages: withAttachments(plan.messages, [...parts, ...plan.urls]),
	} as IDataObject;
	const call = {
		method: 'POST' as const,
		path: CHAT_PATH,
		timeoutMs: TIMEOUTS.chat,
		itemIndex: i,
		resource: 'chat session',
	};
	// isStreaming() arrived in n8n 1.104 (n8n-workflow 1.99); on earlier n8n the node answers in one
	// piece rather than failing every streamed chat.
	const completion =
		plan.stream && typeof ctx.isStreaming === 'function' && ctx.isStreaming()
			? await readStreamedCompletion(
					ctx,
					i,
					await apiStream(ctx, { ...call, body: { ...body, stream: true } }),
				)
			: ((await apiRequest(ctx, { ...call, body })) as IDataObject);
	return [
		await replyItem(ctx, i, completion, plan),
		...plan.rejected.map((error) => errorItem(error, { item: i })),
	];
}

export const message: Operation<ChatPlan> = { description, validate, execute };

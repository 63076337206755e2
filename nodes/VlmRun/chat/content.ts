import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import {
	screenFiles,
	selectBinaryFields,
	toDataUrl,
	uploadFile,
	type InputFile,
	type ScreenedFiles,
} from '../shared/binary';
import { inputError } from '../shared/errors';
import { detectModality, imageMimeType } from '../shared/media';
import { isHttpUrl } from '../shared/params';

export interface ChatMessage {
	role: 'system' | 'user' | 'assistant';
	content: string | IDataObject[];
}

/** Images up to this size travel inside the message; an upload would cost an extra round trip. */
export const INLINE_IMAGE_LIMIT = 4 * 1024 * 1024;

const URL_PART_TYPES = ['image_url', 'video_url', 'audio_url', 'file_url'];

/** The chat message of a connected Chat Trigger, plus the optional system message. */
export function chatTriggerMessages(
	ctx: IExecuteFunctions,
	i: number,
	hasFiles: boolean,
): ChatMessage[] {
	const json = ctx.getInputData()[i]?.json ?? {};
	const chatInput = typeof json.chatInput === 'string' ? json.chatInput.trim() : '';
	if (!chatInput && !hasFiles) {
		throw inputError(
			ctx.getNode(),
			i,
			'chatInput' in json
				? 'The chat message is empty'
				: 'The item has no chat message (chatInput)',
			'Connect a Chat Trigger (or send a chatInput field), or set Prompt to Define Below and write the messages.',
		);
	}
	const systemMessage = String(ctx.getNodeParameter('options.systemMessage', i, '') ?? '').trim();
	return [
		...(systemMessage ? [{ role: 'system' as const, content: systemMessage }] : []),
		{ role: 'user', content: chatInput },
	];
}

/** The messages written in the node, in their order; each must have text. */
export function definedMessages(ctx: IExecuteFunctions, i: number): ChatMessage[] {
	const rows = ctx.getNodeParameter('messages.message', i, []) as Array<{
		role?: string;
		content?: string;
	}>;
	if (rows.length === 0) {
		throw inputError(
			ctx.getNode(),
			i,
			'No messages to send',
			'Add at least one User message under Messages.',
		);
	}
	const messages = rows.map((row, index) => {
		const content = String(row.content ?? '').trim();
		if (!content) {
			throw inputError(
				ctx.getNode(),
				i,
				`Message ${index + 1} is empty`,
				'Write a text for every message under Messages, or remove the empty one.',
			);
		}
		return { role: (row.role ?? 'user') as ChatMessage['role'], content };
	});
	if (!messages.some((message) => message.role === 'user')) {
		throw inputError(
			ctx.getNode(),
			i,
			'There is no User message',
			'Add a message with the role User: the question the model answers.',
		);
	}
	return messages;
}

/** The item's files to attach, checked (present, not empty, a type VLM Run reads) before anything is sent. */
export async function attachedFiles(ctx: IExecuteFunctions, i: number): Promise<ScreenedFiles> {
	const selection = ctx.getNodeParameter('binarySelection', i, 'none') as string;
	if (selection === 'none') return { files: [], skipped: [] };
	const fields =
		selection === 'all'
			? Object.keys(ctx.getInputData()[i]?.binary ?? {})
			: selectBinaryFields(
					ctx,
					i,
					'fields',
					ctx.getNodeParameter('binaryPropertyName', i, '') as string,
				);
	return await screenFiles(ctx, i, fields, 'modality');
}

/** The URL parts of the user turn; a link VLM Run cannot fetch is rejected here. */
export function urlParts(ctx: IExecuteFunctions, i: number): IDataObject[] {
	const rows = ctx.getNodeParameter('urls.url', i, []) as Array<{ type?: string; url?: string }>;
	return rows.map((row, index) => {
		const url = String(row.url ?? '').trim();
		const type = URL_PART_TYPES.includes(row.type ?? '') ? (row.type as string) : 'file_url';
		if (!isHttpUrl(url)) {
			throw inputError(
				ctx.getNode(),
				i,
				url
					? `File URL ${index + 1} "${url}" is not an http(s) URL`
					: `File URL ${index + 1} is empty`,
				'VLM Run fetches files from public http:// or https:// links only. Send local files as binary data instead.',
			);
		}
		return { type, [type]: { url } };
	});
}

/** Turns a file into a content part: small images inline as data URLs, everything else uploaded. */
export async function filePart(ctx: IExecuteFunctions, file: InputFile): Promise<IDataObject> {
	if (detectModality(file.mimeType, file.fileName) === 'image' && file.size <= INLINE_IMAGE_LIMIT) {
		const url = await toDataUrl(ctx, file, imageMimeType(file.mimeType, file.fileName));
		return { type: 'image_url', image_url: { url } };
	}
	const uploaded = await uploadFile(ctx, file);
	return { type: 'input_file', file_id: uploaded.id };
}

/**
 * Puts the attachments on the last user message, before its text, as VLM Run's own CLI does.
 * Without attachments the content stays a plain string, which every OpenAI-style server takes.
 */
export function withAttachments(messages: ChatMessage[], parts: IDataObject[]): ChatMessage[] {
	if (parts.length === 0) return messages;
	const target = messages.map((message) => message.role).lastIndexOf('user');
	return messages.map((message, index) => {
		if (index !== target) return message;
		const text = typeof message.content === 'string' ? message.content : '';
		return { ...message, content: [...parts, ...(text ? [{ type: 'text', text }] : [])] };
	});
}

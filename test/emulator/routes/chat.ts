/* eslint-disable @n8n/community-nodes/no-restricted-imports */
import type { ServerResponse } from 'node:http';

import { HttpError, missing, sleep } from '../http';
import { enumError } from '../query';
import { ok, type Router } from '../router';
import { ChatSchema, validate, type ChatBody } from '../schemas';
import { hex, newId, type ChatSession, type EmulatorState } from '../state';
import { synthesize } from '../synth';
import { mintArtifact } from './artifacts';
import { checkContentPart, isPart, mentionsFailure, resolveSkills } from './shared';

export const CHAT_MODELS = [
	'vlmrun-orion-1',
	'vlmrun-orion-1:lite',
	'vlmrun-orion-1:fast',
	'vlmrun-orion-1:auto',
	'vlmrun-orion-1:pro',
	'vlmrun-orion-2',
	'vlm-agent-1',
	'vlm-agent-1:pro',
	'vlm-agent-1:auto',
] as const;

const DEFAULT_MODEL = 'vlmrun-orion-1:auto';
const STREAM_PIECES = 4;
const STREAM_GAP_MS = 5;

type Message = ChatBody['messages'][number];

const textOf = (message: Message | undefined): string => {
	const content = message?.content;
	if (typeof content === 'string') return content;
	return (content ?? [])
		.filter((part) => part.type === 'text' && typeof part.text === 'string')
		.map((part) => part.text as string)
		.join(' ');
};

/** Validates every content part and returns the non-text part types of the last user message. */
function checkParts(state: EmulatorState, messages: Message[]): string[] {
	let lastFiles: string[] = [];
	messages.forEach((message, i) => {
		if (!Array.isArray(message.content)) return;
		const types = message.content.map((part, j) => {
			const loc = ['body', 'messages', i, 'content', j];
			if (!isPart(part)) throw missing([...loc, 'type']);
			return checkContentPart(state, part, loc).type;
		});
		if (message.role === 'user') lastFiles = types.filter((type) => type !== 'text');
	});
	return lastFiles;
}

/** Deterministic reply that echoes what the server received, so tests can assert on it. */
function replyText(session: ChatSession, said: string, files: string[]): string {
	const list = files.length > 0 ? files.join(', ') : 'none';
	let text = `You said: "${said}". Files: ${files.length} (${list}). Turn ${session.turns} of this session.`;
	if (session.turns > 1) text += ` Earlier you said: "${session.firstUserText}".`;
	return text;
}

function jsonContent(input: ChatBody, text: string, turn: number): string | null {
	const format = input.response_format;
	if (!format || format.type === 'text') return null;
	if (format.type === 'json_object') return JSON.stringify({ reply: text, turn });
	// Both the Fireworks style (schema at the top) and the OpenAI style (nested) are accepted.
	const schema = format.schema ?? format.json_schema?.schema;
	if (!schema) throw missing(['body', 'response_format', 'schema']);
	return JSON.stringify(synthesize(schema));
}

function pieces(content: string): string[] {
	const size = Math.max(1, Math.ceil(content.length / STREAM_PIECES));
	const out: string[] = [];
	for (let i = 0; i < content.length; i += size) out.push(content.slice(i, i + size));
	return out;
}

async function stream(
	res: ServerResponse,
	base: Record<string, unknown>,
	content: string,
	usage: unknown,
) {
	res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache' });
	const send = (choice: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
		res.write(
			`data: ${JSON.stringify({ ...base, choices: [{ index: 0, ...choice }], ...extra })}\n\n`,
		);
	send({ delta: { role: 'assistant', content: '' }, finish_reason: null });
	for (const piece of pieces(content)) {
		if (res.destroyed) return;
		await sleep(STREAM_GAP_MS);
		send({ delta: { content: piece }, finish_reason: null });
	}
	send({ delta: {}, finish_reason: 'stop' }, { usage });
	res.end('data: [DONE]\n\n');
}

export function registerChat(router: Router): void {
	router
		.get('/openai/models', () =>
			ok({
				object: 'list',
				data: CHAT_MODELS.map((id) => ({
					id,
					object: 'model',
					created: 1767225600,
					owned_by: 'vlm-run',
				})),
			}),
		)
		.post('/openai/chat/completions', async ({ app, res, body }) => {
			const input = validate(ChatSchema, body);
			const model = input.model ?? DEFAULT_MODEL;
			if (!(CHAT_MODELS as readonly string[]).includes(model))
				throw enumError(['body', 'model'], CHAT_MODELS);
			resolveSkills(app.state, input.skills, ['body', 'skills']);
			const files = checkParts(app.state, input.messages);
			const said = textOf(input.messages.filter((m) => m.role === 'user').pop());
			if (mentionsFailure(said)) throw new HttpError(500, 'Model crashed');

			const sessionId = input.session_id || newId();
			let session = app.state.sessions.get(sessionId);
			if (!session)
				app.state.sessions.set(
					sessionId,
					(session = { id: sessionId, turns: 0, firstUserText: said }),
				);
			session.turns += 1;
			let text = replyText(session, said, files);
			const json = jsonContent(input, text, session.turns);
			if (json === null && /image|generate/i.test(said)) {
				const artifact = mintArtifact(app.state, 'image');
				app.state.addArtifact(sessionId, artifact);
				text += ` Generated image: ${artifact.objectId}.`;
			}
			const content = json ?? text;
			app.state.counters.chats += 1;

			const promptChars = input.messages.reduce((n, m) => n + textOf(m).length, 0);
			const promptTokens = Math.ceil(promptChars / 4) + 1;
			const completionTokens = Math.ceil(content.length / 4);
			const usage = {
				prompt_tokens: promptTokens,
				completion_tokens: completionTokens,
				total_tokens: promptTokens + completionTokens,
				credits_used: 1 + files.length,
			};
			const base = {
				id: `chatcmpl-${hex(24)}`,
				object: input.stream ? 'chat.completion.chunk' : 'chat.completion',
				created: Math.floor(Date.now() / 1000),
				model,
				session_id: sessionId,
			};
			if (input.stream) {
				await stream(res, base, content, usage);
				return undefined;
			}
			return ok({
				...base,
				choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
				usage,
			});
		});
}

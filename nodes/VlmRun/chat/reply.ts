import { NodeApiError, NodeOperationError } from 'n8n-workflow';
import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import {
	artifactFailureNote,
	collectArtifactRefs,
	downloadArtifacts,
	summarizeArtifacts,
} from '../shared/artifacts';
import type { ByteStream } from '../shared/stream';
import { CompletionAssembler, SseDecoder } from './sse';

export type OutputFormat = 'text' | 'jsonObject' | 'jsonSchema';

export interface ReplyOptions {
	outputFormat: OutputFormat;
	/** The session the request named; VLM Run's answer normally repeats it or names a new one. */
	sessionId?: string;
	downloadArtifacts: boolean;
	includeCompletion: boolean;
	/** Attachments left out by Skip Unsupported Files. */
	skippedFiles?: IDataObject[];
}

/**
 * Reads a streamed answer, forwarding every text delta to n8n's response stream as it arrives
 * (begin, items, end: the protocol the Chat Trigger's chat window reads), and returns the
 * completion a non-streaming request would have returned.
 */
export async function readStreamedCompletion(
	ctx: IExecuteFunctions,
	itemIndex: number,
	body: ByteStream,
): Promise<IDataObject> {
	const decoder = new SseDecoder();
	const assembler = new CompletionAssembler(ctx.getNode(), itemIndex);
	let events = 0;
	const forward = (batch: string[]) => {
		for (const data of batch) {
			events++;
			const delta = assembler.apply(data);
			if (delta) ctx.sendChunk('item', itemIndex, delta);
		}
	};
	ctx.sendChunk('begin', itemIndex);
	for await (const part of body) {
		forward(decoder.push(part));
		if (assembler.done) break;
	}
	if (!assembler.done) forward(decoder.end());
	if (events === 0) {
		throw new NodeApiError(
			ctx.getNode(),
			{},
			{
				message: 'VLM Run closed the stream without sending an answer',
				description: 'Run the workflow again, or turn off Stream Answer in the options.',
				itemIndex,
			},
		);
	}
	ctx.sendChunk('end', itemIndex);
	return assembler.completion();
}

function answerText(completion: IDataObject): string {
	const choice = ((completion.choices as IDataObject[] | undefined) ?? [])[0];
	const content = (choice?.message as IDataObject | undefined)?.content;
	return typeof content === 'string' ? content : '';
}

function preview(text: string, length: number): string {
	const flat = text.replace(/\s+/g, ' ').trim();
	return flat.length > length ? `${flat.slice(0, length)}…` : flat;
}

/** Parses a JSON answer; models sometimes wrap it in a Markdown code fence, which is tolerated. */
export function parseJsonAnswer(ctx: IExecuteFunctions, itemIndex: number, text: string): unknown {
	const fenced = /^```(?:json)?\s*([\s\S]*?)\s*```$/i.exec(text.trim());
	try {
		return JSON.parse(fenced ? fenced[1] : text);
	} catch {
		throw new NodeOperationError(
			ctx.getNode(),
			`VLM Run's answer is not valid JSON: "${preview(text, 80) || '(empty)'}"`,
			{
				itemIndex,
				description: `The answer received was: ${text.slice(0, 2000) || '(empty)'}\n\nDescribe the JSON you want in the prompt as well, or set Output Format to Text.`,
			},
		);
	}
}

function usageOf(usage: unknown): IDataObject | null {
	if (!usage || typeof usage !== 'object') return null;
	const raw = usage as IDataObject;
	return {
		promptTokens: raw.prompt_tokens ?? null,
		completionTokens: raw.completion_tokens ?? null,
		totalTokens: raw.total_tokens ?? null,
		creditsUsed: raw.credits_used ?? raw.credits ?? null,
	};
}

/** Shapes a completion into the output item; artifacts the answer names become binary fields. */
export async function replyItem(
	ctx: IExecuteFunctions,
	itemIndex: number,
	completion: IDataObject,
	options: ReplyOptions,
): Promise<INodeExecutionData> {
	const text = answerText(completion);
	const answer =
		options.outputFormat === 'text' ? { text } : { json: parseJsonAnswer(ctx, itemIndex, text) };
	const sessionId =
		typeof completion.session_id === 'string' ? completion.session_id : (options.sessionId ?? null);
	const refs = collectArtifactRefs(text);
	const downloaded =
		options.downloadArtifacts && sessionId && refs.length > 0
			? await downloadArtifacts(ctx, refs, { sessionId }, itemIndex)
			: { binary: {}, failures: {} };
	const binary = downloaded.binary;
	const artifactError = artifactFailureNote(
		`Chat session ${String(sessionId)} answered`,
		downloaded,
	);
	const item: INodeExecutionData = {
		json: {
			...answer,
			sessionId,
			usage: usageOf(completion.usage),
			artifacts: summarizeArtifacts(refs, downloaded),
			...(artifactError ? { artifactError } : {}),
			...(options.skippedFiles?.length ? { skippedFiles: options.skippedFiles } : {}),
			...(options.includeCompletion ? { completion } : {}),
		} as IDataObject,
	};
	if (Object.keys(binary).length > 0) item.binary = binary;
	return item;
}

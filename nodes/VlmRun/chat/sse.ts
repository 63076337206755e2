import { NodeApiError } from 'n8n-workflow';
import type { IDataObject, INode, JsonObject } from 'n8n-workflow';

const LINE_BREAK = /\r\n|\r|\n/g;

/**
 * Splits a text/event-stream into the data payloads of its events, following the WHATWG
 * server-sent events rules: CR, LF or CRLF line ends, multi-line data joined by "\n",
 * comments and other fields ignored. Network chunks may cut lines and UTF-8 characters anywhere.
 */
export class SseDecoder {
	private readonly decoder = new TextDecoder();
	private buffer = '';
	private dataLines: string[] = [];

	/** Feeds one network chunk and returns the data of every event it completed. */
	push(chunk: Buffer | Uint8Array | string): string[] {
		this.buffer += typeof chunk === 'string' ? chunk : this.decoder.decode(chunk, { stream: true });
		return this.drain(false);
	}

	/** Flushes what is left when the stream closes; a last event without its blank line still counts. */
	end(): string[] {
		this.buffer += this.decoder.decode();
		const events = this.drain(true);
		if (this.buffer !== '') this.readLine(this.buffer, events);
		this.buffer = '';
		this.dispatch(events);
		return events;
	}

	private drain(final: boolean): string[] {
		const events: string[] = [];
		let start = 0;
		for (const match of this.buffer.matchAll(LINE_BREAK)) {
			const index = match.index ?? 0;
			// A CR at the very end may be the first half of a CRLF still in flight.
			if (!final && match[0] === '\r' && index === this.buffer.length - 1) break;
			this.readLine(this.buffer.slice(start, index), events);
			start = index + match[0].length;
		}
		this.buffer = this.buffer.slice(start);
		return events;
	}

	private readLine(line: string, events: string[]): void {
		if (line === '') {
			this.dispatch(events);
			return;
		}
		if (line.startsWith(':')) return;
		const colon = line.indexOf(':');
		const field = colon === -1 ? line : line.slice(0, colon);
		if (field !== 'data') return;
		const value = colon === -1 ? '' : line.slice(colon + 1);
		this.dataLines.push(value.startsWith(' ') ? value.slice(1) : value);
	}

	private dispatch(events: string[]): void {
		if (this.dataLines.length === 0) return;
		events.push(this.dataLines.join('\n'));
		this.dataLines = [];
	}
}

function errorText(error: unknown): string {
	if (typeof error === 'string') return error;
	const message = (error as { message?: unknown } | null)?.message;
	return typeof message === 'string' ? message : JSON.stringify(error);
}

/**
 * Rebuilds the chat.completion a non-streaming request would have returned from the
 * chat.completion.chunk events of a streamed one, so both paths produce the same item.
 */
export class CompletionAssembler {
	private content = '';
	private finishReason: unknown = null;
	private readonly fields: IDataObject = {};
	private usage: unknown = null;
	done = false;

	constructor(
		private readonly node: INode,
		private readonly itemIndex: number,
	) {}

	private streamError(body: JsonObject, message: string, description: string): NodeApiError {
		return new NodeApiError(this.node, body, { message, description, itemIndex: this.itemIndex });
	}

	/** Applies one event's data and returns the text it added to the answer ('' when none). */
	apply(data: string): string {
		if (data.trim() === '[DONE]') {
			this.done = true;
			return '';
		}
		let chunk: IDataObject;
		try {
			chunk = JSON.parse(data) as IDataObject;
		} catch {
			throw this.streamError(
				{ data: data.slice(0, 500) },
				'VLM Run sent a streamed answer this node cannot read',
				`An event of the stream is not JSON: ${data.slice(0, 200)}. Run again, or turn off Stream Answer in the options.`,
			);
		}
		if (chunk.error) {
			throw this.streamError(
				{ error: chunk.error } as JsonObject,
				`VLM Run stopped the answer: ${errorText(chunk.error)}`,
				'VLM Run reported a problem while writing the answer. Run the workflow again.',
			);
		}
		for (const key of ['id', 'created', 'model', 'session_id']) {
			if (this.fields[key] === undefined && chunk[key] !== undefined && chunk[key] !== null) {
				this.fields[key] = chunk[key];
			}
		}
		if (chunk.usage) this.usage = chunk.usage;
		const choice = ((chunk.choices as IDataObject[] | undefined) ?? [])[0];
		if (!choice) return '';
		if (choice.finish_reason) this.finishReason = choice.finish_reason;
		const delta = (choice.delta ?? {}) as IDataObject;
		if (typeof delta.content !== 'string') return '';
		this.content += delta.content;
		return delta.content;
	}

	completion(): IDataObject {
		return {
			id: this.fields.id ?? null,
			object: 'chat.completion',
			created: this.fields.created ?? null,
			model: this.fields.model ?? null,
			choices: [
				{
					index: 0,
					message: { role: 'assistant', content: this.content },
					finish_reason: this.finishReason,
				},
			],
			usage: this.usage as IDataObject | null,
			session_id: this.fields.session_id ?? null,
		};
	}
}

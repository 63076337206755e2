import { CompletionAssembler, SseDecoder } from '../../../nodes/VlmRun/chat/sse';
import { testNode } from '../fakeContext';

function decodeAll(chunks: Array<string | Buffer>): string[] {
	const decoder = new SseDecoder();
	return [...chunks.flatMap((chunk) => decoder.push(chunk)), ...decoder.end()];
}

const chunk = (content: string | undefined, extra: Record<string, unknown> = {}) =>
	JSON.stringify({
		id: 'chatcmpl-1',
		object: 'chat.completion.chunk',
		created: 1767225600,
		model: 'vlmrun-orion-1:auto',
		session_id: 's-1',
		choices: [{ index: 0, delta: content === undefined ? {} : { content }, finish_reason: null }],
		...extra,
	});

describe('SseDecoder', () => {
	it('returns the data of each event separated by a blank line', () => {
		expect(decodeAll(['data: one\n\ndata: two\n\n'])).toEqual(['one', 'two']);
	});

	it('joins multi-line data, ignores comments and other fields, strips one leading space only', () => {
		expect(
			decodeAll([': keep-alive\n', 'event: message\nid: 7\nretry: 10\ndata:  a\ndata:b\n\n']),
		).toEqual([' a\nb']);
	});

	it('accepts CRLF and CR line ends, also when a CRLF is split between chunks', () => {
		expect(decodeAll(['data: x\r', '\n\r', '\ndata: y\r\r'])).toEqual(['x', 'y']);
	});

	it('reassembles events and UTF-8 characters cut at any byte', () => {
		const bytes = Buffer.from('data: Grüße 👋\n\ndata: [DONE]\n\n', 'utf8');
		for (let cut = 1; cut < bytes.length; cut++) {
			expect(decodeAll([bytes.subarray(0, cut), bytes.subarray(cut)])).toEqual([
				'Grüße 👋',
				'[DONE]',
			]);
		}
		expect(decodeAll([...bytes].map((byte) => Buffer.from([byte])))).toEqual([
			'Grüße 👋',
			'[DONE]',
		]);
	});

	it('dispatches a last event whose blank line never came, and ignores events without data', () => {
		expect(decodeAll(['event: ping\n\n', 'data: last'])).toEqual(['last']);
	});
});

describe('CompletionAssembler', () => {
	it('returns each delta and rebuilds the chat.completion a non-streamed request returns', () => {
		const assembler = new CompletionAssembler(testNode, 0);
		const deltas = [
			chunk(undefined, {
				choices: [{ index: 0, delta: { role: 'assistant' }, finish_reason: null }],
			}),
			chunk('Hello'),
			chunk(', world'),
			chunk(undefined, {
				choices: [{ index: 0, delta: {}, finish_reason: 'stop' }],
				usage: { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5, credits_used: 1 },
			}),
			'[DONE]',
		].map((data) => assembler.apply(data));
		expect(deltas).toEqual(['', 'Hello', ', world', '', '']);
		expect(assembler.done).toBe(true);
		expect(assembler.completion()).toEqual({
			id: 'chatcmpl-1',
			object: 'chat.completion',
			created: 1767225600,
			model: 'vlmrun-orion-1:auto',
			choices: [
				{
					index: 0,
					message: { role: 'assistant', content: 'Hello, world' },
					finish_reason: 'stop',
				},
			],
			usage: { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5, credits_used: 1 },
			session_id: 's-1',
		});
	});

	it('keeps the session id of the first chunk that has one', () => {
		const assembler = new CompletionAssembler(testNode, 0);
		assembler.apply(chunk('a', { session_id: null }));
		assembler.apply(chunk('b', { session_id: 's-2' }));
		assembler.apply(chunk('c', { session_id: 's-3' }));
		expect(assembler.completion().session_id).toBe('s-2');
	});

	it('fails on an event that is not JSON, showing what arrived', () => {
		expect(() => new CompletionAssembler(testNode, 2).apply('<html>bad gateway</html>')).toThrow(
			expect.objectContaining({
				message: 'VLM Run sent a streamed answer this node cannot read',
				description: expect.stringContaining('<html>bad gateway</html>'),
				context: expect.objectContaining({ itemIndex: 2 }),
			}),
		);
	});

	it('fails on an error event with VLM Run’s message', () => {
		const assembler = new CompletionAssembler(testNode, 0);
		expect(() =>
			assembler.apply(JSON.stringify({ error: { message: 'model overloaded' } })),
		).toThrow('VLM Run stopped the answer: model overloaded');
		expect(() => assembler.apply(JSON.stringify({ error: 'quota' }))).toThrow(
			'VLM Run stopped the answer: quota',
		);
	});
});

import { ExecuteContext } from 'n8n-core';
import type { IDataObject, StructuredChunk } from 'n8n-workflow';

import { toSessionUuid } from '../../../nodes/VlmRun/chat/session';
import { createBinaryItem, readBinary } from '../harness';
import { fixture } from '../vlmrun';
import { CHAT_PATH, chatTriggerItem, useChat } from './chat';

const chat = useChat();

/** The text deltas the emulator put into its SSE response, read back from the recorded events. */
async function streamedDeltas(parameters: IDataObject, chatInput: string, sessionKey: string) {
	const response = await fetch(`${chat.emulator.baseUrl}${CHAT_PATH}`, {
		method: 'POST',
		headers: {
			Authorization: `Bearer ${chat.emulator.apiKey}`,
			'Content-Type': 'application/json',
		},
		body: JSON.stringify({
			messages: [{ role: 'user', content: chatInput }],
			session_id: toSessionUuid(sessionKey),
			stream: true,
			...parameters,
		}),
	});
	const text = await response.text();
	return text
		.split('\n\n')
		.map((event) => event.replace(/^data: /, ''))
		.filter((data) => data && data !== '[DONE]')
		.map(
			(data) =>
				(JSON.parse(data) as { choices: Array<{ delta: { content?: string } }> }).choices[0].delta
					.content,
		)
		.filter((content): content is string => Boolean(content));
}

const summary = (chunks: StructuredChunk[]) =>
	chunks.map((chunk) => [chunk.type, chunk.metadata.itemIndex, chunk.content]);

describe('Streaming', () => {
	it('forwards every streamed delta between begin and end, and outputs the same item as without streaming', async () => {
		const streamed = await chat.run({}, [chatTriggerItem('Describe the weather', 'stream-a')], {
			streaming: true,
		});
		const plain = await chat.run({}, [chatTriggerItem('Describe the weather', 'stream-b')]);

		const [streamBody, plainBody] = chat.chatBodies();
		expect(streamBody).toMatchObject({ stream: true, session_id: toSessionUuid('stream-a') });
		expect(plainBody).not.toHaveProperty('stream');

		const deltas = await streamedDeltas({}, 'Describe the weather', 'stream-c');
		expect(deltas.length).toBeGreaterThan(1);
		const chunks = streamed.chunks.filter((chunk) => chunk.metadata.nodeName === 'VLM Run Chat');
		expect(summary(chunks)).toEqual([
			['begin', 0, undefined],
			...deltas.map((delta) => ['item', 0, delta]),
			['end', 0, undefined],
		]);
		expect(deltas.join('')).toBe(streamed.items[0].json.text);

		expect(streamed.items[0].json.sessionId).toBe(toSessionUuid('stream-a'));
		expect(plain.items[0].json.sessionId).toBe(toSessionUuid('stream-b'));
		expect({ ...streamed.items[0], json: { ...streamed.items[0].json, sessionId: null } }).toEqual({
			...plain.items[0],
			json: { ...plain.items[0].json, sessionId: null },
		});
	});

	it('streams a JSON schema answer and parses the assembled text like a normal answer', async () => {
		const parameters = {
			outputFormat: 'jsonSchema',
			jsonSchema: '{"type":"object","properties":{"total":{"type":"number"}}}',
		};
		const streamed = await chat.run(parameters, [chatTriggerItem('Total?', 'json-a')], {
			streaming: true,
		});
		const plain = await chat.run(parameters, [chatTriggerItem('Total?', 'json-b')]);

		const forwarded = streamed.chunks
			.filter((chunk) => chunk.type === 'item')
			.map((chunk) => chunk.content)
			.join('');
		expect(JSON.parse(forwarded)).toEqual(streamed.items[0].json.json);
		expect(streamed.items[0].json.json).toEqual(plain.items[0].json.json);
		expect(streamed.items[0].json.usage).toEqual(plain.items[0].json.usage);
	});

	it('streams each item separately, tagged with its item index', async () => {
		const result = await chat.run(
			{ options: { maxConcurrency: 1 } },
			[chatTriggerItem('one', 'multi-1'), chatTriggerItem('two', 'multi-2')],
			{ streaming: true },
		);

		const text = (index: number) =>
			result.chunks
				.filter((chunk) => chunk.type === 'item' && chunk.metadata.itemIndex === index)
				.map((chunk) => chunk.content)
				.join('');
		expect(text(0)).toBe(result.items[0].json.text);
		expect(text(1)).toBe(result.items[1].json.text);
		expect(
			result.chunks
				.filter((chunk) => chunk.type === 'begin')
				.map((chunk) => chunk.metadata.itemIndex),
		).toEqual([0, 1]);
		expect(
			result.chunks
				.filter((chunk) => chunk.type === 'end')
				.map((chunk) => chunk.metadata.itemIndex),
		).toEqual([0, 1]);
	});

	it('downloads artifacts of a streamed answer and uploads files before streaming', async () => {
		const item = await createBinaryItem(
			{ data0: fixture('invoice-1.pdf') },
			chatTriggerItem('Generate an image of it', 'art-1').json,
		);
		const result = await chat.run({}, [item], { streaming: true });

		expect(chat.emulator.requests({ method: 'POST', path: '/files' })).toHaveLength(1);
		const artifacts = result.items[0].json.artifacts as IDataObject[];
		expect(artifacts).toEqual([
			expect.objectContaining({ downloaded: true, mimeType: 'image/png' }),
		]);
		expect((await readBinary(result.items[0], String(artifacts[0].ref))).length).toBeGreaterThan(0);
	});

	it('does not stream when Stream Answer is off, or when the workflow is not streaming', async () => {
		const off = await chat.run({ options: { stream: false } }, [chatTriggerItem('Hi', 'off-1')], {
			streaming: true,
		});
		const notStreaming = await chat.run({}, [chatTriggerItem('Hi', 'off-2')]);

		expect(off.chunks).toEqual([]);
		expect(notStreaming.chunks).toEqual([]);
		expect(chat.chatBodies().map((body) => body.stream)).toEqual([undefined, undefined]);
		expect(off.items[0].json.text).toContain('You said: "Hi"');
	});

	it('answers in one piece on n8n before 1.104, whose context has no isStreaming()', async () => {
		const base = Object.getPrototypeOf(ExecuteContext.prototype) as { isStreaming?: unknown };
		const isStreaming = base.isStreaming;
		delete base.isStreaming;
		try {
			const result = await chat.run({}, [chatTriggerItem('Hi', 'old-1')], { streaming: true });
			expect(result.chunks).toEqual([]);
			expect(chat.chatBodies().map((body) => body.stream)).toEqual([undefined]);
			expect(result.items[0].json.text).toContain('You said: "Hi"');
		} finally {
			base.isStreaming = isStreaming;
		}
	});

	it('maps an error answer to the stream request without sending chunks of its own', async () => {
		const result = await chat.run({}, [chatTriggerItem('Hi', 'err-1')], {
			streaming: true,
			credentials: chat.env.credentials('key-402'),
		});

		expect(result.nodeError('VLM Run Chat')).toMatchObject({
			message: 'The VLM Run account has no credits left',
			description: expect.stringContaining('VLM Run said: Insufficient credits'),
		});
		expect(result.chunks.map((chunk) => chunk.type)).toEqual(['error']);
	});

	it('never sends a streamed chat message twice', async () => {
		chat.emulator.injectFault({ method: 'POST', path: CHAT_PATH, status: 502, count: 3 });
		const result = await chat.run({}, [chatTriggerItem('Hi', 'err-2')], { streaming: true });

		expect(result.nodeError('VLM Run Chat')?.message).toBe(
			'VLM Run had a server problem (HTTP 502)',
		);
		expect(chat.emulator.requests({ method: 'POST', path: CHAT_PATH })).toHaveLength(1);
	});

	it('reports a connection that drops before the answer arrives, without sending again', async () => {
		chat.emulator.injectFault({ method: 'POST', path: CHAT_PATH, reset: true });
		const result = await chat.run({}, [chatTriggerItem('Hi', 'err-3')], { streaming: true });

		expect(result.nodeError('VLM Run Chat')?.message).toBe('Could not reach VLM Run');
		expect(chat.emulator.requests({ method: 'POST', path: CHAT_PATH })).toHaveLength(1);
	});
});

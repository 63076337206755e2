import { startEmulator, type Emulator } from './index';
import { call, upload } from './test-helpers';

const CHAT = '/openai/chat/completions';

async function streamChat(emu: Emulator, body: Record<string, unknown>) {
	const res = await fetch(`${emu.baseUrl}${CHAT}`, {
		method: 'POST',
		headers: { Authorization: `Bearer ${emu.apiKey}`, 'Content-Type': 'application/json' },
		body: JSON.stringify({ ...body, stream: true }),
	});
	const text = await res.text();
	const events = text
		.split('\n\n')
		.filter(Boolean)
		.map((event) => event.replace(/^data: /, ''));
	return { res, events };
}

describe('chat completions', () => {
	let emu: Emulator;
	beforeAll(async () => {
		emu = await startEmulator();
	});
	afterAll(() => emu.close());

	it('answers a plain chat with session_id, usage and a reply echoing the input', async () => {
		const res = await call(emu, 'POST', CHAT, {
			body: { model: 'vlmrun-orion-1:auto', messages: [{ role: 'user', content: 'Hello there' }] },
		});
		expect(res.status).toBe(200);
		expect(res.json).toMatchObject({
			object: 'chat.completion',
			model: 'vlmrun-orion-1:auto',
			session_id: expect.stringMatching(/^[0-9a-f-]{36}$/),
			choices: [{ index: 0, finish_reason: 'stop', message: { role: 'assistant' } }],
		});
		expect(res.json.choices[0].message.content).toBe(
			'You said: "Hello there". Files: 0 (none). Turn 1 of this session.',
		);
		const { usage } = res.json;
		expect(usage.total_tokens).toBe(usage.prompt_tokens + usage.completion_tokens);
		expect(usage.credits_used).toBeGreaterThan(0);
	});

	it('takes a UUID session_id and refuses any other (422), as the API keys sessions by UUID', async () => {
		const session = '0b6c3f1e-3c2a-4a8e-9a51-6f1d2e3c4b5a';
		const messages = [{ role: 'user', content: 'Hi' }];
		const kept = await call(emu, 'POST', CHAT, { body: { messages, session_id: session } });
		expect([kept.status, kept.json.session_id]).toEqual([200, session]);
		for (const sessionId of ['chat-42', 'n8n-session', '0b6c3f1e3c2a4a8e9a516f1d2e3c4b5a']) {
			const refused = await call(emu, 'POST', CHAT, { body: { messages, session_id: sessionId } });
			expect([refused.status, refused.json]).toEqual([
				422,
				{
					detail: [
						{ loc: ['body', 'session_id'], msg: 'value is not a valid uuid', type: 'value_error' },
					],
				},
			]);
		}
	});

	it('counts files by part type, validates file ids, and records the body', async () => {
		const file = await upload(emu, 'a.pdf');
		const content = [
			{ type: 'input_file', file_id: file.id },
			{ type: 'image_url', image_url: { url: 'https://x/a.jpg', detail: 'auto' } },
			{ type: 'text', text: 'What is in these?' },
		];
		const res = await call(emu, 'POST', CHAT, { body: { messages: [{ role: 'user', content }] } });
		expect(res.json.choices[0].message.content).toBe(
			'You said: "What is in these?". Files: 2 (input_file, image_url). Turn 1 of this session.',
		);
		expect(emu.requests({ path: CHAT }).slice(-1)[0].body).toMatchObject({
			messages: [{ role: 'user', content }],
		});
		const missing = await call(emu, 'POST', CHAT, {
			body: { messages: [{ role: 'user', content: [{ type: 'input_file', file_id: 'nope' }] }] },
		});
		expect(missing.status).toBe(404);
	});

	it('keeps per-session history', async () => {
		const first = (
			await call(emu, 'POST', CHAT, {
				body: { messages: [{ role: 'user', content: 'My name is Ada' }] },
			})
		).json;
		const second = await call(emu, 'POST', CHAT, {
			body: {
				session_id: first.session_id,
				messages: [{ role: 'user', content: 'What is my name?' }],
			},
		});
		expect(second.json.session_id).toBe(first.session_id);
		expect(second.json.choices[0].message.content).toBe(
			'You said: "What is my name?". Files: 0 (none). Turn 2 of this session. Earlier you said: "My name is Ada".',
		);
	});

	it.each([
		[
			'Fireworks style',
			(schema: object) => ({ type: 'json_schema', schema, strict: true, name: 'Invoice' }),
		],
		[
			'OpenAI style',
			(schema: object) => ({
				type: 'json_schema',
				json_schema: { name: 'Invoice', schema, strict: true },
			}),
		],
	])('returns JSON matching a %s schema', async (_label, format) => {
		const schema = {
			type: 'object',
			properties: { total: { type: 'number' }, tags: { type: 'array', items: { type: 'string' } } },
		};
		const res = await call(emu, 'POST', CHAT, {
			body: { messages: [{ role: 'user', content: 'Extract' }], response_format: format(schema) },
		});
		expect(JSON.parse(res.json.choices[0].message.content)).toEqual({
			total: expect.any(Number),
			tags: [expect.any(String)],
		});
	});

	it('returns a JSON object in json_object mode', async () => {
		const res = await call(emu, 'POST', CHAT, {
			body: {
				messages: [{ role: 'user', content: 'Hi' }],
				response_format: { type: 'json_object' },
			},
		});
		expect(JSON.parse(res.json.choices[0].message.content)).toMatchObject({
			reply: expect.stringContaining('You said: "Hi"'),
		});
	});

	it('streams chunks whose deltas concatenate to the non-streaming content', async () => {
		const messages = [{ role: 'user', content: 'Stream this please' }];
		const plain = (await call(emu, 'POST', CHAT, { body: { messages } })).json.choices[0].message
			.content;
		const { res, events } = await streamChat(emu, { messages });
		expect(res.headers.get('content-type')).toBe('text/event-stream');
		expect(events[events.length - 1]).toBe('[DONE]');
		const chunks = events.slice(0, -1).map((e) => JSON.parse(e));
		expect(chunks.length).toBeGreaterThan(3);
		const sessions = new Set(chunks.map((c) => c.session_id));
		expect(sessions.size).toBe(1);
		expect(chunks.every((c) => c.object === 'chat.completion.chunk')).toBe(true);
		expect(chunks.map((c) => c.choices[0].delta.content ?? '').join('')).toBe(plain);
		const last = chunks[chunks.length - 1];
		expect(last.choices[0].finish_reason).toBe('stop');
		expect(last.usage.credits_used).toBeGreaterThan(0);
	});

	it('streams JSON content too', async () => {
		const schema = { type: 'object', properties: { city: { type: 'string' } } };
		const { events } = await streamChat(emu, {
			messages: [{ role: 'user', content: 'x' }],
			response_format: { type: 'json_schema', schema },
		});
		const content = events
			.slice(0, -1)
			.map((e) => JSON.parse(e).choices[0].delta.content ?? '')
			.join('');
		expect(JSON.parse(content)).toEqual({ city: expect.any(String) });
	});

	it('mints an image artifact under the session when asked to generate an image', async () => {
		const res = (
			await call(emu, 'POST', CHAT, {
				body: { messages: [{ role: 'user', content: 'Generate an image of a cat' }] },
			})
		).json;
		const ref = /img_[0-9a-f]{6}/.exec(res.choices[0].message.content)?.[0];
		expect(ref).toBeDefined();
		const art = await fetch(
			`${emu.baseUrl}/artifacts?object_id=${ref}&session_id=${res.session_id}`,
			{ headers: { Authorization: `Bearer ${emu.apiKey}` } },
		);
		expect(art.headers.get('content-type')).toBe('image/png');
		expect(
			(await call(emu, 'GET', `/artifacts/list?session_id=${res.session_id}`)).json.items,
		).toHaveLength(1);
	});

	it('validates messages, model and toolsets', async () => {
		const none = await call(emu, 'POST', CHAT, { body: { model: 'vlmrun-orion-1' } });
		expect(none.json).toEqual({
			detail: [{ loc: ['body', 'messages'], msg: 'field required', type: 'value_error.missing' }],
		});
		const empty = await call(emu, 'POST', CHAT, { body: { messages: [] } });
		expect(empty.json.detail[0].type).toBe('value_error.list.min_items');
		const model = await call(emu, 'POST', CHAT, {
			body: { model: 'gpt-4', messages: [{ role: 'user', content: 'x' }] },
		});
		expect(model.json.detail[0].loc).toEqual(['body', 'model']);
		const toolsets = await call(emu, 'POST', CHAT, {
			body: { toolsets: ['bogus'], messages: [{ role: 'user', content: 'x' }] },
		});
		expect(toolsets.status).toBe(422);
	});

	it('crashes with 500 on the emulator-fail marker', async () => {
		const res = await call(emu, 'POST', CHAT, {
			body: { messages: [{ role: 'user', content: 'please emulator-fail' }] },
		});
		expect([res.status, res.json]).toEqual([500, { detail: 'Model crashed' }]);
	});

	it('serves guests without a key, but rejects a wrong key', async () => {
		const guest = await call(emu, 'POST', CHAT, {
			key: null,
			body: { messages: [{ role: 'user', content: 'hi' }] },
		});
		expect(guest.status).toBe(200);
		const wrong = await call(emu, 'POST', CHAT, {
			key: 'wrong',
			body: { messages: [{ role: 'user', content: 'hi' }] },
		});
		expect(wrong.status).toBe(401);
	});

	it('counts chats in jobsCreated', () => {
		expect(emu.jobsCreated().chats).toBeGreaterThan(5);
	});
});

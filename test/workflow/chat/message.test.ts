import type { IDataObject } from 'n8n-workflow';

import { toSessionUuid } from '../../../nodes/VlmRun/chat/session';
import { chatTriggerItem, useChat } from './chat';

const chat = useChat();
const SESSION = '6f9619ff-8b86-4d01-b42d-00cf4fc964ff';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('Message a Model', () => {
	it('answers a Chat Trigger message with the text, the session and the usage', async () => {
		const result = await chat.run({}, [chatTriggerItem('What is on this receipt?', SESSION)]);

		expect(result.status).toBe('success');
		expect(chat.chatBodies()).toEqual([
			{
				model: 'vlmrun-orion-1:auto',
				session_id: SESSION,
				messages: [{ role: 'user', content: 'What is on this receipt?' }],
			},
		]);
		expect(result.items).toHaveLength(1);
		expect(result.items[0].json).toEqual({
			text: 'You said: "What is on this receipt?". Files: 0 (none). Turn 1 of this session.',
			sessionId: SESSION,
			usage: {
				promptTokens: expect.any(Number),
				completionTokens: expect.any(Number),
				totalTokens: expect.any(Number),
				creditsUsed: 1,
			},
			artifacts: [],
		});
		expect(result.items[0].binary).toBeUndefined();
		expect(result.items[0].pairedItem).toEqual({ item: 0 });
	});

	it('keeps a conversation across messages of the same Chat Trigger session', async () => {
		const session = 'a3bb189e-8bf9-4888-9912-ace4e6543002';
		await chat.run({}, [chatTriggerItem('My name is Ada.', session)]);
		const second = await chat.run({}, [chatTriggerItem('What is my name?', session)]);

		expect(chat.chatBodies().map((body) => body.session_id)).toEqual([session, session]);
		expect(second.items[0].json.text).toBe(
			'You said: "What is my name?". Files: 0 (none). Turn 2 of this session. Earlier you said: "My name is Ada.".',
		);
		expect(second.items[0].json.sessionId).toBe(session);
	});

	it('maps a session key that is not a UUID to the same UUID on every run', async () => {
		const parameters = {
			promptSource: 'define',
			sessionId: '={{ $json.customer }}',
			messages: { message: [{ role: 'user', content: '={{ $json.question }}' }] },
		};
		await chat.run(parameters, [{ json: { customer: 'customer-42', question: 'Hello' } }]);
		const second = await chat.run(parameters, [
			{ json: { customer: 'customer-42', question: 'Again' } },
		]);

		const expected = toSessionUuid('customer-42');
		expect(expected).toMatch(UUID);
		expect(chat.chatBodies().map((body) => body.session_id)).toEqual([expected, expected]);
		expect(second.items[0].json).toMatchObject({
			sessionId: expected,
			text: expect.stringContaining('Turn 2 of this session'),
		});
	});

	it('sends defined messages in their order, without a session unless one is set', async () => {
		const result = await chat.run({
			promptSource: 'define',
			messages: {
				message: [
					{ role: 'system', content: 'Answer in one word.' },
					{ role: 'user', content: 'Capital of France?' },
					{ role: 'assistant', content: 'Paris.' },
					{ role: 'user', content: 'And of Italy?' },
				],
			},
		});

		const [body] = chat.chatBodies();
		expect(body).not.toHaveProperty('session_id');
		expect(body.messages).toEqual([
			{ role: 'system', content: 'Answer in one word.' },
			{ role: 'user', content: 'Capital of France?' },
			{ role: 'assistant', content: 'Paris.' },
			{ role: 'user', content: 'And of Italy?' },
		]);
		expect(result.items[0].json.text).toContain('You said: "And of Italy?"');
		expect(result.items[0].json.sessionId).toMatch(UUID);
	});

	it('sends the model, system message, skills, toolsets, temperature and maximum tokens', async () => {
		await chat.run(
			{
				model: 'custom',
				customModel: 'vlmrun-orion-1:pro',
				skills: {
					skill: [
						{ skill: { __rl: true, mode: 'list', value: 'invoice-extraction' }, version: 'latest' },
						{
							skill: { __rl: true, mode: 'name', value: 'receipt-extraction' },
							version: '20260219-0c0ffee1',
						},
					],
				},
				toolsets: ['core', 'document'],
				options: { systemMessage: 'You read invoices.', temperature: 0.3, maxTokens: 512 },
			},
			[chatTriggerItem('Total?', SESSION)],
		);

		expect(chat.chatBodies()[0]).toEqual({
			model: 'vlmrun-orion-1:pro',
			session_id: SESSION,
			messages: [
				{ role: 'system', content: 'You read invoices.' },
				{ role: 'user', content: 'Total?' },
			],
			skills: [
				{ type: 'skill_reference', skill_name: 'invoice-extraction', skill_version: 'latest' },
				{
					type: 'skill_reference',
					skill_name: 'receipt-extraction',
					skill_version: '20260219-0c0ffee1',
				},
			],
			toolsets: ['core', 'document'],
			temperature: 0.3,
			max_tokens: 512,
		});
	});

	it('answers every item with its own request, in input order', async () => {
		const result = await chat.run({}, [
			chatTriggerItem('first', '11111111-1111-4111-8111-111111111111'),
			chatTriggerItem('second', '22222222-2222-4222-8222-222222222222'),
			chatTriggerItem('third', '33333333-3333-4333-8333-333333333333'),
		]);

		expect(chat.chatBodies()).toHaveLength(3);
		expect(result.items.map((item) => item.json.sessionId)).toEqual([
			'11111111-1111-4111-8111-111111111111',
			'22222222-2222-4222-8222-222222222222',
			'33333333-3333-4333-8333-333333333333',
		]);
		expect(result.items.map((item) => item.json.text)).toEqual([
			expect.stringContaining('"first"'),
			expect.stringContaining('"second"'),
			expect.stringContaining('"third"'),
		]);
		expect(result.items.map((item) => item.pairedItem)).toEqual([
			{ item: 0 },
			{ item: 1 },
			{ item: 2 },
		]);
	});

	it('adds the raw completion on request', async () => {
		const result = await chat.run({ options: { includeCompletion: true } }, [
			chatTriggerItem('Hi', SESSION),
		]);

		const completion = result.items[0].json.completion as IDataObject;
		expect(completion).toMatchObject({
			object: 'chat.completion',
			model: 'vlmrun-orion-1:auto',
			session_id: SESSION,
			choices: [
				{
					index: 0,
					message: { role: 'assistant', content: result.items[0].json.text },
					finish_reason: 'stop',
				},
			],
		});
		expect((completion.usage as IDataObject).credits_used).toBe(1);
	});
});

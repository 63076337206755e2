import type { IDataObject } from 'n8n-workflow';

import { CHAT_PATH, chatTriggerItem, useChat } from './chat';

const chat = useChat();
const SESSION = '5e1f3c7a-9b2d-4f6e-8a0c-1d3e5f7a9b2c';
const INVOICE_SCHEMA = {
	type: 'object',
	properties: { invoice_id: { type: 'string' }, total: { type: 'number' } },
	required: ['invoice_id', 'total'],
};

/** Makes the emulator answer the next chat request with this content. */
function answerWith(content: string) {
	chat.emulator.injectFault({
		method: 'POST',
		path: CHAT_PATH,
		status: 200,
		body: {
			id: 'chatcmpl-scripted',
			object: 'chat.completion',
			created: 1767225600,
			model: 'vlmrun-orion-1:auto',
			choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
			usage: null,
			session_id: SESSION,
		},
	});
}

describe('Output format', () => {
	it('JSON object: asks for json_object and parses the answer', async () => {
		const result = await chat.run({ outputFormat: 'jsonObject' }, [
			chatTriggerItem('Reply as JSON', SESSION),
		]);

		expect(chat.chatBodies()[0].response_format).toEqual({ type: 'json_object' });
		const json = result.items[0].json;
		expect(json).not.toHaveProperty('text');
		expect(json.json).toEqual({
			reply: expect.stringContaining('You said: "Reply as JSON"'),
			turn: 1,
		});
		expect(json.sessionId).toBe(SESSION);
	});

	it('JSON schema from the editor: sends it Fireworks-style and parses the answer', async () => {
		const result = await chat.run(
			{ outputFormat: 'jsonSchema', jsonSchema: JSON.stringify(INVOICE_SCHEMA) },
			[chatTriggerItem('Extract the invoice', SESSION)],
		);

		expect(chat.chatBodies()[0].response_format).toEqual({
			type: 'json_schema',
			schema: INVOICE_SCHEMA,
		});
		const answer = result.items[0].json.json as IDataObject;
		expect(typeof answer.invoice_id).toBe('string');
		expect(typeof answer.total).toBe('number');
	});

	it('JSON schema from the Fields builder', async () => {
		const result = await chat.run(
			{
				outputFormat: 'jsonSchema',
				schemaSource: 'fields',
				fields: {
					field: [
						{ name: 'merchant', type: 'string', required: true },
						{ name: 'items', type: 'stringArray' },
					],
				},
			},
			[chatTriggerItem('Read the receipt', SESSION)],
		);

		expect(chat.chatBodies()[0].response_format).toEqual({
			type: 'json_schema',
			schema: {
				type: 'object',
				properties: {
					merchant: { type: 'string' },
					items: { type: 'array', items: { type: 'string' } },
				},
				required: ['merchant'],
			},
		});
		expect(result.items[0].json.json).toEqual({
			merchant: expect.any(String),
			items: expect.any(Array),
		});
	});

	it('accepts JSON wrapped in a Markdown code fence', async () => {
		answerWith('```json\n{"total": 12.5}\n```');
		const result = await chat.run({ outputFormat: 'jsonObject' }, [
			chatTriggerItem('Total?', SESSION),
		]);

		expect(result.items[0].json).toEqual({
			json: { total: 12.5 },
			sessionId: SESSION,
			usage: null,
			artifacts: [],
		});
	});

	it('fails on an answer that is not JSON and shows the text received', async () => {
		answerWith('Sorry, I can only describe the image: a receipt from a coffee shop.');
		const result = await chat.run(
			{ outputFormat: 'jsonSchema', jsonSchema: JSON.stringify(INVOICE_SCHEMA) },
			[chatTriggerItem('Extract', SESSION)],
		);

		expect(result.status).toBe('error');
		const error = result.nodeError('VLM Run Chat');
		expect(error?.message).toBe(
			'VLM Run\'s answer is not valid JSON: "Sorry, I can only describe the image: a receipt from a coffee shop."',
		);
		expect(error?.description).toContain(
			'The answer received was: Sorry, I can only describe the image: a receipt from a coffee shop.',
		);
		expect(chat.chatBodies()).toHaveLength(1);
	});
});

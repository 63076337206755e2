import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { createBinaryItem } from '../harness';
import { fixture } from '../vlmrun';
import { CHAT_PATH, chatTriggerItem, useChat } from './chat';

const chat = useChat();
const SESSION = '9d8c7b6a-5f4e-4d3c-8b2a-1f0e9d8c7b6a';
const define = (message: IDataObject[]) => ({ promptSource: 'define', messages: { message } });

describe('Bad input is rejected before anything is sent', () => {
	const cases: Array<[string, IDataObject, INodeExecutionData[], string, string]> = [
		[
			'an empty chat message',
			{},
			[chatTriggerItem('', SESSION)],
			'The chat message is empty',
			'Connect a Chat Trigger',
		],
		[
			'an item without chatInput',
			{},
			[{ json: { text: 'hi' } }],
			'The item has no chat message (chatInput)',
			'Define Below',
		],
		[
			'no messages',
			define([]),
			[{ json: {} }],
			'No messages to send',
			'Add at least one User message',
		],
		[
			'an empty message',
			define([{ role: 'user', content: '  ' }]),
			[{ json: {} }],
			'Message 1 is empty',
			'Write a text',
		],
		[
			'no user message',
			define([{ role: 'system', content: 'Be brief.' }]),
			[{ json: {} }],
			'There is no User message',
			'role User',
		],
		[
			'a schema that is not JSON',
			{ outputFormat: 'jsonSchema', jsonSchema: '{"type": "object", ' },
			[chatTriggerItem('x', SESSION)],
			'The parameter "JSON Schema" is not valid JSON',
			'Paste a JSON schema object',
		],
		[
			'a schema that is not a schema',
			{ outputFormat: 'jsonSchema', jsonSchema: '{"type": "thing"}' },
			[chatTriggerItem('x', SESSION)],
			'The parameter "JSON Schema" is not a usable JSON schema',
			'VLM Run needs a JSON schema object',
		],
		[
			'a file URL that is not http(s)',
			{ urls: { url: [{ type: 'file_url', url: 'file:///etc/passwd' }] } },
			[chatTriggerItem('x', SESSION)],
			'File URL 1 "file:///etc/passwd" is not an http(s) URL',
			'public http:// or https:// links only',
		],
		[
			'an empty file URL',
			{
				urls: {
					url: [
						{ type: 'image_url', url: 'https://example.com/a.png' },
						{ type: 'image_url', url: '' },
					],
				},
			},
			[chatTriggerItem('x', SESSION)],
			'File URL 2 is empty',
			'public http:// or https:// links only',
		],
		[
			'an empty custom model',
			{ model: 'custom', customModel: ' ' },
			[chatTriggerItem('x', SESSION)],
			'The parameter "Model ID" is empty',
			'vlmrun-orion-1:auto',
		],
		[
			'a skill row without a skill',
			{ skills: { skill: [{ skill: { __rl: true, mode: 'list', value: '' } }] } },
			[chatTriggerItem('x', SESSION)],
			'Skill 1 has no name',
			'Pick a skill from the list',
		],
	];

	it.each(cases)('%s', async (_name, parameters, items, message, fix) => {
		const result = await chat.run(parameters, items);

		expect(result.status).toBe('error');
		const error = result.nodeError('VLM Run Chat');
		expect(error?.message).toBe(message);
		expect(error?.description).toContain(fix);
		expect(chat.emulator.requests()).toHaveLength(0);
	});

	it('a missing binary field', async () => {
		const item = await createBinaryItem(
			{ data: fixture('receipt.png') },
			chatTriggerItem('x', SESSION).json,
		);
		const result = await chat.run({ binarySelection: 'fields', binaryPropertyName: 'photo' }, [
			item,
		]);

		expect(result.nodeError('VLM Run Chat')?.message).toBe('The item has no binary field "photo"');
		expect(chat.emulator.requests()).toHaveLength(0);
	});

	it('checks every item before the first request', async () => {
		const result = await chat.run({}, [
			chatTriggerItem('fine', SESSION),
			chatTriggerItem('', SESSION),
		]);

		expect(result.nodeError('VLM Run Chat')?.message).toBe('The chat message is empty');
		expect(chat.emulator.requests()).toHaveLength(0);
	});

	it('with continue on fail, answers the valid items and outputs the error for the bad one', async () => {
		const result = await chat.run(
			{},
			[chatTriggerItem('fine', SESSION), chatTriggerItem('', SESSION)],
			{
				node: { onError: 'continueRegularOutput' },
			},
		);

		expect(chat.chatBodies()).toHaveLength(1);
		expect(result.items[0].json.text).toContain('"fine"');
		expect(result.items[1].json.error).toBe('The chat message is empty');
		expect(result.items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
	});
});

describe('API errors', () => {
	it('names a skill that does not exist before sending the message', async () => {
		const item = await createBinaryItem(
			{ data: fixture('contract.pdf') },
			chatTriggerItem('x', SESSION).json,
		);
		const result = await chat.run(
			{ skills: { skill: [{ skill: { __rl: true, mode: 'name', value: 'no-such-skill' } }] } },
			[item],
		);

		expect(result.nodeError('VLM Run Chat')?.message).toBe(
			'The skill "no-such-skill" does not exist on VLM Run',
		);
		expect(chat.emulator.requests({ method: 'POST', path: '/skills/lookup' })).toHaveLength(1);
		expect(chat.emulator.requests({ method: 'POST', path: '/files' })).toHaveLength(0);
		expect(chat.chatBodies()).toHaveLength(0);
	});

	it('maps an answer of the API to a message and a fix', async () => {
		const result = await chat.run({}, [chatTriggerItem('Hi', SESSION)], {
			credentials: chat.env.credentials('key-402'),
		});

		const error = result.nodeError('VLM Run Chat');
		expect(error?.message).toBe('The VLM Run account has no credits left');
		expect(error?.description).toContain('VLM Run said: Insufficient credits');
	});

	it('never sends a chat message twice, even after a server error', async () => {
		chat.emulator.injectFault({ method: 'POST', path: CHAT_PATH, status: 503, count: 3 });
		const result = await chat.run({}, [chatTriggerItem('Hi', SESSION)]);

		expect(result.nodeError('VLM Run Chat')?.message).toBe(
			'VLM Run had a server problem (HTTP 503)',
		);
		expect(chat.emulator.requests({ method: 'POST', path: CHAT_PATH })).toHaveLength(1);
	});
});

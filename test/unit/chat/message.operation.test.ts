import { operations } from '../../../nodes/VlmRun/chat';
import { failOperation, fileItem, runOperation } from '../fakeContext';

const message = {
	resource: 'chat',
	operation: 'message',
	model: 'vlmrun-orion-1:auto',
	promptSource: 'define',
	messages: { message: [{ role: 'user', content: 'What is the total?' }] },
};
const completion = (content: string) => ({
	id: 'chatcmpl-1',
	session_id: '9f1c1c3e-6c2b-4f39-9a8e-0a4c1d7e2b11',
	choices: [{ index: 0, message: { role: 'assistant', content } }],
	usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15, credits_used: 1 },
});

describe('Chat → Message a Model', () => {
	test('JSON Object with a small image: the image inline before the text, the answer parsed', async () => {
		const png = 'png-bytes';
		const { output, sent } = await runOperation(operations, {
			parameters: { ...message, outputFormat: 'jsonObject', binarySelection: 'all' },
			items: [fileItem('receipt.png', 'image/png', png)],
			api: {
				'POST /openai/chat/completions': { statusCode: 200, body: completion('{"total": 42}') },
			},
		});
		expect(sent).toEqual([
			{
				method: 'POST',
				path: '/openai/chat/completions',
				qs: undefined,
				body: {
					model: 'vlmrun-orion-1:auto',
					response_format: { type: 'json_object' },
					messages: [
						{
							role: 'user',
							content: [
								{
									type: 'image_url',
									image_url: {
										url: `data:image/png;base64,${Buffer.from(png).toString('base64')}`,
									},
								},
								{ type: 'text', text: 'What is the total?' },
							],
						},
					],
				},
			},
		]);
		expect(output).toEqual([
			{
				json: {
					json: { total: 42 },
					sessionId: '9f1c1c3e-6c2b-4f39-9a8e-0a4c1d7e2b11',
					usage: { promptTokens: 10, completionTokens: 5, totalTokens: 15, creditsUsed: 1 },
					artifacts: [],
				},
				pairedItem: { item: 0 },
			},
		]);
	});

	test('a PDF is uploaded first and sent as a file part; each item gets its own answer', async () => {
		const { output, sent } = await runOperation(operations, {
			parameters: { ...message, outputFormat: 'text', binarySelection: 'all' },
			items: [
				fileItem('a.pdf', 'application/pdf', '%PDF-a'),
				fileItem('b.pdf', 'application/pdf', '%PDF-b'),
			],
			api: {
				'POST /files': [
					{ statusCode: 200, body: { id: 'file-a' } },
					{ statusCode: 200, body: { id: 'file-b' } },
				],
				'POST /openai/chat/completions': [
					{ statusCode: 200, body: completion('first') },
					{ statusCode: 200, body: completion('second') },
				],
			},
		});
		const chats = sent.filter((request) => request.path === '/openai/chat/completions');
		expect(chats).toHaveLength(2);
		const fileParts = chats.map(
			(request) =>
				(request.body as { messages: Array<{ content: unknown[] }> }).messages[0].content[0],
		);
		expect(fileParts).toEqual(
			expect.arrayContaining([
				{ type: 'input_file', file_id: 'file-a' },
				{ type: 'input_file', file_id: 'file-b' },
			]),
		);
		expect(output.map(({ json }) => json.text).sort()).toEqual(['first', 'second']);
		expect(output.map(({ pairedItem }) => pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
	});

	test('an empty message fails before any request', async () => {
		const { error, sent } = await failOperation(operations, {
			parameters: { ...message, messages: { message: [{ role: 'user', content: ' ' }] } },
		});
		expect(error.message).toContain('Message 1 is empty');
		expect(sent).toEqual([]);
	});

	test('an answer that is not JSON when JSON was asked for fails, quoting it', async () => {
		const { error } = await failOperation(operations, {
			parameters: { ...message, outputFormat: 'jsonObject' },
			api: {
				'POST /openai/chat/completions': { statusCode: 200, body: completion('no json here') },
			},
		});
		expect(error.message).toContain('"no json here"');
	});
});

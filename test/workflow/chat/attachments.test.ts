import type { IDataObject } from 'n8n-workflow';

import { INLINE_IMAGE_LIMIT } from '../../../nodes/VlmRun/chat/content';
import { createBinaryItem } from '../harness';
import { fixture } from '../vlmrun';
import { chatTriggerItem, useChat } from './chat';

const chat = useChat();
const SESSION = '0b7f3a2e-5d1c-4e8f-9a6b-2c4d6e8f0a1b';

const userContent = () => {
	const messages = chat.chatBodies()[0].messages as IDataObject[];
	return messages.filter((message) => message.role === 'user').pop()?.content;
};

const uploads = () => chat.emulator.requests({ method: 'POST', path: '/files' });

/** The id the emulator gave each uploaded file, by file name. */
async function fileIds(): Promise<Record<string, string>> {
	const response = await fetch(`${chat.emulator.baseUrl}/files?limit=1000`, {
		headers: { Authorization: `Bearer ${chat.emulator.apiKey}` },
	});
	const files = (await response.json()) as Array<{ id: string; filename: string }>;
	return Object.fromEntries(files.map((file) => [file.filename, file.id]));
}

describe('Attachments', () => {
	it('sends the files a chat user uploaded: a small image inline, a PDF uploaded, before the text', async () => {
		const item = await createBinaryItem(
			{ data0: fixture('receipt.png'), data1: fixture('invoice-1.pdf') },
			chatTriggerItem('Do these match?', SESSION).json,
		);
		const result = await chat.run({}, [item]);

		expect(result.status).toBe('success');
		expect(uploads()).toHaveLength(1);
		const ids = await fileIds();
		const png = fixture('receipt.png').data as Buffer;
		expect(userContent()).toEqual([
			{ type: 'image_url', image_url: { url: `data:image/png;base64,${png.toString('base64')}` } },
			{ type: 'input_file', file_id: ids['invoice-1.pdf'] },
			{ type: 'text', text: 'Do these match?' },
		]);
		expect(result.items[0].json.text).toContain('Files: 2 (image_url, input_file)');
		expect(result.items[0].json.usage).toMatchObject({ creditsUsed: 3 });
	});

	it('uploads audio, and images too large to send inline', async () => {
		const bigImage = {
			data: Buffer.alloc(INLINE_IMAGE_LIMIT + 1, 7),
			fileName: 'scan.png',
			mimeType: 'image/png',
		};
		const item = await createBinaryItem(
			{ data0: fixture('memo.mp3'), data1: bigImage },
			chatTriggerItem('Summarise', SESSION).json,
		);
		await chat.run({}, [item]);

		const ids = await fileIds();
		expect(uploads()).toHaveLength(2);
		expect(userContent()).toEqual([
			{ type: 'input_file', file_id: ids['memo.mp3'] },
			{ type: 'input_file', file_id: ids['scan.png'] },
			{ type: 'text', text: 'Summarise' },
		]);
	});

	it('sends a file the chat user uploaded without any text', async () => {
		const item = await createBinaryItem(
			{ data0: fixture('id-card.png') },
			chatTriggerItem('', SESSION).json,
		);
		const result = await chat.run({}, [item]);

		expect(result.status).toBe('success');
		expect(userContent()).toEqual([
			{ type: 'image_url', image_url: { url: expect.stringMatching(/^data:image\/png;base64,/) } },
		]);
	});

	it('sends only the selected binary fields, and none by default for defined messages', async () => {
		const item = await createBinaryItem({
			photo: fixture('receipt.png'),
			other: fixture('contract.pdf'),
		});
		const messages = { message: [{ role: 'user', content: 'Read it' }] };
		await chat.run({ promptSource: 'define', messages }, [item]);
		expect(userContent()).toBe('Read it');

		chat.emulator.clearRequests();
		await chat.run(
			{ promptSource: 'define', messages, binarySelection: 'fields', binaryPropertyName: 'photo' },
			[item],
		);
		expect(uploads()).toHaveLength(0);
		expect(userContent()).toEqual([
			{ type: 'image_url', image_url: { url: expect.stringMatching(/^data:image\/png;base64,/) } },
			{ type: 'text', text: 'Read it' },
		]);
	});

	it('puts attachments on the last user message of a defined conversation', async () => {
		const item = await createBinaryItem({ data: fixture('contract.pdf') });
		await chat.run(
			{
				promptSource: 'define',
				binarySelection: 'all',
				messages: {
					message: [
						{ role: 'user', content: 'I will send a contract.' },
						{ role: 'assistant', content: 'Ready.' },
						{ role: 'user', content: 'Here it is. Who signs?' },
					],
				},
			},
			[item],
		);

		const messages = chat.chatBodies()[0].messages as IDataObject[];
		expect(messages[0]).toEqual({ role: 'user', content: 'I will send a contract.' });
		expect(messages[2].content).toEqual([
			{ type: 'input_file', file_id: (await fileIds())['contract.pdf'] },
			{ type: 'text', text: 'Here it is. Who signs?' },
		]);
	});

	it('sends URL parts of every kind', async () => {
		const result = await chat.run(
			{
				urls: {
					url: [
						{ type: 'image_url', url: 'https://example.com/a.jpg' },
						{ type: 'video_url', url: 'https://example.com/b.mp4' },
						{ type: 'audio_url', url: 'http://example.com/c.mp3' },
						{ type: 'file_url', url: 'https://example.com/d.pdf' },
					],
				},
			},
			[chatTriggerItem('Compare them', SESSION)],
		);

		expect(userContent()).toEqual([
			{ type: 'image_url', image_url: { url: 'https://example.com/a.jpg' } },
			{ type: 'video_url', video_url: { url: 'https://example.com/b.mp4' } },
			{ type: 'audio_url', audio_url: { url: 'http://example.com/c.mp3' } },
			{ type: 'file_url', file_url: { url: 'https://example.com/d.pdf' } },
			{ type: 'text', text: 'Compare them' },
		]);
		expect(result.items[0].json.text).toContain(
			'Files: 4 (image_url, video_url, audio_url, file_url)',
		);
	});
});

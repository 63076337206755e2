// Chat: n8n's hosted chat (Chat Trigger, public, file uploads, streaming responses) answered by the
// VLM Run Chat node against the emulator. A message with two files is posted to the chat webhook
// the way the chat page posts it (multipart, NDJSON stream back); a second message in the same
// session sees the first. Run through test/e2e/run.mjs.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

import {
	PACKAGE,
	REPO_ROOT,
	createN8n,
	importCredentials,
	importWorkflow,
	nodeOutput,
	packageLoadErrors,
	publishWorkflow,
	startEmulator,
	startServer,
} from './n8n.mjs';

const CHAT_NODE = `${PACKAGE.name}.vlmRunChat`;
const WEBHOOK_ID = '7d3c0f5e-2b8a-4c61-9e4d-5a1b2c3d4e5f';
const CHAT_URL = `/webhook/${WEBHOOK_ID}/chat`;
const CHAT_PATH = '/openai/chat/completions';

function chatWorkflow(credential) {
	return {
		name: 'chat: hosted chat → VLM Run Chat',
		nodes: [
			{
				id: 'c4a7e001-0000-4000-8000-000000000001',
				name: 'When chat message received',
				type: '@n8n/n8n-nodes-langchain.chatTrigger',
				typeVersion: 1.4,
				position: [0, 0],
				webhookId: WEBHOOK_ID,
				parameters: {
					public: true,
					mode: 'hostedChat',
					options: { allowFileUploads: true, responseMode: 'streaming' },
				},
			},
			{
				id: 'c4a7e001-0000-4000-8000-000000000002',
				name: 'VLM Run Chat',
				type: CHAT_NODE,
				typeVersion: 1,
				position: [220, 0],
				parameters: { resource: 'chat', operation: 'message' },
				credentials: { vlmRunApi: { id: credential.id, name: credential.name } },
			},
		],
		connections: {
			'When chat message received': { main: [[{ node: 'VLM Run Chat', type: 'main', index: 0 }]] },
		},
	};
}

/** Reads n8n's streamed webhook answer: one JSON chunk per line ({ type, content, metadata }). */
async function readChunks(response) {
	const text = await response.text();
	return text
		.split('\n')
		.filter((line) => line.trim())
		.map((line) => JSON.parse(line));
}

function answerOf(chunks) {
	return chunks
		.filter((chunk) => chunk.type === 'item' && chunk.metadata?.nodeName === 'VLM Run Chat')
		.map((chunk) => chunk.content)
		.join('');
}

describe('chat', { timeout: 300_000 }, () => {
	let emulator;
	let n8n;
	let server;
	let workflowId;

	before(async () => {
		emulator = await startEmulator();
		n8n = await createN8n();
		const credential = { id: 'vlmCredChat00001', name: 'VLM Run (emulator)', type: 'vlmRunApi' };
		await importCredentials(n8n, [
			{ ...credential, data: { apiKey: emulator.apiKey, baseUrl: emulator.baseUrl } },
		]);
		workflowId = await importWorkflow(n8n, chatWorkflow(credential));
		await publishWorkflow(n8n, workflowId);
		server = await startServer(n8n);
	});

	after(async () => {
		await server?.stop();
		await emulator?.close();
	});

	test('the editor offers the node, and its AI-tool variant', async () => {
		const { nodes } = await server.nodeTypes();
		assert.ok(
			nodes.some((node) => node.name === CHAT_NODE),
			`${CHAT_NODE} is listed`,
		);
		assert.ok(
			nodes.some((node) => node.name === `${CHAT_NODE}Tool`),
			'usableAsTool gives a tool variant',
		);
	});

	test('the hosted chat streams the answer to a message with files, and a second message sees the first', async () => {
		assert.deepEqual(packageLoadErrors(server.logs()), []);
		const sessionId = randomUUID();
		const receipt = await readFile(join(REPO_ROOT, 'test', 'fixtures', 'receipt.png'));
		const invoice = await readFile(join(REPO_ROOT, 'test', 'fixtures', 'invoice-1.pdf'));
		const form = new FormData();
		form.append('action', 'sendMessage');
		form.append('sessionId', sessionId);
		form.append('chatInput', 'Does the receipt match the invoice?');
		form.append('files', new Blob([receipt], { type: 'image/png' }), 'receipt.png');
		form.append('files', new Blob([invoice], { type: 'application/pdf' }), 'invoice-1.pdf');

		const first = await server.callWebhook(CHAT_URL, {
			method: 'POST',
			body: form,
			headers: { accept: 'text/plain' },
		});
		assert.equal(first.status, 200, `chat webhook answered ${first.status}`);
		const chunks = await readChunks(first);
		const own = chunks.filter((chunk) => chunk.metadata?.nodeName === 'VLM Run Chat');
		assert.equal(own[0]?.type, 'begin', JSON.stringify(chunks));
		assert.equal(own.at(-1)?.type, 'end', JSON.stringify(chunks));
		assert.ok(
			own.filter((chunk) => chunk.type === 'item').length > 1,
			'the answer arrived in several pieces',
		);
		const answer = answerOf(chunks);
		// n8n's Chat Trigger stores uploaded files in the order its multipart parser finishes them,
		// which varies, so the two parts may come in either order.
		assert.match(
			answer,
			/^You said: "Does the receipt match the invoice\?"\. Files: 2 \((image_url, input_file|input_file, image_url)\)\. Turn 1 of this session\.$/,
		);

		const uploads = emulator.requests({ method: 'POST', path: '/files' });
		assert.equal(uploads.length, 1, 'the PDF was uploaded, the small image went inline');
		const [request] = emulator.requests({ method: 'POST', path: CHAT_PATH });
		assert.equal(request.body.stream, true);
		assert.equal(request.body.session_id, sessionId);
		const content = request.body.messages.at(-1).content;
		assert.deepEqual(content.map((part) => part.type).sort(), ['image_url', 'input_file', 'text']);
		assert.equal(content.at(-1).type, 'text', 'the files come before the question');
		const image = content.find((part) => part.type === 'image_url');
		assert.equal(image.image_url.url, `data:image/png;base64,${receipt.toString('base64')}`);
		assert.equal(content.at(-1).text, 'Does the receipt match the invoice?');

		const execution = await server.waitForExecution({ workflowId, status: 'success' });
		const [item] = nodeOutput(execution, 'VLM Run Chat');
		assert.equal(item.text, answer);
		assert.equal(item.sessionId, sessionId);

		const second = await server.callWebhook(CHAT_URL, {
			json: { action: 'sendMessage', sessionId, chatInput: 'And what did I ask first?' },
			headers: { accept: 'text/plain' },
		});
		assert.equal(second.status, 200);
		const followUp = answerOf(await readChunks(second));
		assert.match(
			followUp,
			/Turn 2 of this session\. Earlier you said: "Does the receipt match the invoice\?"\./,
		);
		const requests = emulator.requests({ method: 'POST', path: CHAT_PATH });
		assert.equal(requests.length, 2);
		assert.equal(requests[1].body.session_id, sessionId);
	});
});

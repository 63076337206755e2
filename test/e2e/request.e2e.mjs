// Request: one item carrying a PDF, a PNG and an MP3 runs through Extract in a real n8n and gives
// one item per file, each with the fields of its domain. Run through test/e2e/run.mjs.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

import {
	PACKAGE,
	REPO_ROOT,
	createN8n,
	executeWorkflow,
	importCredentials,
	importWorkflow,
	nodeOutput,
	startEmulator,
	workflowNode,
} from './n8n.mjs';

const FILES = [
	{ field: 'invoice', fileName: 'invoice-1.pdf', mimeType: 'application/pdf' },
	{ field: 'receipt', fileName: 'receipt.png', mimeType: 'image/png' },
	{ field: 'memo', fileName: 'memo.mp3', mimeType: 'audio/mpeg' },
];

/** A Code node that emits one item with the three fixtures as binaries, as an email with attachments would. */
async function attachmentsCode() {
	const binary = {};
	for (const { field, fileName, mimeType } of FILES) {
		const data = (await readFile(join(REPO_ROOT, 'test', 'fixtures', fileName))).toString('base64');
		binary[field] = { data, mimeType, fileName };
	}
	return `return [{ json: { subject: 'Three attachments' }, binary: ${JSON.stringify(binary)} }];`;
}

describe('request', { timeout: 240_000 }, () => {
	let emulator;
	let n8n;
	const credential = { id: 'vlmCredReq000001', name: 'VLM Run (emulator)', type: 'vlmRunApi' };

	before(async () => {
		emulator = await startEmulator({ jobMode: 'time', jobDurationMs: 200 });
		n8n = await createN8n();
		await importCredentials(n8n, [
			{ ...credential, data: { apiKey: emulator.apiKey, baseUrl: emulator.baseUrl } },
		]);
	});

	after(async () => {
		await emulator?.close();
	});

	test('an item with a PDF, a PNG and an MP3 gives one item per file with the fields of its domain', async () => {
		const id = await importWorkflow(n8n, {
			name: 'request: three attachments',
			nodes: [
				workflowNode('Start', 'n8n-nodes-base.manualTrigger'),
				workflowNode(
					'Attachments',
					'n8n-nodes-base.code',
					{ jsCode: await attachmentsCode() },
					{ typeVersion: 2 },
				),
				workflowNode(
					'Extract',
					`${PACKAGE.name}.vlmRunRequest`,
					{
						resource: 'prediction',
						operation: 'extract',
						binarySelection: 'all',
						domain: { __rl: true, mode: 'id', value: 'document.invoice' },
						options: {
							domainsByType: {
								rule: [
									{ modality: 'image', domain: 'document.receipt' },
									{ modality: 'audio', domain: 'audio.transcription' },
								],
							},
						},
					},
					{ credentials: { vlmRunApi: { id: credential.id, name: credential.name } } },
				),
			],
			connections: {
				Start: { main: [[{ node: 'Attachments', type: 'main', index: 0 }]] },
				Attachments: { main: [[{ node: 'Extract', type: 'main', index: 0 }]] },
			},
		});

		const result = await executeWorkflow(n8n, id);
		assert.equal(result.code, 0, result.error);
		assert.equal(result.run.status, 'success');

		const items = result.run.data.resultData.runData.Extract[0].data.main[0];
		assert.deepEqual(
			items.map((item) => item.pairedItem),
			[{ item: 0 }, { item: 0 }, { item: 0 }],
		);
		const [invoice, receipt, memo] = nodeOutput(result.run, 'Extract');
		assert.deepEqual(
			[invoice, receipt, memo].map(({ vlmrun }) => [
				vlmrun.binaryProperty,
				vlmrun.fileName,
				vlmrun.domain,
				vlmrun.status,
			]),
			[
				['invoice', 'invoice-1.pdf', 'document.invoice', 'completed'],
				['receipt', 'receipt.png', 'document.receipt', 'completed'],
				['memo', 'memo.mp3', 'audio.transcription', 'completed'],
			],
		);
		assert.equal(typeof invoice.invoice_id, 'string');
		assert.equal(typeof invoice.total, 'number');
		assert.ok(
			'total' in receipt || 'merchant_name' in receipt,
			`receipt fields: ${Object.keys(receipt)}`,
		);
		assert.ok(Array.isArray(memo.segments) && memo.segments.length > 0, 'transcript segments');

		const [upload] = emulator.requests({ method: 'POST', path: '/files' });
		assert.ok(upload, 'the PDF was uploaded');
		assert.equal(
			emulator.requests({ method: 'POST', path: '/files' }).length,
			2,
			'the PDF and the MP3 are uploaded',
		);
		const [image] = emulator.requests({ method: 'POST', path: '/image/generate' });
		assert.match(image.body.images[0], /^data:image\/png;base64,/);
		const [audio] = emulator.requests({ method: 'POST', path: '/audio/generate' });
		assert.equal(typeof audio.body.file_id, 'string');
	});
});

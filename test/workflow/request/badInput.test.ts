/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals, no-console */
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { VlmRunRequest } from '../../../nodes/VlmRun/VlmRunRequest.node';
import { createBinaryItem, runNode } from '../harness';
import { fixture, useEmulator, vlmNode } from '../vlmrun';

const env = useEmulator();
const invoice = { __rl: true, mode: 'id', value: 'document.invoice' };

type Case = {
	name: string;
	parameters: IDataObject;
	items: () => Promise<INodeExecutionData[]>;
	message: string | RegExp;
	description: string | RegExp;
};

const pdfItem = async () => [await createBinaryItem({ data: fixture('invoice-1.pdf') })];

const cases: Case[] = [
	{
		name: 'missing binary field',
		parameters: { binaryPropertyName: 'attachment', domain: invoice },
		items: pdfItem,
		message: 'Item 0 has no binary field "attachment"',
		description: 'This item has: data.',
	},
	{
		name: 'no binary at all',
		parameters: { binarySelection: 'all', domain: invoice },
		items: async () => [{ json: { subject: 'no files' } }],
		message: 'Item 0 has no binary files',
		description: /must output at least one file/,
	},
	{
		name: 'empty file',
		parameters: { domain: invoice },
		items: async () => [await createBinaryItem({ data: { data: Buffer.alloc(0), fileName: 'empty.pdf', mimeType: 'application/pdf' } })],
		message: 'The file "empty.pdf" in binary field "data" of item 0 is empty',
		description: /no content/,
	},
	{
		name: 'unsupported MIME type',
		parameters: { domain: invoice },
		items: async () => [await createBinaryItem({ data: { data: 'a,b\n1,2', fileName: 'table.csv', mimeType: 'text/csv' } })],
		message: 'VLM Run does not take files of type "text/csv" ("table.csv", item 0)',
		description: /VLM Run accepts images \(PNG, JPEG, GIF, WebP\)/,
	},
	{
		name: 'invalid JSON schema text',
		parameters: { domain: invoice, schemaSource: 'json', jsonSchema: '{"type": "object", ' },
		items: pdfItem,
		message: 'The parameter "JSON Schema" is not valid JSON (item 0)',
		description: /Paste a JSON schema object/,
	},
	{
		name: 'invalid page range',
		parameters: { domain: invoice, options: { pages: '3-1' } },
		items: pdfItem,
		message: 'The page range "3-1" is not valid (item 0)',
		description: /e\.g\. 1-3,5/,
	},
	{
		name: 'neither domain nor schema',
		parameters: {},
		items: pdfItem,
		message: 'Neither a domain nor an output schema is set (item 0)',
		description: /Pick a Domain/,
	},
	{
		name: 'URL that is not http(s)',
		parameters: { inputSource: 'url', urls: 'ftp://files.example.com/a.pdf', domain: invoice },
		items: async () => [{ json: {} }],
		message: '"ftp://files.example.com/a.pdf" is not an http(s) URL (item 0)',
		description: /http:\/\/ or https:\/\//,
	},
];

describe('Bad input fails before any call to VLM Run', () => {
	it.each(cases)('$name', async ({ parameters, items, message, description }) => {
		const result = await runNode(
			vlmNode('vlmRunRequest', { resource: 'prediction', operation: 'extract', ...parameters }),
			{ nodeTypes: [VlmRunRequest], inputItems: await items(), credentials: env.credentials() },
		);
		expect(result.status).toBe('error');
		const error = result.nodeError('VLM Run');
		expect(error?.message).toEqual(typeof message === 'string' ? message : expect.stringMatching(message));
		expect(error?.description).toEqual(typeof description === 'string' ? expect.stringContaining(description) : expect.stringMatching(description));
		expect((error as { context?: IDataObject } | undefined)?.context?.itemIndex).toBe(0);
		expect(env.emulator.requests()).toHaveLength(0);
	});

	it('a bad second item stops the node before the first item is sent', async () => {
		const items = [
			await createBinaryItem({ data: fixture('invoice-1.pdf') }),
			await createBinaryItem({ other: fixture('invoice-2.pdf') }),
		];
		const result = await runNode(
			vlmNode('vlmRunRequest', { resource: 'prediction', operation: 'extract', domain: invoice }),
			{ nodeTypes: [VlmRunRequest], inputItems: items, credentials: env.credentials() },
		);
		expect(result.nodeError('VLM Run')?.message).toBe('Item 1 has no binary field "data"');
		expect(env.emulator.requests()).toHaveLength(0);
	});
});

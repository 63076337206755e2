import { operations } from '../../../nodes/VlmRun/request';
import { failOperation, runOperation } from '../fakeContext';

const getSchema = { resource: 'domain', operation: 'getSchema' };
const invoiceSchema = { type: 'object', properties: { total: { type: 'number' } } };

describe('Domain → Get Schema', () => {
	test('POSTs the chosen domain to /schema and outputs the schema', async () => {
		const { output, sent } = await runOperation(operations, {
			parameters: {
				...getSchema,
				domain: { __rl: true, mode: 'list', value: ' document.invoice ' },
			},
			api: { 'POST /schema': { statusCode: 200, body: invoiceSchema } },
		});
		expect(sent).toEqual([
			{ method: 'POST', path: '/schema', qs: undefined, body: { domain: 'document.invoice' } },
		]);
		expect(output).toEqual([{ json: invoiceSchema, pairedItem: { item: 0 } }]);
	});

	test('no domain fails before any request', async () => {
		const { error, sent } = await failOperation(operations, {
			parameters: { ...getSchema, domain: { __rl: true, mode: 'id', value: '' } },
		});
		expect(error.message).toContain('No domain chosen');
		expect(sent).toEqual([]);
	});

	test('a text that is not a domain name fails before any request, checked in code', async () => {
		const { error, sent } = await failOperation(operations, {
			parameters: { ...getSchema, domain: { __rl: true, mode: 'id', value: 'Invoice (scanned)' } },
		});
		expect(error.message).toBe('"Invoice (scanned)" is not a VLM Run domain name');
		expect(sent).toEqual([]);
	});

	test('a domain VLM Run does not know is named in the error', async () => {
		const { error } = await failOperation(operations, {
			parameters: { ...getSchema, domain: { __rl: true, mode: 'id', value: 'document.nope' } },
		});
		expect(error.message).toContain('document.nope');
	});
});

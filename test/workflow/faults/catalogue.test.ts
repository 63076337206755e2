// The bad-input catalogue: one table over the Request, Execution and Chat nodes, and the callbacks
// the Trigger (and Wait for Callback) receive. Each row feeds a run whose bad input sits at a given
// item (mostly not the first, through per-item expressions) and asserts the error's message, its
// description (how to fix it) and the item index n8n shows. Rows that are caught before any request
// also assert that nothing reached VLM Run.
import { randomUUID } from 'node:crypto';

import type {
	IDataObject,
	INodeExecutionData,
	INodeParameters,
	IPairedItemData,
} from 'n8n-workflow';

import { VlmRunChat } from '../../../nodes/VlmRun/VlmRunChat.node';
import { VlmRunExecution } from '../../../nodes/VlmRun/VlmRunExecution.node';
import { VlmRunRequest } from '../../../nodes/VlmRun/VlmRunRequest.node';
import { signBody, type Emulator, type FaultSpec } from '../../emulator';
import { createBinaryItem, runNode, type BinaryInput, type WorkflowNode } from '../harness';
import { fixture, useEmulator, vlmNode } from '../vlmrun';
import { resumeWaiting, waitingJobs } from '../resume';
import { deliver, type Callback } from './webhook';

jest.setTimeout(30_000);

const env = useEmulator();
const SECRET = 'whsec_catalogue_callbacks';

type NodeKind = 'request' | 'execution' | 'chat';

interface Case {
	node: NodeKind;
	name: string;
	parameters: INodeParameters;
	/** The run's input items; the bad one sits at `item`. */
	items: (emulator: Emulator) => Promise<INodeExecutionData[]>;
	item: number;
	message: string | RegExp;
	description: string | RegExp;
	/** Defaults to the emulator's key. */
	apiKey?: string;
	faults?: FaultSpec[];
	/** The check happens before any request (default), or only once VLM Run answered. */
	caughtBeforeSending?: boolean;
}

const NODE_TYPES = { request: VlmRunRequest, execution: VlmRunExecution, chat: VlmRunChat };
const NODE_NAMES: Record<NodeKind, string> = {
	request: 'vlmRunRequest',
	execution: 'vlmRunExecution',
	chat: 'vlmRunChat',
};

const receipt = { __rl: true, mode: 'id', value: 'document.receipt' };
const perItemDomain = { __rl: true, mode: 'id', value: '={{ $json.domain }}' };
const extract = (parameters: INodeParameters = {}): INodeParameters => ({
	resource: 'prediction',
	operation: 'extract',
	domain: receipt,
	...parameters,
});
const runAgent = (parameters: INodeParameters = {}): INodeParameters => ({
	resource: 'execution',
	operation: 'run',
	prompt: 'Summarise the file.',
	...parameters,
});
const chatMessage = (parameters: INodeParameters = {}): INodeParameters => ({
	resource: 'chat',
	operation: 'message',
	...parameters,
});
const chatItem = (chatInput: string, json: IDataObject = {}) => ({
	sessionId: '0b6c3f1e-3c2a-4a8e-9a51-6f1d2e3c4b5a',
	action: 'sendMessage',
	chatInput,
	...json,
});

const pdf = () => fixture('invoice-1.pdf');
const png = () => fixture('receipt.png');
const file = async (input: BinaryInput, json: IDataObject = {}, property = 'data') =>
	await createBinaryItem({ [property]: input }, json);
/** Three items with one file each; `json` gives the per-item values the expressions read. */
const three =
	(json: IDataObject[], files: Array<() => BinaryInput> = [pdf, pdf, pdf]) =>
	async () =>
		await Promise.all(json.map(async (values, n) => await file(files[n](), values)));
const plain = (json: IDataObject[]) => async () => json.map((values) => ({ json: values }));

/** A prediction and a file that exist on the emulator, so that only the middle item's ID is unknown. */
async function existingIds(emulator: Emulator) {
	const headers = { Authorization: `Bearer ${emulator.apiKey}` };
	const prediction = (await (
		await fetch(`${emulator.baseUrl}/document/generate`, {
			method: 'POST',
			headers: { ...headers, 'Content-Type': 'application/json' },
			body: JSON.stringify({ url: 'https://files.example.com/a.pdf', domain: 'document.invoice' }),
		})
	).json()) as IDataObject;
	const form = new FormData();
	form.append('file', new Blob([pdf().data]), 'a.pdf');
	const uploaded = (await (
		await fetch(`${emulator.baseUrl}/files`, { method: 'POST', headers, body: form })
	).json()) as IDataObject;
	emulator.clearRequests();
	return { predictionId: String(prediction.id), fileId: String(uploaded.id) };
}
const UNKNOWN_ID = '00000000-0000-4000-8000-000000000000';

const cases: Case[] = [
	// ---- VLM Run Request: Extract, checked before anything is sent ----
	{
		node: 'request',
		name: 'a missing binary field',
		parameters: extract(),
		items: async () => [await file(pdf()), await file(pdf(), {}, 'attachment'), await file(pdf())],
		item: 1,
		message: 'The item has no binary field "data"',
		description: 'Check the parameter "Input Binary Fields". This item has: attachment.',
	},
	{
		node: 'request',
		name: 'no binary at all (All Binary Fields)',
		parameters: extract({ binarySelection: 'all' }),
		items: async () => [
			await file(pdf()),
			await file(pdf()),
			{ json: { subject: 'no attachments' } },
		],
		item: 2,
		message: 'The item has no binary files',
		description:
			/^The previous node must output at least one file \(binary data\)\. For emails, turn on the option that downloads attachments\.$/,
	},
	{
		node: 'request',
		name: 'an empty list of binary fields',
		parameters: extract({ binaryPropertyName: '={{ $json.field }}' }),
		items: three([{ field: 'data' }, { field: ' , ' }, { field: 'data' }]),
		item: 1,
		message: 'The parameter "Input Binary Fields" is empty',
		description: /^Enter the name of the binary field holding the file \(often "data"\)/,
	},
	{
		node: 'request',
		name: 'an empty file',
		parameters: extract(),
		items: async () => [
			await file(pdf()),
			await file({ data: Buffer.alloc(0), fileName: 'scan.pdf', mimeType: 'application/pdf' }),
			await file(pdf()),
		],
		item: 1,
		message:
			'The file "scan.pdf" (binary field "data", application/pdf, 0 bytes) cannot be sent to VLM Run: it is empty',
		description:
			'An empty file has no content: check the node that produced it. Remove the file from the item, or turn on the option Skip Unsupported Files to leave such files out.',
	},
	{
		node: 'request',
		name: 'a file type VLM Run does not take (wrong MIME)',
		parameters: extract(),
		items: async () => [
			await file(pdf()),
			await file(pdf()),
			await file({ data: 'a,b\n1,2\n', fileName: 'totals.csv', mimeType: 'text/csv' }),
		],
		item: 2,
		message:
			'The file "totals.csv" (binary field "data", text/csv, 8 bytes) cannot be sent to VLM Run: VLM Run does not read this file type',
		description:
			/^VLM Run accepts images \(PNG, JPEG, GIF, WebP\).*Convert the file first, or set the Modality parameter if the MIME type is wrong\. Remove the file from the item, or turn on the option Skip Unsupported Files to leave such files out\.$/,
	},
	{
		node: 'request',
		name: 'a JSON schema that is not JSON',
		parameters: extract({ schemaSource: 'json', jsonSchema: '={{ $json.schema }}' }),
		items: three([
			{ schema: '{"type":"object"}' },
			{ schema: '{"type": "object", ' },
			{ schema: '{"type":"object"}' },
		]),
		item: 1,
		message: 'The parameter "JSON Schema" is not valid JSON',
		description: /\. Paste a JSON schema object, e\.g\. \{"type":"object"/,
	},
	{
		node: 'request',
		name: 'JSON that is not a schema',
		parameters: extract({ schemaSource: 'json', jsonSchema: '={{ $json.schema }}' }),
		items: three([
			{ schema: '{"type":"object"}' },
			{ schema: '{"type":"object"}' },
			{ schema: '{"type":"table"}' },
		]),
		item: 2,
		message: 'The parameter "JSON Schema" is not a usable JSON schema',
		description: /^VLM Run needs a JSON schema object; type: /,
	},
	{
		node: 'request',
		name: 'a field name the Fields builder cannot use',
		parameters: extract({
			schemaSource: 'fields',
			fields: { field: [{ name: '={{ $json.field }}', type: 'number' }] },
		}),
		items: three([{ field: 'total' }, { field: 'net total' }, { field: 'total' }]),
		item: 1,
		message: 'The field name "net total" is not valid',
		description:
			'Field names must start with a letter or underscore and contain only letters, digits and underscores, e.g. invoice_total.',
	},
	{
		node: 'request',
		name: 'an invalid page range',
		parameters: extract({ options: { pages: '={{ $json.pages }}' } }),
		items: three([{ pages: '1-2' }, { pages: '1-2' }, { pages: '0,2' }]),
		item: 2,
		message: 'The page range "0,2" is not valid',
		description:
			'Use page numbers starting at 1, separated by commas, with ranges as first-last, e.g. 1-3,5.',
	},
	{
		node: 'request',
		name: 'neither a domain nor a schema',
		parameters: extract({ domain: perItemDomain }),
		items: three([{ domain: 'document.invoice' }, { domain: '' }, { domain: 'document.invoice' }]),
		item: 1,
		message: 'Neither a domain nor an output schema is set',
		description:
			'Pick a Domain such as document.invoice, or set Output Schema to JSON Schema or Fields.',
	},
	{
		node: 'request',
		name: 'a domain that is not a domain name (checked in code, not by an n8n regex)',
		parameters: extract({ domain: perItemDomain }),
		items: three([
			{ domain: 'document.invoice' },
			{ domain: 'Invoice (scanned)' },
			{ domain: 'document.invoice' },
		]),
		item: 1,
		message: '"Invoice (scanned)" is not a VLM Run domain name',
		description:
			/^A domain is a category and a name in lower case, separated by a dot, e\.g\. document\.invoice/,
	},
	{
		node: 'request',
		name: 'a URL that is not http(s)',
		parameters: extract({ inputSource: 'url', urls: '={{ $json.url }}' }),
		items: plain([
			{ url: 'https://files.example.com/a.pdf' },
			{ url: 'https://files.example.com/b.pdf' },
			{ url: 'file:///etc/passwd' },
		]),
		item: 2,
		message: '"file:///etc/passwd" is not an http(s) URL',
		description: 'VLM Run fetches files from public http:// or https:// links only.',
	},
	{
		node: 'request',
		name: 'a URL whose file type cannot be told',
		parameters: extract({ inputSource: 'url', urls: '={{ $json.url }}' }),
		items: plain([
			{ url: 'https://files.example.com/a.pdf' },
			{ url: 'https://files.example.com/download?id=7' },
			{ url: 'https://files.example.com/b.pdf' },
		]),
		item: 1,
		message:
			'Cannot tell whether https://files.example.com/download?id=7 is an image, document, audio or video',
		description: 'The URL has no known file extension. Set the Modality parameter.',
	},
	{
		node: 'request',
		name: 'no URL at all',
		parameters: extract({ inputSource: 'url', urls: '={{ $json.url }}' }),
		items: plain([
			{ url: 'https://files.example.com/a.pdf' },
			{ url: ' ' },
			{ url: 'https://files.example.com/b.pdf' },
		]),
		item: 1,
		message: 'No URL given',
		description: 'Enter at least one http(s) URL in "URLs".',
	},
	{
		node: 'request',
		name: 'a callback URL that is not http(s) (Submit Only)',
		parameters: extract({ completion: 'submitOnly', callbackUrl: '={{ $json.callback }}' }),
		items: three([
			{ callback: 'https://n8n.example.com/webhook/a' },
			{ callback: '' },
			{ callback: 'n8n.example.com/webhook/a' },
		]),
		item: 2,
		message: 'The Callback URL "n8n.example.com/webhook/a" is not an http(s) URL',
		description: 'Paste the Production URL of a VLM Run Trigger node, or leave it empty.',
	},
	{
		node: 'request',
		name: 'Get Prediction without an ID',
		parameters: { resource: 'prediction', operation: 'get', predictionId: '={{ $json.id }}' },
		items: plain([{ id: UNKNOWN_ID }, { id: '' }]),
		item: 1,
		message: 'The parameter "Prediction ID" is empty',
		description: /^Map the ID of a prediction/,
	},
	// ---- VLM Run Request: rejected by VLM Run ----
	{
		node: 'request',
		name: 'an unknown domain',
		parameters: extract({ domain: perItemDomain }),
		items: three([
			{ domain: 'document.invoice' },
			{ domain: 'document.no-such-domain' },
			{ domain: 'document.invoice' },
		]),
		item: 1,
		message: 'The domain "document.no-such-domain" was not found on VLM Run',
		description:
			'Check the domain name, or pick one from the list of domains. VLM Run said: Domain not found (POST /document/generate, HTTP 404)',
		caughtBeforeSending: false,
	},
	{
		node: 'request',
		name: 'Domain → Get Schema of an unknown domain',
		parameters: { resource: 'domain', operation: 'getSchema', domain: perItemDomain },
		items: plain([{ domain: 'document.invoice' }, { domain: 'document.nope' }]),
		item: 1,
		message: 'The domain "document.nope" was not found on VLM Run',
		description:
			'Check the domain name, or pick one from the list of domains. VLM Run said: Domain not found (POST /schema, HTTP 404)',
		caughtBeforeSending: false,
	},
	{
		node: 'request',
		name: 'a wrong API key',
		parameters: extract(),
		items: three([{}]),
		item: 0,
		apiKey: 'vlm-wrong-key-catalogue',
		message: 'VLM Run rejected the API key',
		description:
			'Check the API key and the Base URL in the VLM Run API credential. VLM Run said: Invalid API key (POST /files, HTTP 401)',
		caughtBeforeSending: false,
	},
	{
		node: 'request',
		name: 'exhausted credits',
		parameters: extract({ inputSource: 'url', urls: 'https://files.example.com/a.pdf' }),
		items: plain([{}]),
		item: 0,
		apiKey: 'key-402',
		message: 'The VLM Run account has no credits left',
		description:
			'Add credits or upgrade the plan in the VLM Run dashboard, then run the workflow again. VLM Run said: Insufficient credits (POST /document/generate, HTTP 402)',
		caughtBeforeSending: false,
	},
	{
		node: 'request',
		name: 'an unknown prediction ID',
		parameters: { resource: 'prediction', operation: 'get', predictionId: '={{ $json.id }}' },
		items: async (emulator) => {
			const { predictionId } = await existingIds(emulator);
			return [
				{ json: { id: predictionId } },
				{ json: { id: UNKNOWN_ID } },
				{ json: { id: predictionId } },
			];
		},
		item: 1,
		message: `The prediction "${UNKNOWN_ID}" was not found on VLM Run`,
		description: `Check the prediction ID (and that it belongs to the account of this API key). VLM Run said: Prediction not found (GET /predictions/${UNKNOWN_ID}, HTTP 404)`,
		caughtBeforeSending: false,
	},
	{
		node: 'request',
		name: 'an unknown file ID',
		parameters: { resource: 'file', operation: 'get', fileId: '={{ $json.id }}' },
		items: async (emulator) => {
			const { fileId } = await existingIds(emulator);
			return [{ json: { id: fileId } }, { json: { id: fileId } }, { json: { id: UNKNOWN_ID } }];
		},
		item: 2,
		message: `The file "${UNKNOWN_ID}" was not found on VLM Run`,
		description:
			/^Check the file ID \(and that it belongs to the account of this API key\)\. VLM Run said: File not found \(GET \/files\/0{8}-/,
		caughtBeforeSending: false,
	},
	{
		node: 'request',
		name: 'an oversize upload (413)',
		parameters: extract(),
		// Only the last item is a document, so only it uploads; the images go inline.
		items: three([{}, {}, {}], [png, png, pdf]),
		faults: [
			{ method: 'POST', path: '/files', status: 413, body: { detail: 'Request entity too large' } },
		],
		item: 2,
		message: 'The request is too large for VLM Run',
		description:
			'Send a smaller or compressed file, split the document, or pass a public link instead (Input: URLs). VLM Run said: Request entity too large (POST /files, HTTP 413)',
		caughtBeforeSending: false,
	},
	{
		node: 'request',
		name: 'a request VLM Run rejects field by field (422)',
		parameters: extract(),
		items: three([{}, {}, {}], [png, pdf, png]),
		faults: [
			{
				method: 'POST',
				path: '/document/generate',
				status: 422,
				body: {
					detail: [
						{
							loc: ['body', 'config', 'page_indices', 0],
							msg: 'page index out of range',
							type: 'value_error',
						},
					],
				},
			},
		],
		item: 1,
		message: 'VLM Run did not accept the request',
		description:
			'Fix the parameters named below and run again. VLM Run said: config.page_indices.0: page index out of range (POST /document/generate, HTTP 422)',
		caughtBeforeSending: false,
	},
	{
		node: 'request',
		name: 'a server error on a call that creates a job (not retried)',
		parameters: extract(),
		items: three([{}, {}, {}], [png, png, pdf]),
		faults: [{ method: 'POST', path: '/document/generate', status: 500 }],
		item: 2,
		message: 'VLM Run had a server problem (HTTP 500)',
		description:
			'This is usually temporary. Run the workflow again, or enable Retry On Fail in the node settings. VLM Run said: Internal server error (POST /document/generate, HTTP 500)',
		caughtBeforeSending: false,
	},
	{
		node: 'request',
		name: 'a job that fails on VLM Run',
		parameters: extract({ domain: perItemDomain }),
		items: three([
			{ domain: 'document.invoice' },
			{ domain: 'document.invoice' },
			{ domain: 'emulator.fail' },
		]),
		item: 2,
		message: /^VLM Run could not finish prediction [0-9a-f-]{36}$/,
		description:
			/^VLM Run said: .+\. Check the input file and parameters; the prediction ID is [0-9a-f-]{36}\.$/,
		caughtBeforeSending: false,
	},
	// ---- VLM Run Execution ----
	{
		node: 'execution',
		name: 'Execution: a missing binary field',
		parameters: runAgent({ binaryPropertyName: '={{ $json.field }}' }),
		items: three([{ field: 'data' }, { field: 'data' }, { field: 'invoice' }]),
		item: 2,
		message: 'The item has no binary field "invoice"',
		description: 'Check the parameter "Input Binary Fields". This item has: data.',
	},
	{
		node: 'execution',
		name: 'Execution: a JSON schema that is not JSON',
		parameters: runAgent({ schemaSource: 'json', jsonSchema: '={{ $json.schema }}' }),
		items: three([
			{ schema: '{"type":"object"}' },
			{ schema: '[1, 2' },
			{ schema: '{"type":"object"}' },
		]),
		item: 1,
		message: 'The parameter "JSON Schema" is not valid JSON',
		description: /Paste a JSON schema object/,
	},
	{
		node: 'execution',
		name: 'Execution: a URL input that is not http(s)',
		parameters: runAgent({ urlInputs: { input: [{ name: 'policy', url: '={{ $json.url }}' }] } }),
		items: three([
			{ url: 'https://example.com/p.pdf' },
			{ url: 'https://example.com/p.pdf' },
			{ url: 'ftp://example.com/p.pdf' },
		]),
		item: 2,
		message: 'The URL of input "policy" is not an http(s) URL',
		description: /http:\/\/ or https:\/\//,
	},
	{
		node: 'execution',
		name: 'Execution: a wrong API key',
		parameters: runAgent(),
		items: three([{}]),
		item: 0,
		apiKey: 'vlm-wrong-key-catalogue',
		message: 'VLM Run rejected the API key',
		description:
			/^Check the API key and the Base URL in the VLM Run API credential\. VLM Run said: Invalid API key \(POST \/files, HTTP 401\)$/,
		caughtBeforeSending: false,
	},
	{
		node: 'execution',
		name: 'Execution: exhausted credits',
		parameters: runAgent({
			binarySelection: 'none',
			textInputs: { input: [{ name: 'note', value: 'hello' }] },
		}),
		items: plain([{}]),
		item: 0,
		apiKey: 'key-402',
		message: 'The VLM Run account has no credits left',
		description:
			/^Add credits or upgrade the plan in the VLM Run dashboard, then run the workflow again\. VLM Run said: Insufficient credits \(POST \/agent\/execute, HTTP 402\)$/,
		caughtBeforeSending: false,
	},
	{
		node: 'execution',
		name: 'Execution: an unknown execution ID',
		parameters: { resource: 'execution', operation: 'get', executionId: '={{ $json.id }}' },
		items: plain([{ id: UNKNOWN_ID }]),
		item: 0,
		message: `The execution "${UNKNOWN_ID}" was not found on VLM Run`,
		description: `Check the execution ID (and that it belongs to the account of this API key). VLM Run said: Execution not found (GET /agent/executions/${UNKNOWN_ID}, HTTP 404)`,
		caughtBeforeSending: false,
	},
	{
		node: 'execution',
		name: 'Execution: an unknown agent ID',
		parameters: {
			resource: 'agent',
			operation: 'get',
			agent: { __rl: true, mode: 'id', value: '={{ $json.id }}' },
		},
		items: plain([{ id: UNKNOWN_ID }]),
		item: 0,
		message: `The agent "${UNKNOWN_ID}" was not found on VLM Run`,
		description: `Check the agent ID (and that it belongs to the account of this API key). VLM Run said: Agent not found (GET /agents/${UNKNOWN_ID}, HTTP 404)`,
		caughtBeforeSending: false,
	},
	{
		node: 'execution',
		name: 'Execution: an unknown skill ID',
		parameters: {
			resource: 'skill',
			operation: 'get',
			skill: { __rl: true, mode: 'id', value: '={{ $json.id }}' },
		},
		items: plain([{ id: UNKNOWN_ID }]),
		item: 0,
		message: `The skill "${UNKNOWN_ID}" was not found on VLM Run`,
		description: `Check the skill ID (and that it belongs to the account of this API key). VLM Run said: Skill not found (GET /skills/${UNKNOWN_ID}, HTTP 404)`,
		caughtBeforeSending: false,
	},
	// ---- VLM Run Chat ----
	{
		node: 'chat',
		name: 'Chat: an empty chat message',
		parameters: chatMessage(),
		items: plain([chatItem('Hello'), chatItem('  '), chatItem('Hello')]),
		item: 1,
		message: 'The chat message is empty',
		description: /Connect a Chat Trigger/,
	},
	{
		node: 'chat',
		name: 'Chat: an empty attachment',
		parameters: chatMessage(),
		items: async () => [
			{ json: chatItem('Read this') },
			{ json: chatItem('Read this') },
			await file(
				{ data: Buffer.alloc(0), fileName: 'blank.png', mimeType: 'image/png' },
				chatItem('Read this'),
			),
		],
		item: 2,
		message:
			'The file "blank.png" (binary field "data", image/png, 0 bytes) cannot be sent to VLM Run: it is empty',
		description:
			'An empty file has no content: check the node that produced it. Remove the file from the item, or turn on the option Skip Unsupported Files to leave such files out.',
	},
	{
		node: 'chat',
		name: 'Chat: a file URL that is not http(s)',
		parameters: chatMessage({ urls: { url: [{ type: 'file_url', url: '={{ $json.url }}' }] } }),
		items: plain([
			chatItem('x', { url: 'https://example.com/a.pdf' }),
			chatItem('x', { url: 'javascript:alert(1)' }),
		]),
		item: 1,
		message: 'File URL 1 "javascript:alert(1)" is not an http(s) URL',
		description: /public http:\/\/ or https:\/\/ links only/,
	},
	{
		node: 'chat',
		name: 'Chat: a wrong API key',
		parameters: chatMessage(),
		items: plain([chatItem('Hello')]),
		item: 0,
		apiKey: 'vlm-wrong-key-catalogue',
		message: 'VLM Run rejected the API key',
		description:
			'Check the API key and the Base URL in the VLM Run API credential. VLM Run said: Invalid API key (POST /openai/chat/completions, HTTP 401)',
		caughtBeforeSending: false,
	},
];

/**
 * A failed run's description ends with a note naming the jobs that the other items had already
 * created (shared/stop.ts). Which of them exist by the time the bad item fails depends on timing,
 * so the note is split off and checked on its own.
 */
function splitCreatedJobsNote(description: string): [string, string] {
	const at = description.search(/ (Jobs this node had created|\d+ jobs? of this run had already)/);
	return at < 0 ? [description, ''] : [description.slice(0, at), description.slice(at + 1)];
}

function expectOtherItemsJobs(
	note: string,
	failedItem: number,
	created: { predictions: number; executions: number },
): void {
	const named = [...note.matchAll(/(prediction|execution) ([0-9a-f-]{36}) \(item (\d+)\)/g)];
	for (const [, , , item] of named) expect(Number(item)).not.toBe(failedItem);
	expect(new Set(named.map(([, , id]) => id)).size).toBe(named.length);
	expect(named.length).toBeLessThanOrEqual(created.predictions + created.executions);
	if (note)
		expect(named.length + Number(/(\d+) jobs? of this run/.exec(note)?.[1] ?? 0)).toBeGreaterThan(
			0,
		);
}

describe('Bad-input catalogue: message, description and item index', () => {
	it('has at least 25 rows across the nodes', () => {
		// The node rows, the Trigger rows and the Wait for Callback resume test below.
		expect(cases.length + webhookCases.length + 1).toBeGreaterThanOrEqual(25);
		expect(new Set(cases.map((row) => row.node))).toEqual(
			new Set(['request', 'execution', 'chat']),
		);
	});

	it.each(cases.map((row) => [`${row.node}: ${row.name}`, row] as const))(
		'%s',
		async (_title, row) => {
			for (const fault of row.faults ?? []) env.emulator.injectFault(fault);
			const inputItems = await row.items(env.emulator);
			const node = vlmNode(NODE_NAMES[row.node], row.parameters);
			const result = await runNode(node, {
				nodeTypes: [NODE_TYPES[row.node]],
				inputItems,
				credentials: env.credentials(row.apiKey),
			});

			expect(result.status).toBe('error');
			const error = result.nodeError('VLM Run') as
				| (IDataObject & { context?: IDataObject })
				| undefined;
			expect(error?.message).toEqual(
				typeof row.message === 'string' ? row.message : expect.stringMatching(row.message),
			);
			const [description, createdJobs] = splitCreatedJobsNote(String(error?.description));
			expect(description).toEqual(
				typeof row.description === 'string'
					? row.description
					: expect.stringMatching(row.description),
			);
			expectOtherItemsJobs(createdJobs, row.item, env.emulator.jobsCreated());
			expect(error?.context?.itemIndex).toBe(row.item);
			if (row.caughtBeforeSending !== false) expect(env.emulator.requests()).toEqual([]);
			// The key never comes back in an error.
			if (row.apiKey) expect(JSON.stringify(result.runData)).not.toContain(row.apiKey);
		},
	);

	it('with continue on fail, a bad item becomes its own error item at its index; the others still run', async () => {
		const items = await three([{ pages: '1' }, { pages: '2-1' }, { pages: '1' }])();
		const node = vlmNode('vlmRunRequest', extract({ options: { pages: '={{ $json.pages }}' } }), {
			onError: 'continueRegularOutput',
		});
		const result = await runNode(node, {
			nodeTypes: [VlmRunRequest],
			inputItems: items,
			credentials: env.credentials(),
		});

		expect(result.status).toBe('success');
		expect(result.items.map((item) => item.pairedItem)).toEqual([
			{ item: 0 },
			{ item: 1 },
			{ item: 2 },
		]);
		expect(result.items[1].json).toEqual({
			error: 'The page range "2-1" is not valid',
			details:
				'Use page numbers starting at 1, separated by commas, with ranges as first-last, e.g. 1-3,5.',
		});
		expect(result.items[0].json.vlmrun).toMatchObject({ status: 'completed' });
		expect(result.items[2].json.vlmrun).toMatchObject({ status: 'completed' });
		expect(env.emulator.requests({ method: 'POST', path: '/document/generate' })).toHaveLength(2);
	});
});

// ---------------------------------------------------------------------------------------------
// Callbacks: the Trigger's webhook (./webhook.ts) and Wait for Callback's resume webhook of a run
// that is really waiting (../resume.ts), both through n8n-core's own WebhookContext with the request
// as n8n's webhook server hands it over (raw body kept).

interface WebhookCase extends Callback {
	name: string;
	status: number;
	error: string;
}

const job = JSON.stringify({ id: randomUUID(), status: 'completed', response: { total: 1 } });
const REJECTED_SIGNATURE =
	'Missing or invalid X-VLMRun-Signature: the callback was not signed with the Webhook Signing Secret of the VLM Run credential';

const webhookCases: WebhookCase[] = [
	{
		name: 'Trigger: a callback signed with another secret',
		body: job,
		signature: (body) => signBody('whsec_someone_else', body),
		status: 401,
		error: REJECTED_SIGNATURE,
	},
	{
		name: 'Trigger: a callback without a signature',
		body: job,
		signature: () => undefined,
		status: 401,
		error: REJECTED_SIGNATURE,
	},
	{
		name: 'Trigger: a signature over other bytes',
		body: job,
		signature: (body) => signBody(SECRET, `${body} `),
		status: 401,
		error: REJECTED_SIGNATURE,
	},
	{
		name: 'Trigger: a signed body that is not JSON',
		body: 'status=completed',
		signature: (body) => signBody(SECRET, body),
		status: 400,
		error: 'The body is not JSON',
	},
	{
		name: 'Trigger: a signed body that is not a job',
		body: '{"status":"completed"}',
		signature: (body) => signBody(SECRET, body),
		status: 400,
		error: 'The body is not a VLM Run prediction or execution (no "id")',
	},
];

describe('Bad-input catalogue: callbacks', () => {
	it.each(webhookCases.map((row) => [row.name, row] as const))('%s', async (_title, row) => {
		const { status, body, response } = await deliver(row, env.credentials().vlmRunApi, SECRET);
		expect(status).toBe(row.status);
		expect(body).toEqual({ error: row.error });
		// Answered directly: no workflow starts and no execution resumes.
		expect(response).toEqual({ noWebhookResponse: true });
		expect(env.emulator.requests()).toEqual([]);
	});

	it('Wait for Callback: a resume callback with a bad signature is refused and resumes nothing', async () => {
		const credentials = { vlmRunApi: { ...env.credentials().vlmRunApi, webhookSecret: SECRET } };
		env.emulator.configure({ jobMode: 'manual' });
		const node = vlmNode('vlmRunRequest', extract({ completion: 'waitForCallback' }));
		const waiting = await runNode(node, {
			nodeTypes: [VlmRunRequest],
			inputItems: await three([{}])(),
			credentials,
		});
		expect(waiting.status).toBe('waiting');
		const body = JSON.stringify({
			id: waitingJobs(waiting)[0],
			status: 'completed',
			response: { total: 1 },
		});
		const answer = await resumeWaiting(waiting, {
			nodeTypes: [VlmRunRequest],
			credentials,
			body,
			headers: { 'x-vlmrun-signature': signBody('whsec_someone_else', body) },
		});
		expect(answer.status).toBe(401);
		expect(answer.body).toEqual({ error: REJECTED_SIGNATURE });
		expect(answer.items).toBeUndefined();
	});

	it('the same callback, correctly signed, starts the workflow (the rows above fail for their stated reason only)', async () => {
		const { response } = await deliver(
			{ ...webhookCases[0], signature: (body) => signBody(SECRET, body) },
			env.credentials().vlmRunApi,
			SECRET,
		);
		expect(response.workflowData?.[0]?.[0]?.json).toMatchObject({
			status: 'completed',
			response: { total: 1 },
		});
	});
});

// ---------------------------------------------------------------------------------------------
// Mixed good and bad files in one item (a real email): two PDFs, a PNG, an empty part and a .txt,
// through every operation that takes several files, under the three error modes.

const mail = async (json: IDataObject = {}) =>
	await createBinaryItem(
		{
			attachment_0: fixture('invoice-1.pdf'),
			attachment_1: fixture('invoice-2.pdf'),
			attachment_2: fixture('receipt.png'),
			attachment_3: { data: Buffer.alloc(0), fileName: 'empty.pdf', mimeType: 'application/pdf' },
			attachment_4: { data: 'Call me back.\n', fileName: 'notes.txt', mimeType: 'text/plain' },
		},
		json,
	);

const EMPTY_PDF =
	'"empty.pdf" (binary field "attachment_3", application/pdf, 0 bytes): it is empty';
const NOTES_TXT =
	'"notes.txt" (binary field "attachment_4", text/plain, 14 bytes): VLM Run does not read this file type';

interface MixedCase {
	node: NodeKind;
	name: string;
	parameters: INodeParameters;
	/** The files VLM Run cannot take, in the order of the item. */
	unusable: string[];
	/** Successful output items for the mail item (the clean first item adds its own). */
	successes: number;
	/** What VLM Run received for the usable files of the mail item plus the clean item. */
	sent: (emulator: Emulator) => void;
	chatInput?: boolean;
}

/** The message of the error that names one unusable file. */
const oneFile = (label: string) =>
	`The file ${label.replace(': ', ' cannot be sent to VLM Run: ')}`;

const mixedCases: MixedCase[] = [
	{
		node: 'request',
		name: 'Extract',
		parameters: extract({ binarySelection: 'all' }),
		unusable: [EMPTY_PDF, NOTES_TXT],
		successes: 3,
		sent: (emulator) => {
			// Two PDFs of the mail plus the clean item's PDF; the PNG goes inline.
			expect(emulator.requests({ method: 'POST', path: '/files' })).toHaveLength(3);
			expect(emulator.requests({ method: 'POST', path: '/document/generate' })).toHaveLength(3);
			expect(emulator.requests({ method: 'POST', path: '/image/generate' })).toHaveLength(1);
		},
	},
	{
		node: 'execution',
		name: 'Execution Run',
		parameters: runAgent({ binarySelection: 'all' }),
		unusable: [EMPTY_PDF, NOTES_TXT],
		successes: 1,
		sent: (emulator) => {
			const executions = emulator.requests({ method: 'POST', path: '/agent/execute' });
			expect(executions).toHaveLength(2);
			const inputs = executions.map((request) =>
				Object.keys((request.body as IDataObject).inputs as IDataObject).sort(),
			);
			expect(inputs).toContainEqual(['attachment_0', 'attachment_1', 'attachment_2']);
			expect(emulator.requests({ method: 'POST', path: '/files' })).toHaveLength(4);
		},
	},
	{
		node: 'chat',
		name: 'Chat attachments',
		parameters: chatMessage({ binarySelection: 'all' }),
		unusable: [EMPTY_PDF, NOTES_TXT],
		successes: 1,
		chatInput: true,
		sent: (emulator) => {
			const chats = emulator.requests({ method: 'POST', path: '/openai/chat/completions' });
			expect(chats).toHaveLength(2);
			const parts = chats.map((request) => {
				const messages = (request.body as IDataObject).messages as IDataObject[];
				const content = messages.at(-1)?.content as IDataObject[];
				return content.map((part) => part.type);
			});
			expect(parts).toContainEqual(['input_file', 'input_file', 'image_url', 'text']);
		},
	},
	{
		node: 'request',
		name: 'File Upload',
		// VLM Run's file store takes any type, so only the empty file is unusable.
		parameters: { resource: 'file', operation: 'upload', binarySelection: 'all' },
		unusable: [EMPTY_PDF],
		successes: 4,
		sent: (emulator) => {
			expect(emulator.requests({ method: 'POST', path: '/files' })).toHaveLength(5);
		},
	},
];

describe('Bad-input catalogue: good and bad files in one item', () => {
	const items = async (row: MixedCase) => {
		const json = row.chatInput ? chatItem('Read these') : {};
		return [await file(pdf(), json), await mail(json)];
	};
	const run = async (row: MixedCase, onError?: WorkflowNode['onError']) =>
		await runNode(vlmNode(NODE_NAMES[row.node], row.parameters, onError ? { onError } : {}), {
			nodeTypes: [NODE_TYPES[row.node]],
			inputItems: await items(row),
			credentials: env.credentials(),
		});
	const unusableMessage = (row: MixedCase) =>
		row.unusable.length === 1
			? oneFile(row.unusable[0])
			: `${row.unusable.length} files cannot be sent to VLM Run: ${row.unusable.join('; ')}`;

	it.each(mixedCases.map((row) => [row.name, row] as const))(
		'%s, stop on error: one error names every unusable file, before any request',
		async (_title, row) => {
			const result = await run(row);
			expect(result.status).toBe('error');
			const error = result.nodeError('VLM Run') as unknown as IDataObject & {
				context?: IDataObject;
			};
			expect(error.message).toBe(unusableMessage(row));
			expect(error.description).toMatch(/turn on the option Skip Unsupported Files/);
			expect(error.context?.itemIndex).toBe(1);
			expect(env.emulator.requests()).toEqual([]);
		},
	);

	it.each(mixedCases.map((row) => [row.name, row] as const))(
		'%s, continue (regular output): an error item per unusable file, the usable files processed',
		async (_title, row) => {
			const result = await run(row, 'continueRegularOutput');
			expect(result.status).toBe('success');
			const errors = result.items.filter((item) => 'error' in item.json);
			const successes = result.items.filter((item) => !('error' in item.json));
			expect(errors.map((item) => item.json.error)).toEqual(row.unusable.map(oneFile));
			expect(errors.map((item) => item.pairedItem)).toEqual(row.unusable.map(() => ({ item: 1 })));
			expect(successes).toHaveLength(row.successes + 1);
			expect(
				successes.filter((item) => (item.pairedItem as IPairedItemData).item === 1),
			).toHaveLength(row.successes);
			row.sent(env.emulator);
		},
	);

	it.each(mixedCases.map((row) => [row.name, row] as const))(
		'%s, continue (using error output): the usable files on the success output, the others on the error output',
		async (_title, row) => {
			const result = await run(row, 'continueErrorOutput');
			expect(result.status).toBe('success');
			const good = result.outputs('VLM Run', { output: 0 });
			const bad = result.outputs('VLM Run', { output: 1 });
			expect(good).toHaveLength(row.successes + 1);
			expect(good.every((item) => !('error' in item.json))).toBe(true);
			expect(bad.map((item) => item.json.error)).toEqual(row.unusable.map(oneFile));
			row.sent(env.emulator);
		},
	);

	it('Skip Unsupported Files leaves the unusable files out and names them on every output item', async () => {
		const row = mixedCases[0];
		const result = await run({
			...row,
			parameters: extract({ binarySelection: 'all', options: { skipUnsupported: true } }),
		});
		expect(result.status).toBe('success');
		const mailItems = result.items.filter(
			(item) => (item.pairedItem as IPairedItemData).item === 1,
		);
		expect(mailItems.map((item) => (item.json.vlmrun as IDataObject).fileName)).toEqual([
			'invoice-1.pdf',
			'invoice-2.pdf',
			'receipt.png',
		]);
		for (const item of mailItems) {
			expect((item.json.vlmrun as IDataObject).skippedFiles).toEqual([
				{
					fileName: 'empty.pdf',
					binaryProperty: 'attachment_3',
					mimeType: 'application/pdf',
					bytes: 0,
					reason: 'it is empty',
				},
				{
					fileName: 'notes.txt',
					binaryProperty: 'attachment_4',
					mimeType: 'text/plain',
					bytes: 14,
					reason: 'VLM Run does not read this file type',
				},
			]);
		}
		expect((result.items[0].json.vlmrun as IDataObject).skippedFiles).toBeUndefined();
		row.sent(env.emulator);
	});
});

/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals, no-console */
/**
 * Proves the workflow test layer with a throwaway node: every behaviour here runs
 * through n8n-core's WorkflowExecute and real node execution contexts.
 */
import { existsSync, readdirSync } from 'node:fs';
import { createServer } from 'node:http';
import type { IncomingHttpHeaders, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

import { NodeApiError, NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';
import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';

import { startEmulator } from '../emulator';
import {
	connect,
	createBinaryItem,
	getEnvironment,
	runNode,
	runWorkflow,
	shutdownHarness,
	startWorkflow,
} from './harness';

// ---------------------------------------------------------------------------
// Loopback server recording every request
// ---------------------------------------------------------------------------

interface Recorded {
	method: string;
	url: string;
	headers: IncomingHttpHeaders;
	body: Buffer;
	at: number;
}

let server: Server;
let baseUrl: string;
const requests: Recorded[] = [];

beforeAll(async () => {
	await getEnvironment();
	server = createServer((req, res) => {
		const parts: Buffer[] = [];
		req.on('data', (part: Buffer) => parts.push(part));
		req.on('end', () => {
			const body = Buffer.concat(parts);
			requests.push({
				method: req.method ?? '',
				url: req.url ?? '',
				headers: req.headers,
				body,
				at: Date.now(),
			});
			if (process.env.WORKFLOW_HARNESS_DEBUG) console.log(`[loopback] ${req.method} ${req.url}`);
			if (req.url?.startsWith('/v1/fail')) {
				res.writeHead(422, { 'content-type': 'application/json' });
				res.end(JSON.stringify({ detail: 'Invalid file type' }));
				return;
			}
			res.writeHead(200, { 'content-type': 'application/json' });
			res.end(
				JSON.stringify({
					path: req.url,
					authorization: req.headers.authorization ?? null,
					contentType: req.headers['content-type'] ?? null,
					bytes: body.length,
				}),
			);
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
});

afterAll(async () => {
	await new Promise<void>((resolve) => server.close(() => resolve()));
	await shutdownHarness();
});

beforeEach(() => {
	requests.length = 0;
});

// ---------------------------------------------------------------------------
// Throwaway node exercising the helpers our real nodes use
// ---------------------------------------------------------------------------

class HarnessProbe implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Harness Probe',
		name: 'harnessProbe',
		group: ['transform'],
		version: 1,
		description: 'Test-only node',
		defaults: { name: 'Probe' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		usableAsTool: true,
		credentials: [{ name: 'vlmRunApi', required: true }],
		properties: [
			{
				displayName: 'Operation',
				name: 'operation',
				type: 'options',
				default: 'get',
				options: [
					{ name: 'Get', value: 'get' },
					{ name: 'Upload', value: 'upload' },
					{ name: 'Fail', value: 'fail' },
					{ name: 'Stream', value: 'stream' },
					{ name: 'Poll', value: 'poll' },
					{ name: 'Credentials', value: 'credentials' },
				],
			},
			{ displayName: 'Path', name: 'path', type: 'string', default: '/ping' },
			{
				displayName: 'Input Binary Field',
				name: 'binaryPropertyName',
				type: 'string',
				default: 'data',
			},
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		const out: INodeExecutionData[] = [];
		const credentials = await this.getCredentials<{ baseUrl: string; webhookSecret: string }>(
			'vlmRunApi',
		);
		for (let i = 0; i < items.length; i++) {
			try {
				const operation = this.getNodeParameter('operation', i) as string;
				const path = this.getNodeParameter('path', i) as string;
				const url = `${credentials.baseUrl}${path}`;
				if (operation === 'get') {
					const body = (await this.helpers.httpRequestWithAuthentication.call(this, 'vlmRunApi', {
						url,
						json: true,
					})) as IDataObject;
					out.push({ json: { ...body, streaming: this.isStreaming() }, pairedItem: { item: i } });
				} else if (operation === 'upload') {
					const property = this.getNodeParameter('binaryPropertyName', i) as string;
					const meta = this.helpers.assertBinaryData(i, property);
					const buffer = await this.helpers.getBinaryDataBuffer(i, property);
					const form = new FormData();
					form.append('file', new Blob([buffer], { type: meta.mimeType }), meta.fileName);
					const body = (await this.helpers.httpRequestWithAuthentication.call(this, 'vlmRunApi', {
						url,
						method: 'POST',
						body: form,
						json: true,
					})) as IDataObject;
					const echoed = await this.helpers.prepareBinaryData(
						Buffer.concat([Buffer.from('echo:'), buffer]),
						`echo-${meta.fileName ?? 'file'}`,
						meta.mimeType,
					);
					out.push({
						json: { ...body, inputId: meta.id ?? null },
						binary: { data: echoed },
						pairedItem: { item: i },
					});
				} else if (operation === 'fail') {
					if (items[i].json.bad) {
						throw new NodeOperationError(this.getNode(), `Item ${i} is bad`, { itemIndex: i });
					}
					try {
						await this.helpers.httpRequestWithAuthentication.call(this, 'vlmRunApi', {
							url,
							json: true,
						});
					} catch (error) {
						throw new NodeApiError(this.getNode(), error as never, {
							message: 'VLM Run rejected the request',
							itemIndex: i,
						});
					}
					out.push({ json: { ok: true }, pairedItem: { item: i } });
				} else if (operation === 'stream') {
					if (this.isStreaming()) {
						this.sendChunk('begin', i);
						for (const word of ['Hello', ' world']) this.sendChunk('item', i, word);
						this.sendChunk('end', i);
					}
					out.push({ json: { streamed: this.isStreaming() }, pairedItem: { item: i } });
				} else if (operation === 'credentials') {
					const { baseUrl: base, webhookSecret } = credentials;
					out.push({ json: { baseUrl: base, webhookSecret }, pairedItem: { item: i } });
				} else if (operation === 'poll') {
					const signal = this.getExecutionCancelSignal();
					let polls = 0;
					while (!signal?.aborted) {
						await this.helpers.httpRequestWithAuthentication.call(this, 'vlmRunApi', {
							url: `${url}?n=${++polls}`,
							json: true,
						});
						await new Promise<void>((resolve) => {
							const timer = setTimeout(resolve, 50);
							signal?.addEventListener('abort', () => {
								clearTimeout(timer);
								resolve();
							});
						});
					}
					out.push({ json: { polls, aborted: true }, pairedItem: { item: i } });
				}
			} catch (error) {
				if (this.continueOnFail()) {
					out.push({ json: { error: (error as Error).message }, pairedItem: { item: i } });
					continue;
				}
				// eslint-disable-next-line @n8n/community-nodes/require-node-api-error -- already a NodeApiError/NodeOperationError
				throw error;
			}
		}
		return [out];
	}
}

const credentials = () => ({ vlmRunApi: { apiKey: 'sk-test-123', baseUrl } });

// ---------------------------------------------------------------------------

describe('workflow harness', () => {
	it('runs a node with real HTTP, applying the Bearer header from the credential', async () => {
		const result = await runWorkflow({
			nodeTypes: [HarnessProbe],
			credentials: credentials(),
			inputItems: [{ json: { id: 'a' } }, { json: { id: 'b' } }],
			nodes: [
				{
					name: 'Probe',
					type: 'harnessProbe',
					parameters: { operation: 'get', path: '=/items/{{ $json.id }}' },
				},
			],
		});

		expect(result.error).toBeUndefined();
		expect(result.status).toBe('success');
		expect(result.executionOrder).toEqual(['Start', 'Probe']);
		expect(result.outputs('Probe')).toEqual([
			{
				json: {
					path: '/v1/items/a',
					authorization: 'Bearer sk-test-123',
					contentType: null,
					bytes: 0,
					streaming: false,
				},
				pairedItem: { item: 0 },
			},
			{
				json: {
					path: '/v1/items/b',
					authorization: 'Bearer sk-test-123',
					contentType: null,
					bytes: 0,
					streaming: false,
				},
				pairedItem: { item: 1 },
			},
		]);
		expect(requests.map((r) => r.headers.authorization)).toEqual([
			'Bearer sk-test-123',
			'Bearer sk-test-123',
		]);
		expect(result.credentialLookups[0]).toMatchObject({ type: 'vlmRunApi' });
	});

	it('fills credential defaults like n8n (baseUrl not stored → type default)', async () => {
		const result = await runNode(
			{ name: 'Probe', type: 'harnessProbe', parameters: { operation: 'credentials' } },
			{ nodeTypes: [HarnessProbe], credentials: { vlmRunApi: { apiKey: 'k' } } },
		);
		expect(result.items[0].json).toEqual({ baseUrl: 'https://api.vlm.run/v1', webhookSecret: '' });
		expect(requests).toHaveLength(0);
	});

	it('reads a binary input from the filesystem binary store and writes a binary output', async () => {
		const env = await getEnvironment();
		const input = await createBinaryItem(
			{
				document: {
					data: Buffer.from('%PDF-1.4 test'),
					fileName: 'invoice.pdf',
					mimeType: 'application/pdf',
				},
			},
			{ n: 1 },
		);
		const stored = input.binary!.document;
		expect(stored.id).toMatch(/^filesystem-v2:/);
		expect(stored.data).toBe('filesystem-v2');
		expect(existsSync(env.storagePath)).toBe(true);

		const result = await runWorkflow({
			nodeTypes: [HarnessProbe],
			credentials: credentials(),
			inputItems: [input],
			nodes: [
				{
					name: 'Probe',
					type: 'harnessProbe',
					parameters: { operation: 'upload', path: '/files', binaryPropertyName: 'document' },
				},
			],
		});

		expect(result.error).toBeUndefined();
		const [item] = result.outputs('Probe');
		expect(item.json).toMatchObject({
			path: '/v1/files',
			authorization: 'Bearer sk-test-123',
			inputId: stored.id,
		});
		expect(String(item.json.contentType)).toMatch(/^multipart\/form-data; boundary=/);
		const upload = requests[0].body.toString('latin1');
		expect(upload).toContain('filename="invoice.pdf"');
		expect(upload).toContain('Content-Type: application/pdf');
		expect(upload).toContain('%PDF-1.4 test');

		const output = item.binary!.data;
		expect(output.id).toMatch(
			new RegExp(`^filesystem-v2:workflows/.+/executions/${result.executionId}/binary_data/`),
		);
		expect(output).toMatchObject({ fileName: 'echo-invoice.pdf', mimeType: 'application/pdf' });
		expect((await result.binaryData(item)).toString()).toBe('echo:%PDF-1.4 test');
		expect(readdirSync(join(env.storagePath, 'workflows')).length).toBeGreaterThan(0);
	});

	it('fails the node with the n8n assertBinaryData message when the binary is missing', async () => {
		const result = await runWorkflow({
			nodeTypes: [HarnessProbe],
			credentials: credentials(),
			nodes: [
				{
					name: 'Probe',
					type: 'harnessProbe',
					parameters: { operation: 'upload', path: '/files' },
				},
			],
		});
		expect(result.status).toBe('error');
		expect(result.nodeError('Probe')?.message).toContain(
			"expects the node's input data to contain a binary file 'data'",
		);
		expect(result.error?.message).toBe(result.nodeError('Probe')?.message);
	});

	describe('errors', () => {
		const inputItems = [{ json: { bad: false } }, { json: { bad: true } }];

		it('continueOnFail turns a thrown error into an error item with pairedItem', async () => {
			const result = await runWorkflow({
				nodeTypes: [HarnessProbe],
				credentials: credentials(),
				inputItems,
				nodes: [
					{
						name: 'Probe',
						type: 'harnessProbe',
						parameters: { operation: 'fail', path: '/ok' },
						continueOnFail: true,
					},
				],
			});
			expect(result.status).toBe('success');
			expect(result.outputs('Probe')).toEqual([
				{ json: { ok: true }, pairedItem: { item: 0 } },
				{ json: { error: 'Item 1 is bad' }, pairedItem: { item: 1 } },
			]);
		});

		it("onError 'continueErrorOutput' routes error items to output 1", async () => {
			const result = await runWorkflow({
				nodeTypes: [HarnessProbe],
				credentials: credentials(),
				inputItems,
				nodes: [
					{
						name: 'Probe',
						type: 'harnessProbe',
						parameters: { operation: 'fail', path: '/ok' },
						onError: 'continueErrorOutput',
					},
				],
			});
			expect(result.outputs('Probe', { output: 0 })).toEqual([
				{ json: { ok: true }, pairedItem: { item: 0 } },
			]);
			// n8n merges the paired input item's json into items it routes to the error output.
			expect(result.outputs('Probe', { output: 1 })).toEqual([
				{ json: { bad: true, error: 'Item 1 is bad' }, pairedItem: { item: 1 } },
			]);
		});

		it('without continueOnFail the execution fails with the NodeApiError thrown by the HTTP helper', async () => {
			const result = await runNode(
				{ name: 'Probe', type: 'harnessProbe', parameters: { operation: 'fail', path: '/fail' } },
				{ nodeTypes: [HarnessProbe], credentials: credentials() },
			);
			expect(result.status).toBe('error');
			// The engine stores a spread copy of the thrown error in the run data (not an instance).
			// httpRequestWithAuthentication already throws a NodeApiError, and re-wrapping one
			// returns it unchanged: the `message` option above is ignored, n8n's generic 4XX
			// text stays, and the API body is only under context.data.
			expect(result.nodeError('Probe')).toMatchObject({
				name: 'NodeApiError',
				message: 'Your request is invalid or could not be processed by the service',
				httpCode: '422',
				description: 'Request failed with status code 422',
				context: { data: { detail: 'Invalid file type' } },
			});
			expect(result.error?.message).toBe(
				'Your request is invalid or could not be processed by the service',
			);
			expect(result.task('Probe').executionStatus).toBe('error');
		});
	});

	it('executeOnce runs the node for the first item only', async () => {
		const result = await runNode(
			{
				name: 'Probe',
				type: 'harnessProbe',
				parameters: { operation: 'get', path: '=/once/{{ $json.id }}' },
				executeOnce: true,
			},
			{
				nodeTypes: [HarnessProbe],
				credentials: credentials(),
				inputItems: [{ json: { id: 1 } }, { json: { id: 2 } }],
			},
		);
		expect(result.items).toHaveLength(1);
		expect(requests.map((r) => r.url)).toEqual(['/v1/once/1']);
	});

	it('uses pinned data instead of executing a node, feeding it downstream', async () => {
		const connections = connect({}, 'Upstream', 'Probe');
		const result = await runWorkflow({
			nodeTypes: [HarnessProbe],
			credentials: credentials(),
			connections,
			pinData: { Upstream: [{ json: { id: 'pinned' } }] },
			nodes: [
				{
					name: 'Upstream',
					type: 'harnessProbe',
					parameters: { operation: 'fail', path: '/never' },
				},
				{
					name: 'Probe',
					type: 'harnessProbe',
					parameters: { operation: 'get', path: '=/p/{{ $json.id }}' },
				},
			],
		});
		expect(result.error).toBeUndefined();
		expect(requests.map((r) => r.url)).toEqual(['/v1/p/pinned']);
		expect(result.outputs('Upstream')).toEqual([
			{ json: { id: 'pinned' }, pairedItem: { item: 0 } },
		]);
	});

	it('captures chunks in a streaming run, and isStreaming() is false otherwise', async () => {
		const node = { name: 'Probe', type: 'harnessProbe', parameters: { operation: 'stream' } };
		const streamed = await runNode(node, {
			nodeTypes: [HarnessProbe],
			credentials: credentials(),
			streaming: true,
		});
		expect(streamed.items).toEqual([{ json: { streamed: true }, pairedItem: { item: 0 } }]);
		expect(
			streamed.chunks.map((c) => [
				c.type,
				c.content ?? null,
				c.metadata.nodeName,
				c.metadata.itemIndex,
			]),
		).toEqual([
			['begin', null, 'Probe', 0],
			['item', 'Hello', 'Probe', 0],
			['item', ' world', 'Probe', 0],
			['end', null, 'Probe', 0],
		]);

		const plain = await runNode(node, { nodeTypes: [HarnessProbe], credentials: credentials() });
		expect(plain.items).toEqual([{ json: { streamed: false }, pairedItem: { item: 0 } }]);
		expect(plain.chunks).toEqual([]);
	});

	it('cancels a running execution: the cancel signal fires and polling stops within 1 s', async () => {
		const running = startWorkflow({
			nodeTypes: [HarnessProbe],
			credentials: credentials(),
			nodes: [
				{ name: 'Probe', type: 'harnessProbe', parameters: { operation: 'poll', path: '/jobs/1' } },
			],
		});
		await running.nodeStarted('Probe');
		while (requests.length < 3) await new Promise((resolve) => setTimeout(resolve, 10));

		const canceledAt = Date.now();
		running.cancel();
		const finished = await running.finished;
		expect(finished.status).toBe('canceled');

		const result = await running.result;
		const settledAfter = Date.now() - canceledAt;
		expect(result.status).toBe('canceled');
		expect(settledAfter).toBeLessThan(1000);

		const countAtSettle = requests.length;
		await new Promise((resolve) => setTimeout(resolve, 300));
		expect(requests.length).toBe(countAtSettle);
		expect(requests.filter((r) => r.at > canceledAt + 1000)).toHaveLength(0);
	});

	it('talks to the VLM Run emulator: key accepted, wrong key → 401 NodeApiError', async () => {
		const emulator = await startEmulator();
		try {
			const node = {
				name: 'Probe',
				type: 'harnessProbe',
				parameters: { operation: 'get', path: '/health' },
			};
			const ok = await runNode(node, {
				nodeTypes: [HarnessProbe],
				credentials: { vlmRunApi: { apiKey: emulator.apiKey, baseUrl: emulator.baseUrl } },
			});
			expect(ok.status).toBe('success');
			const [recorded] = emulator.requests();
			expect(recorded).toMatchObject({ method: 'GET', path: '/health' });
			expect(recorded.headers.authorization).toBe('Bearer ***');

			const denied = await runNode(node, {
				nodeTypes: [HarnessProbe],
				credentials: { vlmRunApi: { apiKey: 'sk-wrong', baseUrl: emulator.baseUrl } },
			});
			expect(denied.status).toBe('error');
			expect(denied.nodeError('Probe')).toMatchObject({ name: 'NodeApiError', httpCode: '401' });
		} finally {
			await emulator.close();
		}
	});
});

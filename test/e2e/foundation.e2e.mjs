// Foundation: the package installs and loads in a real n8n, its credential test works through
// n8n's own REST endpoint, and a workflow using the Request node runs from the CLI against the
// VLM Run emulator. Run through test/e2e/run.mjs.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import {
	PACKAGE,
	createN8n,
	executeWorkflow,
	importCredentials,
	importWorkflow,
	nodeOutput,
	packageLoadErrors,
	startEmulator,
	startServer,
} from './n8n.mjs';

const REQUEST_NODE = `${PACKAGE.name}.vlmRunRequest`;
const WRONG_KEY = 'vlm-e2e-wrong-key-4f1c9a';
const INVOICE_URL = 'https://files.example.com/invoice.pdf';
const good = { id: 'vlmCredGood00001', name: 'VLM Run (emulator)', type: 'vlmRunApi' };
const wrong = { id: 'vlmCredWrong0001', name: 'VLM Run (wrong key)', type: 'vlmRunApi' };

describe('foundation', { timeout: 240_000 }, () => {
	let emulator;
	let n8n;

	before(async () => {
		emulator = await startEmulator();
		n8n = await createN8n();
		await importCredentials(n8n, [
			{ ...good, data: { apiKey: emulator.apiKey, baseUrl: emulator.baseUrl } },
			{ ...wrong, data: { apiKey: WRONG_KEY, baseUrl: emulator.baseUrl } },
		]);
	});

	after(async () => {
		await emulator?.close();
	});

	test('a workflow runs from the CLI: Get Domain Schema, and Extract from a URL', async () => {
		const credentials = { vlmRunApi: { id: good.id, name: good.name } };
		const invoice = { __rl: true, mode: 'id', value: 'document.invoice' };
		const id = await importWorkflow(n8n, {
			name: 'foundation: schema and extract',
			nodes: [
				{
					id: 'f0a1c2d3-0000-4000-8000-000000000001',
					name: 'Start',
					type: 'n8n-nodes-base.manualTrigger',
					typeVersion: 1,
					position: [0, 0],
					parameters: {},
				},
				{
					id: 'f0a1c2d3-0000-4000-8000-000000000002',
					name: 'Schema',
					type: REQUEST_NODE,
					typeVersion: 1,
					position: [220, -100],
					parameters: { resource: 'domain', operation: 'getSchema', domain: invoice },
					credentials,
				},
				{
					id: 'f0a1c2d3-0000-4000-8000-000000000003',
					name: 'Extract',
					type: REQUEST_NODE,
					typeVersion: 1,
					position: [220, 100],
					parameters: {
						resource: 'prediction',
						operation: 'extract',
						inputSource: 'url',
						urls: INVOICE_URL,
						domain: invoice,
					},
					credentials,
				},
			],
			connections: {
				Start: {
					main: [
						[
							{ node: 'Schema', type: 'main', index: 0 },
							{ node: 'Extract', type: 'main', index: 0 },
						],
					],
				},
			},
		});

		const result = await executeWorkflow(n8n, id);
		assert.equal(result.code, 0, result.error);
		assert.equal(result.run.status, 'success');
		assert.deepEqual(packageLoadErrors(result.stdout + result.stderr), []);

		const [schema, ...moreSchemas] = nodeOutput(result.run, 'Schema');
		assert.equal(moreSchemas.length, 0);
		assert.equal(schema.domain, 'document.invoice');
		assert.equal(schema.json_schema?.type, 'object');
		assert.ok(Object.keys(schema.json_schema.properties ?? {}).length > 0, 'schema has properties');

		const [extracted, ...moreExtracted] = nodeOutput(result.run, 'Extract');
		assert.equal(moreExtracted.length, 0);
		assert.equal(typeof extracted.invoice_id, 'string');
		assert.equal(extracted.vlmrun?.status, 'completed');
		assert.equal(extracted.vlmrun?.domain, 'document.invoice');
		assert.equal(extracted.vlmrun?.url, INVOICE_URL);

		const [schemaCall, ...moreSchemaCalls] = emulator.requests({ method: 'POST', path: '/schema' });
		assert.equal(moreSchemaCalls.length, 0, 'one POST /v1/schema');
		assert.deepEqual(schemaCall.body, { domain: 'document.invoice' });
		const [generate, ...moreGenerates] = emulator.requests({
			method: 'POST',
			path: '/document/generate',
		});
		assert.equal(moreGenerates.length, 0, 'one POST /v1/document/generate');
		assert.equal(generate.body.url, INVOICE_URL);
		assert.equal(generate.body.domain, 'document.invoice');

		const calls = emulator.requests();
		assert.ok(calls.length >= 2);
		for (const call of calls) {
			const what = `${call.method} ${call.base}${call.path}`;
			assert.equal(call.base, '/v1', what);
			assert.equal(
				call.headers.authorization,
				'Bearer ***',
				`${what}: Authorization sent, redacted in the log`,
			);
			assert.equal(call.headers['x-client-id'], `${PACKAGE.name}/${PACKAGE.version}`, what);
		}
	});

	describe('in server mode', () => {
		let server;

		before(async () => {
			server = await startServer(n8n);
		});

		after(async () => {
			await server?.stop();
		});

		test('the editor lists the node and credential types, and nothing failed to load', async () => {
			const { nodes, credentials } = await server.nodeTypes();
			const node = nodes.find((n) => n.name === REQUEST_NODE);
			assert.ok(node, `${REQUEST_NODE} is among the ${nodes.length} node types`);
			assert.deepEqual(node.credentials, [{ name: 'vlmRunApi', required: true }]);
			assert.ok(
				credentials.some((c) => c.name === 'vlmRunApi'),
				'credential type vlmRunApi listed',
			);
			assert.deepEqual(packageLoadErrors(server.logs()), []);
		});

		// The editor's "Test" button: it sends the stored credential back with its secrets redacted,
		// and n8n restores them from the database before running the credential's test request.
		async function testCredential(cred) {
			const stored = await server.rest('GET', `/credentials/${cred.id}?includeData=true`);
			assert.notEqual(stored.data.apiKey, emulator.apiKey, 'the editor never sees the key');
			return await server.rest('POST', '/credentials/test', {
				credentials: { id: stored.id, name: stored.name, type: stored.type, data: stored.data },
			});
		}

		test('the credential test passes with the right key', async () => {
			const result = await testCredential(good);
			assert.equal(result.status, 'OK', JSON.stringify(result));
		});

		test('the credential test fails with a wrong key, without echoing the key', async () => {
			const seen = emulator.requests().length;
			const result = await testCredential(wrong);
			assert.equal(result.status, 'Error', JSON.stringify(result));
			assert.ok(result.message, 'a reason is given');
			assert.ok(!result.message.includes(WRONG_KEY), 'the key is not in the message');
			const call = emulator.requests().slice(seen).at(-1);
			assert.ok(call, 'the test request reached the emulator');
			assert.equal(call.headers.authorization, 'Bearer ***');
		});
	});
});

// Execution: a document package delivered one document per item (three items, one PDF each) runs
// in a real n8n as ONE agent execution of the VLM Run Execution node, and the image artifact the
// agent returns arrives as a binary of the output item. Run through test/e2e/run.mjs.
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
	packageLoadErrors,
	startEmulator,
	startServer,
	workflowNode,
} from './n8n.mjs';

const EXECUTION_NODE = `${PACKAGE.name}.vlmRunExecution`;
const DOCUMENTS = ['invoice-1.pdf', 'invoice-2.pdf', 'contract.pdf'];

/** Puts a fixture on the emulator's blob store, so n8n's HTTP Request node can download it. */
async function hostFixture(emulator, fileName) {
	const form = new FormData();
	const bytes = await readFile(join(REPO_ROOT, 'test', 'fixtures', fileName));
	form.append('file', new Blob([bytes], { type: 'application/pdf' }), fileName);
	const response = await fetch(
		`${emulator.baseUrl}/files?purpose=assistants&generate_public_url=true`,
		{
			method: 'POST',
			headers: { Authorization: `Bearer ${emulator.apiKey}` },
			body: form,
		},
	);
	assert.equal(response.status, 201);
	return (await response.json()).public_url;
}

function packageWorkflow(credential, urls) {
	return {
		name: 'execution: three documents, one execution',
		nodes: [
			workflowNode('Start', 'n8n-nodes-base.manualTrigger'),
			workflowNode(
				'Documents',
				'n8n-nodes-base.code',
				{ jsCode: `return ${JSON.stringify(urls)}.map((url) => ({ json: { url } }));` },
				{ typeVersion: 2 },
			),
			workflowNode(
				'Download',
				'n8n-nodes-base.httpRequest',
				{
					url: '={{ $json.url }}',
					options: { response: { response: { responseFormat: 'file' } } },
				},
				{ typeVersion: 4.2 },
			),
			workflowNode(
				'Package',
				EXECUTION_NODE,
				{
					resource: 'execution',
					operation: 'run',
					prompt: 'Check that the three files belong together and render an image of the result.',
					grouping: 'allItems',
				},
				{ credentials: { vlmRunApi: { id: credential.id, name: credential.name } } },
			),
		],
		connections: {
			Start: { main: [[{ node: 'Documents', type: 'main', index: 0 }]] },
			Documents: { main: [[{ node: 'Download', type: 'main', index: 0 }]] },
			Download: { main: [[{ node: 'Package', type: 'main', index: 0 }]] },
		},
	};
}

describe('execution', { timeout: 300_000 }, () => {
	let emulator;
	let n8n;
	let credential;

	before(async () => {
		emulator = await startEmulator({ jobMode: 'time', jobDurationMs: 200 });
		n8n = await createN8n();
		credential = { id: 'vlmCredExec00001', name: 'VLM Run (emulator)', type: 'vlmRunApi' };
		await importCredentials(n8n, [
			{ ...credential, data: { apiKey: emulator.apiKey, baseUrl: emulator.baseUrl } },
		]);
	});

	after(async () => {
		await emulator?.close();
	});

	test('three items with one document each run as one execution, and its artifact arrives as a binary', async () => {
		const urls = [];
		for (const fileName of DOCUMENTS) urls.push(await hostFixture(emulator, fileName));
		emulator.clearRequests();
		const id = await importWorkflow(n8n, packageWorkflow(credential, urls));

		const result = await executeWorkflow(n8n, id);
		assert.equal(result.code, 0, `n8n execute failed:\n${result.stdout}\n${result.stderr}`);
		assert.equal(result.run.status, 'success');
		assert.deepEqual(packageLoadErrors(result.stdout + result.stderr), []);

		const executes = emulator.requests({ method: 'POST', path: '/agent/execute' });
		assert.equal(executes.length, 1, 'one execution for the three items');
		assert.deepEqual(Object.keys(executes[0].body.inputs), ['data', 'data_2', 'data_3']);
		assert.equal(executes[0].body.batch, true);
		assert.equal(
			emulator.requests({ method: 'POST', path: '/files' }).length,
			3,
			'each document uploaded',
		);

		const items = result.run.data.resultData.runData.Package[0].data.main[0];
		assert.equal(items.length, 1);
		const [item] = items;
		assert.deepEqual(item.pairedItem, [{ item: 0 }, { item: 1 }, { item: 2 }]);
		const { vlmrun } = item.json;
		assert.equal(vlmrun.status, 'completed');
		assert.deepEqual(
			vlmrun.inputs.map((input) => input.itemIndex),
			[0, 1, 2],
		);
		const ref = item.json.artifacts.image.id;
		assert.match(ref, /^img_\w{6}$/);
		assert.equal(item.binary?.[ref]?.mimeType, 'image/png');
		assert.equal(item.binary?.[ref]?.fileName, `${ref}.png`);
		const [download] = emulator.requests({ method: 'GET', path: '/artifacts' });
		assert.deepEqual(download.query, { object_id: ref, execution_id: vlmrun.executionId });
	});

	test('the editor offers the node, and its AI-tool variant', async () => {
		const server = await startServer(n8n);
		try {
			const { nodes } = await server.nodeTypes();
			assert.ok(
				nodes.some((node) => node.name === EXECUTION_NODE),
				`${EXECUTION_NODE} is listed`,
			);
			assert.ok(
				nodes.some((node) => node.name === `${EXECUTION_NODE}Tool`),
				'usableAsTool gives a tool variant',
			);
			// The completion modes each variant shows (n8n's @tool rule): a tool cannot pause the
			// execution, so it is never offered Wait for Callback.
			const modes = (name, asTool) => {
				const node = nodes.find((candidate) => candidate.name === name);
				return node.properties
					.filter(
						(property) =>
							property.name === 'completion' &&
							property.displayOptions?.show?.operation?.includes('run') &&
							(property.displayOptions.show['@tool'] ?? [asTool]).includes(asTool),
					)
					.flatMap((property) => property.options.map((option) => option.value));
			};
			assert.deepEqual(modes(EXECUTION_NODE, false), [
				'waitForResult',
				'waitForCallback',
				'submitOnly',
			]);
			assert.deepEqual(modes(`${EXECUTION_NODE}Tool`, true), ['waitForResult', 'submitOnly']);
			assert.deepEqual(packageLoadErrors(server.logs()), []);
		} finally {
			await server.stop();
		}
	});
});

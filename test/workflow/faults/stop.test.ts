// A node that fails (stop on error) orphans nothing: no upload or job starts after the failure,
// the polls of its other jobs stop at once, and the jobs it created that still run are named in the
// error, so the user can find them.
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { VlmRunRequest } from '../../../nodes/VlmRun/VlmRunRequest.node';
import { createBinaryItem, runNode, startWorkflow } from '../harness';
import { useEmulator, vlmNode } from '../vlmrun';
import { numberedPdf, numberedPng, sleep } from './faults';

jest.setTimeout(60_000);

const env = useEmulator();

const extract = (maxConcurrency: number) =>
	vlmNode('vlmRunRequest', {
		resource: 'prediction',
		operation: 'extract',
		domain: { __rl: true, mode: 'id', value: 'document.receipt' },
		// Batch jobs, so that they stay running until the test finishes them.
		options: { maxConcurrency, synchronous: false },
	});

const pdfs = async (count: number): Promise<INodeExecutionData[]> =>
	await Promise.all(
		Array.from({ length: count }, async (_, n) => await createBinaryItem({ data: numberedPdf(n) })),
	);

async function until(condition: () => boolean) {
	while (!condition()) await sleep(10);
}

/** The `count` predictions the emulator created last, newest first, from its list route. */
async function newestPredictions(count: number): Promise<string[]> {
	const response = await fetch(`${env.emulator.baseUrl}/predictions?limit=${count}`, {
		headers: { authorization: `Bearer ${env.emulator.apiKey}` },
	});
	return ((await response.json()) as IDataObject[]).map((job) => String(job.id));
}

describe('Stop on error leaves nothing behind', () => {
	it('starts no further upload or job after a file is refused (Max Concurrent Requests 1)', async () => {
		env.emulator.configure({ jobMode: 'manual' });
		env.emulator.injectFault({ method: 'POST', path: '/document/generate', status: 422 });
		const before = env.emulator.jobsCreated().predictions;
		const result = await runNode(extract(1), {
			nodeTypes: [VlmRunRequest],
			inputItems: await pdfs(3),
			credentials: env.credentials(),
		});
		expect(result.status).toBe('error');
		expect(result.nodeError('VLM Run')?.message).toBe('VLM Run did not accept the request');
		// The first file was uploaded and refused; the second and third never left n8n.
		expect(env.emulator.requests({ method: 'POST', path: '/files' })).toHaveLength(1);
		expect(env.emulator.requests({ method: 'POST', path: '/document/generate' })).toHaveLength(1);
		expect(env.emulator.jobsCreated().predictions).toBe(before);
	});

	it('stops the polls of the other jobs when one fails, and names them in the error', async () => {
		// Jobs never finish on their own; the test fails one of them while all three are polled.
		env.emulator.configure({ jobMode: 'manual' });
		const before = env.emulator.jobsCreated().predictions;
		const images = await Promise.all(
			[0, 1, 2].map(async (n) => await createBinaryItem({ data: numberedPng(n) })),
		);
		const running = startWorkflow({
			nodeTypes: [VlmRunRequest],
			nodes: [extract(3)],
			inputItems: images,
			credentials: env.credentials(),
		});
		await until(() => env.emulator.jobsCreated().predictions - before === 3);
		const [failing, ...others] = await newestPredictions(3);
		await env.emulator.advanceJob(failing, 'failed');

		// The node's Timeout is 10 minutes and the other jobs never finish: the run ends only
		// because their polls stopped.
		const result = await running.result;
		expect(result.status).toBe('error');
		const error = result.nodeError('VLM Run') as unknown as IDataObject;
		expect(error.message).toBe(`VLM Run could not finish prediction ${failing}`);
		const stillRunning = String(error.description).split('still running on VLM Run')[1] ?? '';
		for (const id of others) expect(stillRunning).toContain(id);
		expect(stillRunning).not.toContain(failing);
		expect(env.emulator.jobsCreated().predictions - before).toBe(3);
		expect(env.emulator.requests({ method: 'POST', path: '/image/generate' })).toHaveLength(3);
	});
});

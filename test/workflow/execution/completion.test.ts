/* eslint-disable @n8n/community-nodes/no-restricted-globals */
import type { IDataObject } from 'n8n-workflow';

import { createBinaryItem } from '../harness';
import { useEmulator } from '../vlmrun';
import { executeBodies, pdfItem, run, runParams, vlmrunOf } from './execution';

const env = useEmulator();
jest.setTimeout(30_000);

const executionPolls = () =>
	env.emulator.requests({ method: 'GET', path: /^\/agent\/executions\// });

describe('Execution → Run: completion', () => {
	it('Wait for Result polls GET /agent/executions/{id} until the execution completes', async () => {
		env.emulator.configure({ jobMode: 'polls', pollsToComplete: 2 });
		const result = await run(env.credentials(), runParams(), [await pdfItem()]);
		expect(result.status).toBe('success');
		const polls = executionPolls();
		expect(polls).toHaveLength(2);
		expect(polls[0].path).toBe(
			`/agent/executions/${String(vlmrunOf(result.items[0]).executionId)}`,
		);
		expect(vlmrunOf(result.items[0]).status).toBe('completed');
	});

	it('Submit Only outputs the pending execution at once, with the callback URL sent along', async () => {
		const result = await run(
			env.credentials(),
			runParams({
				completion: 'submitOnly',
				callbackUrl: 'https://n8n.example.com/webhook/vlmrun',
			}),
			[await pdfItem()],
		);
		expect(result.status).toBe('success');
		expect(executionPolls()).toHaveLength(0);
		expect(executeBodies(env.emulator)[0]).toMatchObject({
			batch: true,
			callback_url: 'https://n8n.example.com/webhook/vlmrun',
		});
		expect(result.items[0].json).toMatchObject({
			id: expect.any(String),
			status: 'pending',
			response: null,
		});
		expect(vlmrunOf(result.items[0])).toMatchObject({ status: 'pending', artifacts: [] });
	});

	it('Wait for Result sends no callback URL even if one was typed before switching modes', async () => {
		await run(
			env.credentials(),
			runParams({ callbackUrl: 'https://n8n.example.com/webhook/vlmrun' }),
			[await pdfItem()],
		);
		expect(executeBodies(env.emulator)[0]).not.toHaveProperty('callback_url');
	});

	it('a failed execution fails the node naming the execution id and VLM Run message', async () => {
		const result = await run(
			env.credentials(),
			runParams({ prompt: 'Check this emulator-fail package' }),
			[await pdfItem()],
		);
		expect(result.status).toBe('error');
		const id = executionPolls()[0].path.split('/').pop();
		const error = result.nodeError('VLM Run');
		expect(error?.message).toBe(`VLM Run could not finish execution ${id}`);
		expect(error?.description).toMatch(
			/VLM Run said: Emulated failure: prompt contains emulator-fail/,
		);
	});

	it('an execution that outlives the timeout fails naming its id and last status', async () => {
		env.emulator.configure({ jobMode: 'manual' });
		const result = await run(env.credentials(), runParams({ timeout: 1 }), [await pdfItem()]);
		expect(result.status).toBe('error');
		const error = result.nodeError('VLM Run');
		expect(error?.message).toMatch(/^The execution [\w-]+ did not finish within 1 s$/);
		expect(error?.description).toContain('Its last status was "pending"');
	});

	it('follows a job advanced through the control API to completion', async () => {
		env.emulator.configure({ jobMode: 'manual' });
		const pending = run(env.credentials(), runParams({ timeout: 20 }), [await pdfItem()]);
		for (let attempt = 0; attempt < 50 && executeBodies(env.emulator).length === 0; attempt++) {
			await new Promise((resolve) => setTimeout(resolve, 50));
		}
		const submitted = env.emulator.requests({ method: 'POST', path: '/agent/execute' });
		expect(submitted).toHaveLength(1);
		await new Promise((resolve) => setTimeout(resolve, 1500));
		const polled = executionPolls();
		expect(polled.length).toBeGreaterThanOrEqual(1);
		await env.emulator.advanceJob(polled[0].path.split('/').pop() as string, 'completed');
		const result = await pending;
		expect(result.status).toBe('success');
		expect(vlmrunOf(result.items[0]).status).toBe('completed');
	});

	it('with continue on fail, a failed execution becomes an error item and the other items still succeed', async () => {
		const items = [
			await pdfItem('invoice-1.pdf', { prompt: 'Summarise.' }),
			await pdfItem('invoice-2.pdf', { prompt: 'emulator-fail here' }),
			await pdfItem('contract.pdf', { prompt: 'Summarise.' }),
		];
		const result = await run(
			env.credentials(),
			runParams({ prompt: '={{ $json.prompt }}' }),
			items,
			{
				onError: 'continueRegularOutput',
			},
		);
		expect(result.status).toBe('success');
		expect(result.items).toHaveLength(3);
		expect(result.items.map((item) => item.pairedItem)).toEqual([
			{ item: 0 },
			{ item: 1 },
			{ item: 2 },
		]);
		expect(vlmrunOf(result.items[0]).status).toBe('completed');
		expect(result.items[1].json.error).toMatch(/^VLM Run could not finish execution /);
		expect(vlmrunOf(result.items[2]).status).toBe('completed');
	});

	it('with continue on fail, bad input of one item does not stop the others, also when grouped', async () => {
		const items = [
			await pdfItem('invoice-1.pdf'),
			{ json: { note: 'no file' } },
			await pdfItem('contract.pdf'),
		];
		const result = await run(env.credentials(), runParams({ grouping: 'allItems' }), items, {
			onError: 'continueRegularOutput',
		});
		expect(result.status).toBe('success');
		expect(result.items).toHaveLength(2);
		expect(result.items[0].pairedItem).toEqual([{ item: 0 }, { item: 2 }]);
		expect(Object.keys(executeBodies(env.emulator)[0].inputs as IDataObject)).toEqual([
			'data',
			'data_2',
		]);
		expect(result.items[1]).toMatchObject({
			pairedItem: { item: 1 },
			json: { error: 'The item has no binary field "data"' },
		});
	});

	it('with continue on fail, a failed grouped execution gives one error item paired to every item', async () => {
		const items = [
			await pdfItem(),
			await createBinaryItem({
				data: { data: 'x', fileName: 'emulator-fail.pdf', mimeType: 'application/pdf' },
			}),
		];
		const result = await run(env.credentials(), runParams({ grouping: 'allItems' }), items, {
			onError: 'continueRegularOutput',
		});
		expect(result.status).toBe('success');
		expect(result.items).toHaveLength(1);
		expect(result.items[0].pairedItem).toEqual([{ item: 0 }, { item: 1 }]);
		expect(result.items[0].json.error).toMatch(/^VLM Run could not finish execution /);
	});

	it('never has more executions in flight than Max Concurrent Requests', async () => {
		// Executions finish only when advanced, so what is in flight is decided here, not by timing.
		env.emulator.configure({ jobMode: 'manual' });
		const items = await Promise.all(Array.from({ length: 4 }, async () => await pdfItem()));
		const pending = run(
			env.credentials(),
			runParams({ timeout: 60, options: { maxConcurrency: 2 } }),
			items,
		);
		const submits = () => env.emulator.requests({ method: 'POST', path: '/agent/execute' });
		const polledIds = () => [
			...new Set(executionPolls().map((call) => call.path.split('/').pop())),
		];
		const until = async (done: () => boolean) => {
			for (let attempt = 0; attempt < 200 && !done(); attempt++) {
				await new Promise((resolve) => setTimeout(resolve, 50));
			}
			expect(done()).toBe(true);
		};

		await until(() => polledIds().length === 2);
		expect(submits()).toHaveLength(2);
		await env.emulator.advanceJob(polledIds()[0] as string, 'completed');
		await until(() => polledIds().length === 3);
		expect(submits()).toHaveLength(3);
		for (const id of polledIds().slice(1)) await env.emulator.advanceJob(id as string, 'completed');
		await until(() => polledIds().length === 4);
		expect(submits()).toHaveLength(4);
		await env.emulator.advanceJob(polledIds()[3] as string, 'completed');

		const result = await pending;
		expect(result.status).toBe('success');
		expect(result.items.map((item) => item.pairedItem)).toEqual(items.map((_, item) => ({ item })));
	});
});

import { sleep } from 'n8n-workflow';
import type { IDataObject } from 'n8n-workflow';

import { operationMap, type Operation } from '../../../nodes/VlmRun/shared/router';
import { failOperation, runOperation } from '../fakeContext';

const items = (count: number) => Array.from({ length: count }, (_, n) => ({ json: { n } }));
const parameters = (capacity: number) => ({
	resource: 'thing',
	operation: 'do',
	options: { maxConcurrency: capacity },
});

/** Counts how many calls of `work` run at the same time. */
function concurrency() {
	let running = 0;
	let most = 0;
	return {
		get most() {
			return most;
		},
		async run<T>(work: () => Promise<T>): Promise<T> {
			most = Math.max(most, ++running);
			try {
				await sleep(5);
				return await work();
			} finally {
				running--;
			}
		},
	};
}

const map = <Plan>(operation: Operation<Plan>) => operationMap({ thing: { do: operation } });

describe('router', () => {
	test('validates every item before the first execute, and a bad item stops the node', async () => {
		const executed: number[] = [];
		const operations = map<number>({
			description: [],
			validate: (_ctx, index) => {
				if (index === 2) throw new Error('item 2 is wrong');
				return index;
			},
			execute: async (_ctx, { plan }) => {
				executed.push(plan);
				return [{ json: {} }];
			},
		});
		const { error } = await failOperation(operations, {
			parameters: parameters(5),
			items: items(3),
		});
		expect(error.message).toBe('item 2 is wrong');
		expect(executed).toEqual([]);
	});

	test('runs at most Max Concurrent Requests items at once, output in input order and paired', async () => {
		const counter = concurrency();
		const operations = map({
			description: [],
			execute: async (_ctx, { index }) =>
				await counter.run(async () => [{ json: { index } as IDataObject }]),
		});
		const { output } = await runOperation(operations, {
			parameters: parameters(2),
			items: items(6),
		});
		expect(counter.most).toBe(2);
		expect(output.map(({ json, pairedItem }) => [json.index, pairedItem])).toEqual(
			[0, 1, 2, 3, 4, 5].map((index) => [index, { item: index }]),
		);
	});

	test('an item that limits its own pieces gives up its place: pieces, not items, are bounded', async () => {
		const counter = concurrency();
		const operations = map({
			description: [],
			execute: async (_ctx, { index }, run) =>
				await run.all(
					[0, 1, 2].map(
						async (piece) =>
							await run.limit(
								async () => await counter.run(async () => ({ json: { index, piece } })),
							),
					),
				),
		});
		const { output } = await runOperation(operations, {
			parameters: parameters(1),
			items: items(2),
		});
		expect(counter.most).toBe(1);
		expect(output).toHaveLength(6);
		expect(output.map(({ pairedItem }) => pairedItem)).toEqual([
			...Array(3).fill({ item: 0 }),
			...Array(3).fill({ item: 1 }),
		]);
	});

	test('together: one run for several items, paired to all of them; the others output nothing', async () => {
		let runs = 0;
		const operations = map({
			description: [],
			execute: async (_ctx, _item, run) =>
				await run.together(
					run.items.map((item) => item.index),
					async () => {
						runs++;
						return [{ json: { shared: true } }];
					},
				),
		});
		const { output } = await runOperation(operations, {
			parameters: parameters(5),
			items: items(3),
		});
		expect(runs).toBe(1);
		expect(output).toEqual([
			{ json: { shared: true }, pairedItem: [{ item: 0 }, { item: 1 }, { item: 2 }] },
		]);
	});

	test('together under continue on fail: one error item paired to every member', async () => {
		const operations = map({
			description: [],
			execute: async (_ctx, _item, run) =>
				await run.together([0, 1], async () => {
					throw new Error('the shared job failed');
				}),
		});
		const { output } = await runOperation(operations, {
			parameters: parameters(5),
			items: items(2),
			continueOnFail: true,
		});
		expect(output).toEqual([
			{
				json: expect.objectContaining({ error: 'the shared job failed' }),
				pairedItem: [{ item: 0 }, { item: 1 }],
			},
		]);
	});
});

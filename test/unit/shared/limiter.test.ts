/* eslint-disable @n8n/community-nodes/no-restricted-globals */
import { Limiter } from '../../../nodes/VlmRun/shared/limiter';

function deferred() {
	let resolve!: () => void;
	const promise = new Promise<void>((done) => (resolve = done));
	return { promise, resolve };
}

describe('Limiter', () => {
	it('never runs more tasks than the capacity and starts them in order', async () => {
		const limiter = new Limiter();
		let running = 0;
		let peak = 0;
		const started: number[] = [];
		const gates = Array.from({ length: 6 }, deferred);
		const tasks = gates.map(
			async (gate, index) =>
				await limiter.run(2, async () => {
					started.push(index);
					running++;
					peak = Math.max(peak, running);
					await gate.promise;
					running--;
					return index;
				}),
		);
		await new Promise((resolve) => setImmediate(resolve));
		expect(started).toEqual([0, 1]);
		gates.forEach((gate) => gate.resolve());
		expect(await Promise.all(tasks)).toEqual([0, 1, 2, 3, 4, 5]);
		expect(peak).toBe(2);
		expect(started).toEqual([0, 1, 2, 3, 4, 5]);
	});

	it('lets each task bring its own capacity', async () => {
		const limiter = new Limiter();
		const first = deferred();
		const order: string[] = [];
		const wide = limiter.run(3, async () => {
			order.push('wide-1');
			await first.promise;
		});
		const narrow = limiter.run(1, async () => {
			order.push('narrow');
		});
		await new Promise((resolve) => setImmediate(resolve));
		expect(order).toEqual(['wide-1']);
		first.resolve();
		await Promise.all([wide, narrow]);
		expect(order).toEqual(['wide-1', 'narrow']);
	});

	it('frees the slot when a task throws', async () => {
		const limiter = new Limiter();
		await expect(
			limiter.run(1, async () => {
				throw new Error('boom');
			}),
		).rejects.toThrow('boom');
		await expect(limiter.run(1, async () => 'next')).resolves.toBe('next');
	});
});

/* eslint-disable @n8n/community-nodes/no-restricted-imports */
// Stopping an execution while Extract polls, backs off or waits out a rate limit: the run settles
// within 1 s, nothing more reaches VLM Run afterwards (no new job, no status request), and no timer
// of the node stays behind.
import { createHook } from 'node:async_hooks';

import type { INodeExecutionData } from 'n8n-workflow';

import { VlmRunRequest } from '../../../nodes/VlmRun/VlmRunRequest.node';
import { createBinaryItem, startWorkflow, type WorkflowNode } from '../harness';
import { useEmulator, vlmNode } from '../vlmrun';
import { numberedPdf, numberedPng, sleep, watchProcess } from './faults';

jest.setTimeout(60_000);

// Jobs never finish on their own: the node keeps polling until it is stopped.
const env = useEmulator({ jobMode: 'manual' });

interface TrackedTimer {
	timer: NodeJS.Timeout;
	stack: string;
}

/**
 * Records the timers created while a run is live, to find any that outlive it. (A count of
 * process.getActiveResourcesInfo() 'Timeout's before and after is too coarse: timers of jest and of
 * the emulator come and go meanwhile.)
 */
function trackTimers() {
	const created = new Map<number, TrackedTimer>();
	const hook = createHook({
		init(asyncId, type, _trigger, resource) {
			if (type === 'Timeout')
				created.set(asyncId, { timer: resource as NodeJS.Timeout, stack: new Error().stack ?? '' });
		},
		destroy(asyncId) {
			created.delete(asyncId);
		},
	});
	hook.enable();
	return {
		stop: () => hook.disable(),
		/** Timers of that window still armed and keeping the process alive. */
		alive: () =>
			[...created.values()].filter(
				({ timer }) =>
					timer.hasRef() && (timer as unknown as { _destroyed?: boolean })._destroyed !== true,
			),
	};
}

function extract(extra: Partial<WorkflowNode> = {}, options = {}) {
	return vlmNode(
		'vlmRunRequest',
		{
			resource: 'prediction',
			operation: 'extract',
			domain: { __rl: true, mode: 'id', value: 'document.receipt' },
			// Batch jobs, so that there are polls to cancel (an image is otherwise answered at once).
			options: { synchronous: false, ...options },
		},
		extra,
	);
}

async function images(count: number): Promise<INodeExecutionData[]> {
	return await Promise.all(
		Array.from({ length: count }, async (_, n) => await createBinaryItem({ data: numberedPng(n) })),
	);
}

async function until(condition: () => boolean, timeoutMs = 20_000) {
	const deadline = Date.now() + timeoutMs;
	while (!condition()) {
		if (Date.now() > deadline) throw new Error('condition not reached');
		await sleep(10);
	}
}

/** Starts the run, waits for `ready`, cancels, and checks what the issue asks of a cancellation. */
async function cancelWhen(
	node: WorkflowNode,
	inputItems: INodeExecutionData[],
	ready: () => boolean,
) {
	const watch = watchProcess();
	const jobsBefore = env.emulator.jobsCreated().predictions;
	const tracked = trackTimers();
	const running = startWorkflow({
		nodeTypes: [VlmRunRequest],
		nodes: [node],
		inputItems,
		credentials: env.credentials(),
	});
	await running.nodeStarted('VLM Run');
	await until(ready);

	const jobsAtCancel = env.emulator.jobsCreated().predictions;
	const requestsAtCancel = env.emulator.requests().length;
	const canceledAt = Date.now();
	running.cancel();
	expect((await running.finished).status).toBe('canceled');
	const result = await running.result;
	const settledAfterMs = Date.now() - canceledAt;
	tracked.stop();

	// Whatever was on the wire at the moment of the cancel may still arrive; nothing is sent later.
	await sleep(1_500);
	const late = env.emulator
		.requests()
		.slice(requestsAtCancel)
		.filter((request) => request.at > canceledAt + 50);
	watch.stop();
	const leftTimers = tracked.alive().map(({ stack }) => stack);
	return {
		result,
		settledAfterMs,
		late,
		jobsAtCancel,
		jobsSent: jobsAtCancel - jobsBefore,
		leftTimers,
		watch,
	};
}

function expectCleanStop(outcome: Awaited<ReturnType<typeof cancelWhen>>) {
	expect(outcome.result.status).toBe('canceled');
	expect(outcome.settledAfterMs).toBeLessThan(1_000);
	expect(outcome.late.map((request) => `${request.method} ${request.path}`)).toEqual([]);
	expect(env.emulator.jobsCreated().predictions).toBe(outcome.jobsAtCancel);
	expect(outcome.leftTimers).toEqual([]);
	expect(outcome.watch.unhandledRejections).toEqual([]);
	expect(outcome.watch.uncaughtExceptions).toEqual([]);
}

const polls = () => env.emulator.requests({ method: 'GET', path: /^\/predictions\// }).length;

describe('Cancelling an execution while Extract waits for a result', () => {
	it('stops a polling item within 1 s, with no status request and no timer left', async () => {
		const outcome = await cancelWhen(extract(), await images(1), () => polls() >= 2);
		expectCleanStop(outcome);
	});

	it('stops polling items and never starts the queued ones (continue on fail)', async () => {
		const outcome = await cancelWhen(
			extract({ onError: 'continueRegularOutput' }, { maxConcurrency: 3 }),
			await images(12),
			() => polls() >= 3,
		);
		expectCleanStop(outcome);
		expect(outcome.jobsSent).toBe(3);
	});

	it('stops polling items and never starts the queued ones (stop on fail)', async () => {
		const outcome = await cancelWhen(
			extract({}, { maxConcurrency: 3 }),
			await images(12),
			() => polls() >= 3,
		);
		expectCleanStop(outcome);
		expect(outcome.jobsSent).toBe(3);
	});

	it('stops during a retry back-off after server errors', async () => {
		env.emulator.injectFault({
			method: 'GET',
			path: '/predictions/*',
			status: 503,
			retryAfter: '15',
			count: 50,
		});
		const outcome = await cancelWhen(extract(), await images(1), () => polls() >= 1);
		expectCleanStop(outcome);
	});

	it('stops while every request waits out a rate limit', async () => {
		env.emulator.injectFault({
			method: 'POST',
			path: '/files',
			status: 429,
			retryAfter: '15',
			count: 50,
		});
		const pdfs = [
			await createBinaryItem({ data: numberedPdf(0) }),
			await createBinaryItem({ data: numberedPdf(1) }),
		];
		const outcome = await cancelWhen(
			extract({}, { maxConcurrency: 2 }),
			pdfs,
			() => env.emulator.requests({ method: 'POST', path: '/files' }).length >= 2,
		);
		expectCleanStop(outcome);
	});
});

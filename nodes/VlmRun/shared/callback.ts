import { randomUUID } from 'crypto';
import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	IPairedItemData,
	IWebhookDescription,
	IWebhookFunctions,
	NodeOperationError,
} from 'n8n-workflow';

import { encodeWaitState, STATE_KEY, WAIT_KEY, type Slot } from './callbackState';
import type { AwaitingJob, JobOutput } from './jobs';
import { readFinishedJobs } from './jobReads';
import { jobFailedError, type Job, type JobKind } from './polling';
import { errorItem } from './router';

/*
 * Wait for Callback, as n8n runs it (2.41 and 1.x alike), execute()'s side; callbackTally.ts is
 * webhook()'s:
 * - execute() submits every job with this execution's resume URL as callback_url, keeps the list
 *   of jobs in the node's context (saved with the execution, callbackState.ts) under a fresh wait
 *   id, puts the execution to wait and outputs the pending jobs.
 * - Each callback to the resume URL runs webhook() while the execution is waiting. n8n does not run
 *   execute() again on resume: the items webhook() returns become the node's output. Once the
 *   execution runs again (or has finished), n8n itself answers further callbacks 409 before any
 *   node code runs, and VLM Run records them as failed deliveries. So the execution must resume on
 *   the last delivery, exactly once, and answer every other one 2xx before that.
 * - When the wait runs out first, n8n continues past the node with its input items and runs none of
 *   its code, so it can neither fail nor poll at that moment.
 * - n8n pairs the resumed output by position, output item i to input item i, whatever pairedItem
 *   webhook() sets (WorkflowExecute.addPairedItemLineage). That is exact for one item per input item;
 *   an item standing for several input items (a group, or one of several files of an item) is
 *   paired by its position only.
 */

/**
 * The resume webhook behind $execution.resumeUrl. It is shared as a constant because n8n's
 * webhook-lifecycle lint rule wants registration methods on inline webhook lists, and a resume
 * webhook has nothing to register.
 */
export const callbackWebhooks: IWebhookDescription[] = [
	{
		name: 'default',
		httpMethod: 'POST',
		responseMode: 'onReceived',
		responseData: '',
		path: '',
		restartWebhook: true,
	},
];

/**
 * Per job kind, how a finished job becomes its output item, the same as in Wait for Result. It runs
 * in execute() or, on resume, in webhook(); binaries it returns are added to the pending item's.
 * The item index is the job's first input item, for the errors it may raise.
 */
export type JobShapers = Partial<
	Record<
		JobKind,
		(
			ctx: IExecuteFunctions | IWebhookFunctions,
			job: Job,
			shape: IDataObject,
			itemIndex: number,
		) => Promise<INodeExecutionData> | INodeExecutionData
	>
>;

/**
 * The callback URL names its wait in this query parameter, so that a callback finds its tally
 * without evaluating an expression (n8n's expression engine is the dearest part of a callback).
 */
export const WAIT_PARAM = 'vlmrunWait';

const waitIds = new WeakMap<object, string>();

/** The id of the wait a node run may start: one per run, in its callback URLs and its context. */
export function waitIdOf(ctx: object): string {
	let id = waitIds.get(ctx);
	if (!id) waitIds.set(ctx, (id = randomUUID()));
	return id;
}

function pairing(slot: Slot, job: AwaitingJob): IPairedItemData | IPairedItemData[] {
	return typeof slot.item.pairedItem === 'object' ? slot.item.pairedItem : { item: job.itemIndex };
}

/** The output items of a wait whose jobs have all finished, in order; a failed job through onFailure. */
export async function settle(
	ctx: IExecuteFunctions | IWebhookFunctions,
	slots: Slot[],
	finished: Map<string, Job>,
	shapers: JobShapers,
	onFailure: (
		error: NodeOperationError,
		pairedItem: IPairedItemData | IPairedItemData[],
	) => INodeExecutionData,
): Promise<INodeExecutionData[]> {
	return await Promise.all(
		slots.map(async (slot) => {
			const { item, job } = slot;
			if (!job) return item;
			const final = finished.get(job.id) as Job;
			if (final.status !== 'completed')
				return onFailure(jobFailedError(ctx, job.kind, final, job.itemIndex), pairing(slot, job));
			const shaper = shapers[job.kind];
			const shaped = shaper ? await shaper(ctx, final, job.shape, job.itemIndex) : { json: final };
			const binary = { ...item.binary, ...shaped.binary };
			return { ...item, json: shaped.json, ...(Object.keys(binary).length ? { binary } : {}) };
		}),
	);
}

/**
 * Ends execute() for Wait for Callback: with no pending job the output goes out as it is;
 * otherwise the execution waits for the callbacks and the pending jobs are output meanwhile.
 */
export async function waitForCallbacks(
	ctx: IExecuteFunctions,
	output: JobOutput[][],
	shapers: JobShapers,
): Promise<INodeExecutionData[][]> {
	const slots: Slot[] = (output[0] ?? []).map(({ awaiting, ...item }) => ({ item, job: awaiting }));
	const jobs = slots.flatMap((slot) => (slot.job ? [slot.job] : []));
	if (jobs.length === 0) return [slots.map((slot) => slot.item)];
	// Jobs may have finished while later files were still being submitted (n8n turns their
	// callbacks away until the execution waits); if all have, there is nothing to wait for.
	let finished: Map<string, Job> | undefined;
	try {
		finished = await readFinishedJobs(ctx, jobs);
	} catch (error) {
		ctx.logger.warn(
			`VLM Run: could not check the submitted jobs before waiting; waiting for their callbacks (${(error as Error).message})`,
		);
	}
	if (finished?.size === jobs.length) {
		return [
			await settle(ctx, slots, finished, shapers, (error, pairedItem) => {
				if (ctx.continueOnFail()) return errorItem(error, pairedItem);
				throw error;
			}),
		];
	}
	const deadline = Math.max(...jobs.map((job) => job.deadline));
	const context = ctx.getContext('node');
	context[WAIT_KEY] = waitIdOf(ctx);
	context[STATE_KEY] = encodeWaitState(slots, deadline, [...(finished?.keys() ?? [])]);
	await ctx.putExecutionToWait(new Date(deadline));
	return [[waitingItem(slots, jobs)]];
}

/** Between the job ids of the waiting item. */
const JOB_ID_SEPARATOR = ', ';

/**
 * What the node shows while the execution waits: one item naming the jobs. n8n parses the whole
 * waiting execution for every callback and drops this output on resume (the items webhook()
 * returns take its place), so one item, not one per job, and the ids in one string, not an array
 * (n8n's parser revives every array element on its own): at 500 jobs the parse takes an eighth of
 * the time. Binaries and finished items stay in the saved state until the resume.
 */
function waitingItem(slots: Slot[], jobs: AwaitingJob[]): INodeExecutionData {
	const inputs = new Set<number>();
	for (const { item } of slots) {
		const pairs = [item.pairedItem ?? []].flat();
		for (const pair of pairs) inputs.add(typeof pair === 'number' ? pair : pair.item);
	}
	return {
		json: {
			status: 'waiting',
			waitingFor: 'callbacks',
			jobCount: jobs.length,
			jobIds: jobs.map((job) => job.id).join(JOB_ID_SEPARATOR),
		},
		pairedItem: [...inputs].map((item) => ({ item })),
	};
}

import { randomUUID } from 'crypto';
import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	IPairedItemData,
	IWebhookDescription,
	IWebhookFunctions,
	IWebhookResponseData,
	NodeOperationError,
} from 'n8n-workflow';

import { readDelivery, reply } from './delivery';
import type { AwaitingJob, JobOutput } from './jobs';
import { readFinishedJobs } from './jobReads';
import { fetchJob, jobFailedError, type Job, type JobKind } from './polling';
import { errorItem } from './router';
import { isTerminal } from './status';

/*
 * Wait for Callback, as n8n runs it (2.41 and 1.x alike):
 * - execute() submits every job with this execution's resume URL as callback_url, keeps the list
 *   of jobs in the node's context (saved with the execution) under a fresh wait id, puts the
 *   execution to wait and outputs the pending jobs.
 * - Each callback to the resume URL runs webhook() while the execution is waiting. n8n does not run
 *   execute() again on resume: the items webhook() returns become the node's output. Once the
 *   execution runs again (or has finished), n8n itself answers further callbacks 409 before any
 *   node code runs, and VLM Run records them as failed deliveries. So the execution must resume on
 *   the last delivery, exactly once, and answer every other one 2xx before that.
 * - The process that receives the callbacks keeps a tally per wait: the finished jobs, learnt from
 *   the deliveries themselves and from one list request when its first callback arrives (which
 *   also covers jobs whose callbacks n8n turned away before the execution was waiting). A callback
 *   costs no status request, the first one per process one list request (per job kind), and a
 *   delivery without the job's result one read of that job. The tally is changed and checked
 *   without an await in between, so of two "last" callbacks racing, exactly one resumes.
 * - The tally lives in the receiving process; a restart loses it and the next callback rebuilds it
 *   from the list. With several webhook processes, the callbacks of one execution must reach the
 *   same one (route /webhook-waiting/<execution id> by path), or no tally ever sees every job.
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

interface Slot {
	item: INodeExecutionData;
	job?: AwaitingJob;
}

interface Slot {
	item: INodeExecutionData;
	job?: AwaitingJob;
}

/** Node-context keys: the current wait's id, and its slots (every output item, with its job if pending). */
const WAIT_KEY = 'vlmrunCallbackWait';
const STATE_KEY = 'vlmrunCallbacks';

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

async function settle(
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
	const context = ctx.getContext('node');
	context[WAIT_KEY] = waitIdOf(ctx);
	// A pending item's json is replaced on resume, so only its job, binaries and pairing are kept.
	context[STATE_KEY] = JSON.stringify(
		slots.map(({ item, job }) =>
			job
				? { job, item: { json: {}, binary: item.binary, pairedItem: item.pairedItem } }
				: { item },
		),
	);
	await ctx.putExecutionToWait(new Date(Math.max(...jobs.map((job) => job.deadline))));
	return [slots.map((slot) => slot.item)];
}

/** What the receiving process knows about one wait. */
interface Tally {
	slots: Slot[];
	jobs: Map<string, AwaitingJob>;
	finished: Map<string, Job>;
	/** The list request that learns which jobs had finished before this process heard of the wait. */
	seeded?: Promise<void>;
	resumed: boolean;
	/** The Webhook Signing Secret, read once per wait instead of once per callback. */
	secret?: string;
	/** When n8n stops waiting; the tally is dropped after it. */
	deadline: number;
}

const tallies = new Map<string, Tally>();

function dropExpired(now: number): void {
	for (const [waitId, tally] of tallies) if (tally.deadline < now) tallies.delete(waitId);
}

/** Reads a value of this node's context, saved with the waiting execution. */
function readContext(ctx: IWebhookFunctions, key: string): unknown {
	// A waiting node's webhook cannot read the node's earlier output, but an expression can read
	// its context. Braces are escaped so that no node name can close the {{ }} early.
	const name = JSON.stringify(ctx.getNode().name).replace(
		/[{}]/g,
		(brace) => `\\u00${brace.charCodeAt(0).toString(16)}`,
	);
	return ctx.evaluateExpression(`{{ $node[${name}].context[${JSON.stringify(key)}] }}`);
}

function openTally(ctx: IWebhookFunctions, waitId: string): Tally {
	const stored = readContext(ctx, STATE_KEY);
	const slots = typeof stored === 'string' && stored ? (JSON.parse(stored) as Slot[]) : [];
	const jobs = new Map(
		slots.flatMap((slot) => (slot.job ? [[slot.job.id, slot.job] as const] : [])),
	);
	const deadline = Math.max(0, ...[...jobs.values()].map((job) => job.deadline));
	const tally: Tally = { slots, jobs, finished: new Map(), resumed: false, deadline };
	dropExpired(Date.now());
	tallies.set(waitId, tally);
	return tally;
}

/** The wait a callback is for: from its URL, else (older callback URLs) from the node context. */
function waitOfCallback(ctx: IWebhookFunctions): string {
	const named = ctx.getRequestObject().query?.[WAIT_PARAM];
	if (typeof named === 'string' && named) return named;
	// Executions put to wait by an earlier version of the node have no wait id at all.
	return String(readContext(ctx, WAIT_KEY) || `execution ${ctx.getExecutionId()}`);
}

/** Starts (or restarts, after a failure) the one list request of this process for the wait. */
async function seed(ctx: IWebhookFunctions, tally: Tally): Promise<void> {
	const unknown = [...tally.jobs.values()].filter((job) => !tally.finished.has(job.id));
	tally.seeded ??= readFinishedJobs(ctx, unknown).then(
		(finished) => {
			for (const [id, job] of finished) if (!tally.finished.has(id)) tally.finished.set(id, job);
		},
		(error: Error) => {
			tally.seeded = undefined;
			throw error;
		},
	);
	await tally.seeded;
}

/** The job's final state: the delivery itself, or, when VLM Run left its result out, one read. */
async function finalState(ctx: IWebhookFunctions, job: AwaitingJob, delivered: Job): Promise<Job> {
	if (isTerminal(delivered.status) && (delivered.status !== 'completed' || 'response' in delivered))
		return delivered;
	return await fetchJob(ctx, job.kind, job.id, job.itemIndex);
}

/** webhook() for Wait for Callback: records the delivery, and resumes on the one that completes the set. */
export async function resumeFromCallback(
	ctx: IWebhookFunctions,
	shapers: JobShapers,
): Promise<IWebhookResponseData> {
	const waitId = waitOfCallback(ctx);
	const delivery = await readDelivery(ctx, tallies.get(waitId)?.secret);
	if (!delivery.ok) return reply(ctx, delivery.status, { error: delivery.message });
	const received = delivery.job.id;
	// Opened only for a verified delivery, so that forged requests cannot fill the memory.
	const tally = tallies.get(waitId) ?? openTally(ctx, waitId);
	tally.secret = delivery.secret;
	// A repeat of a delivery racing the resume; 2xx so that VLM Run stops delivering it.
	if (tally.resumed) return reply(ctx, 200, { received, resumed: true });
	const job = tally.jobs.get(received);
	// 2xx, so VLM Run does not retry a callback that will never be wanted (e.g. from an earlier loop run).
	if (!job)
		return reply(ctx, 200, { received, ignored: 'This execution is not waiting for this job' });
	try {
		const final = await finalState(ctx, job, delivery.job as Job);
		if (isTerminal(final.status)) tally.finished.set(job.id, final);
		await seed(ctx, tally);
	} catch (error) {
		// Not 2xx, so VLM Run delivers again; what this callback taught the tally is kept.
		return reply(ctx, 503, {
			error: `Could not read the jobs from VLM Run: ${(error as Error).message}`,
		});
	}
	// From here to the return there is no await: one callback alone sees the set complete.
	const waiting = tally.jobs.size - tally.finished.size;
	if (tally.resumed || waiting > 0)
		return reply(ctx, 200, { received, ...(waiting > 0 ? { waitingFor: waiting } : {}) });
	tally.resumed = true;
	const { slots, finished } = tally;
	// Only the resumed mark stays until the deadline, to answer late repeats.
	Object.assign(tally, { slots: [], jobs: new Map(), finished: new Map(), secret: undefined });
	// Failures come out as error items: on resume n8n runs no node code that could stop the workflow.
	const items = await settle(ctx, slots, finished, shapers, (error, pairedItem) =>
		errorItem(error, pairedItem),
	);
	return { workflowData: [items], webhookResponse: { received, resumed: true } };
}

import type { IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

import { settle, WAIT_PARAM, type JobShapers } from './callback';
import { decodeWaitState, STATE_KEY, WAIT_KEY, type Slot } from './callbackState';
import { readDelivery, reply, signingSecret } from './delivery';
import type { AwaitingJob } from './jobs';
import { readFinishedJobs } from './jobReads';
import { fetchJob, type Job } from './polling';
import { errorItem } from './router';
import { isTerminal } from './status';

/*
 * Wait for Callback, webhook()'s side (callback.ts is execute()'s):
 * - The process that receives the callbacks keeps a tally per wait: the finished jobs, learnt from
 *   the deliveries themselves and from one list request when its first callback arrives (which
 *   also covers jobs whose callbacks n8n turned away before the execution was waiting). A callback
 *   costs no status request, the first one per process one list request (per job kind), and a
 *   delivery without the job's result one read of that job. The tally is changed and checked
 *   without an await in between, so of two "last" callbacks racing, exactly one resumes.
 * - What a callback needs beyond its own body is per wait, not per callback: the saved state is
 *   read (one expression) and the signing secret (one credential read) once per process.
 * - The tally lives in the receiving process; a restart loses it and the next callback rebuilds it
 *   from the list. With several webhook processes, the callbacks of one execution must reach the
 *   same one (route /webhook-waiting/<execution id> by path), or no tally ever sees every job.
 */

/** What the receiving process knows about one wait. */
interface Tally {
	slots: Slot[];
	jobs: Map<string, AwaitingJob>;
	finished: Map<string, Job>;
	/** Jobs whose own delivery reached this process. */
	delivered: Set<string>;
	/** Jobs that had finished when the execution went to wait (saved with it). */
	finishedBefore: Set<string>;
	/** The earliest completed_at (VLM Run's clock, ms) of the jobs delivered here. */
	firstDelivered?: number;
	/** The list request that learns which jobs had finished before this process heard of the wait. */
	seeded?: Promise<void>;
	resumed: boolean;
	/** The Webhook Signing Secret, read once per wait instead of once per callback (see secretOf). */
	secret?: string;
	/** When n8n stops waiting; the tally is dropped after it. */
	deadline: number;
}

const tallies = new Map<string, Tally>();

/** Credential reads in flight, per wait: callbacks that arrive together before the tally knows the secret share one. */
const secretReads = new Map<string, Promise<string>>();

async function secretOf(ctx: IWebhookFunctions, waitId: string): Promise<string> {
	const known = tallies.get(waitId)?.secret;
	if (known !== undefined) return known;
	let read = secretReads.get(waitId);
	if (!read) {
		read = signingSecret(ctx).finally(() => secretReads.delete(waitId));
		secretReads.set(waitId, read);
	}
	return await read;
}

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
	const { slots, finishedBefore } = decodeWaitState(readContext(ctx, STATE_KEY));
	const jobs = new Map(
		slots.flatMap((slot) => (slot.job ? [[slot.job.id, slot.job] as const] : [])),
	);
	const deadline = Math.max(0, ...[...jobs.values()].map((job) => job.deadline));
	const tally: Tally = {
		slots,
		jobs,
		finished: new Map(),
		delivered: new Set(),
		finishedBefore,
		resumed: false,
		deadline,
	};
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
	tally.seeded ??= readFinishedJobs(
		ctx,
		[...tally.jobs.values()].filter((job) => !tally.finished.has(job.id)),
	).then(
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

/**
 * How far apart (on VLM Run's clock) jobs may finish and still have their deliveries on the way to
 * this process at the same time.
 */
const IN_FLIGHT_MS = 5_000;

const finishTimes = new WeakMap<Job, number>();

/** When the job finished, on VLM Run's clock; parsed once per job, as every callback checks every job. */
function completedAt(job: Job): number {
	let at = finishTimes.get(job);
	if (at === undefined) finishTimes.set(job, (at = Date.parse(String(job.completed_at ?? ''))));
	return at;
}

/**
 * The jobs the wait still has to hear about: those not finished, and those the list shows finished
 * whose own delivery is probably still on its way here. Resuming before that delivery arrives would
 * make n8n answer it 409 (the execution runs again), which VLM Run records as a failed delivery. A
 * job that finished before the wait, or well before the first job delivered here (its deliveries
 * went to a process since restarted), has nothing on the way: waiting for it would never end.
 */
function stillAwaited(tally: Tally): number {
	let count = 0;
	for (const id of tally.jobs.keys()) {
		const final = tally.finished.get(id);
		if (!final) count++;
		else if (!tally.delivered.has(id) && !tally.finishedBefore.has(id)) {
			const at = completedAt(final);
			if (tally.firstDelivered !== undefined && at >= tally.firstDelivered - IN_FLIGHT_MS) count++;
		}
	}
	return count;
}

function recordDelivered(tally: Tally, job: Job): void {
	tally.finished.set(String(job.id), job);
	tally.delivered.add(String(job.id));
	const at = completedAt(job);
	if (Number.isFinite(at)) tally.firstDelivered = Math.min(tally.firstDelivered ?? at, at);
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
	const delivery = await readDelivery(ctx, await secretOf(ctx, waitId));
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
		if (isTerminal(final.status)) recordDelivered(tally, final);
		await seed(ctx, tally);
	} catch (error) {
		// Not 2xx, so VLM Run delivers again; what this callback taught the tally is kept.
		return reply(ctx, 503, {
			error: `Could not read the jobs from VLM Run: ${(error as Error).message}`,
		});
	}
	// From here to the return there is no await: one callback alone sees the set complete.
	const waiting = stillAwaited(tally);
	if (tally.resumed || waiting > 0)
		return reply(ctx, 200, { received, ...(waiting > 0 ? { waitingFor: waiting } : {}) });
	tally.resumed = true;
	const { slots, finished } = tally;
	// Only the resumed mark stays until the deadline, to answer late repeats.
	Object.assign(tally, {
		slots: [],
		jobs: new Map(),
		finished: new Map(),
		delivered: new Set(),
		secret: undefined,
	});
	// Failures come out as error items: on resume n8n runs no node code that could stop the workflow.
	const items = await settle(ctx, slots, finished, shapers, (error, pairedItem) =>
		errorItem(error, pairedItem),
	);
	return { workflowData: [items], webhookResponse: { received, resumed: true } };
}

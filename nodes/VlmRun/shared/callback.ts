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
import { fetchJob, jobFailedError, type Job, type JobKind } from './polling';
import { isTerminal } from './status';
import { errorItem } from './router';

/*
 * Wait for Callback, as n8n 2.41 runs it:
 * - execute() submits every job with this execution's resume URL as callback_url, keeps the list
 *   of jobs in the node's context (it is saved with the execution), puts the execution to wait and
 *   outputs the pending jobs.
 * - Each callback to the resume URL runs webhook(). n8n does not run execute() again on resume: the
 *   items webhook() returns become the node's output. So webhook() answers a callback without
 *   resuming while any job of the list is still running, and resumes with every job's final item
 *   once all have finished: the last callback to arrive resumes the execution.
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

const STATE_KEY = 'vlmrunCallbacks';

const isFinished = (job: IDataObject) => isTerminal(job.status);

function pairing(slot: Slot, job: AwaitingJob): IPairedItemData | IPairedItemData[] {
	return typeof slot.item.pairedItem === 'object' ? slot.item.pairedItem : { item: job.itemIndex };
}

/** Every job's final state, or undefined as soon as one is still running (one status request per job not yet known). */
async function collectFinished(
	ctx: IExecuteFunctions | IWebhookFunctions,
	jobs: AwaitingJob[],
	known: Map<string, Job>,
): Promise<Map<string, Job> | undefined> {
	const finished = new Map(known);
	for (const job of jobs) {
		if (finished.has(job.id)) continue;
		const latest = await fetchJob.call(ctx, job.kind, job.id, job.itemIndex);
		if (!isFinished(latest)) return undefined;
		finished.set(job.id, latest);
	}
	return finished;
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
	this: IExecuteFunctions,
	output: JobOutput[][],
	shapers: JobShapers,
): Promise<INodeExecutionData[][]> {
	const slots: Slot[] = (output[0] ?? []).map(({ awaiting, ...item }) => ({ item, job: awaiting }));
	const jobs = slots.flatMap((slot) => (slot.job ? [slot.job] : []));
	if (jobs.length === 0) return [slots.map((slot) => slot.item)];
	// n8n turns away (409) a callback that arrives before the execution is waiting, e.g. from a job
	// that finished while later files were still uploading. One look at every job now covers that.
	let finished: Map<string, Job> | undefined;
	try {
		finished = await collectFinished(this, jobs, new Map());
	} catch (error) {
		this.logger.warn(
			`VLM Run: could not check the submitted jobs before waiting; waiting for their callbacks (${(error as Error).message})`,
		);
	}
	if (finished) {
		return [
			await settle(this, slots, finished, shapers, (error, pairedItem) => {
				if (this.continueOnFail()) return errorItem(error, pairedItem);
				throw error;
			}),
		];
	}
	this.getContext('node')[STATE_KEY] = JSON.stringify(slots);
	await this.putExecutionToWait(new Date(Math.max(...jobs.map((job) => job.deadline))));
	return [slots.map((slot) => slot.item)];
}

function readState(ctx: IWebhookFunctions): Slot[] {
	// A waiting node's webhook cannot read the node's earlier output, but an expression can read
	// its context. Braces are escaped so that no node name can close the {{ }} early.
	const name = JSON.stringify(ctx.getNode().name).replace(
		/[{}]/g,
		(brace) => `\\u00${brace.charCodeAt(0).toString(16)}`,
	);
	const stored = ctx.evaluateExpression(
		`{{ $node[${name}].context[${JSON.stringify(STATE_KEY)}] }}`,
	);
	return typeof stored === 'string' && stored ? (JSON.parse(stored) as Slot[]) : [];
}

/** webhook() for Wait for Callback: checks the callback, then resumes once every job has finished. */
export async function resumeFromCallback(
	this: IWebhookFunctions,
	shapers: JobShapers,
): Promise<IWebhookResponseData> {
	const delivery = await readDelivery(this);
	if (!delivery.ok) return reply(this, delivery.status, { error: delivery.message });
	const { job } = delivery;
	const slots = readState(this);
	const jobs = slots.flatMap((slot) => (slot.job ? [slot.job] : []));
	if (!jobs.some((pending) => pending.id === job.id)) {
		// 2xx, so VLM Run does not retry a callback that will never be wanted (e.g. from an earlier loop run).
		return reply(this, 200, {
			received: job.id,
			ignored: 'This execution is not waiting for this job',
		});
	}
	// A trimmed payload (no response) is fetched again, like the jobs that did not call back.
	const known = new Map<string, Job>();
	if (isFinished(job) && 'response' in job) known.set(job.id, job as Job);
	let finished: Map<string, Job> | undefined;
	try {
		finished = await collectFinished(this, jobs, known);
	} catch (error) {
		// Not 2xx, so VLM Run delivers again; the execution keeps waiting meanwhile.
		return reply(this, 503, {
			error: `Could not read the jobs from VLM Run: ${(error as Error).message}`,
		});
	}
	if (!finished)
		return reply(this, 202, {
			received: job.id,
			waiting: 'Other jobs of this execution are still running',
		});
	// Failures come out as error items: on resume n8n runs no node code that could stop the workflow.
	const items = await settle(this, slots, finished, shapers, (error, pairedItem) =>
		errorItem(error, pairedItem),
	);
	return { workflowData: [items], webhookResponse: { received: job.id, resumed: true } };
}

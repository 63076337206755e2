import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import type { CompletionPlan } from './completion';
import { jobFailedError, waitForJob, type Job, type JobKind } from './polling';
import { isTerminal } from './status';
import { recordJob } from './stop';

/*
 * One lifecycle for every operation that creates a VLM Run job (Request Extract, Execution Run):
 * submit → fail fast → complete (Wait for Result | Submit Only | Wait for Callback) → shape the item.
 * An operation brings its own submit and shape steps; everything in between lives here.
 */

/** A submitted job whose callback the execution waits for, with what its item needs on resume. */
export type AwaitingJob = {
	kind: JobKind;
	id: string;
	itemIndex: number;
	/** When n8n stops waiting for the callback, in ms since the epoch. */
	deadline: number;
	/** What the node's shaper needs besides the job to build the output item, e.g. the output mode. */
	shape: IDataObject;
};

/**
 * An operation's output item. For Wait for Callback, `awaiting` names the job still running: the
 * item (its pairing and binaries) is saved with the waiting execution, and the callback replaces it.
 */
export type JobOutput = INodeExecutionData & { awaiting?: AwaitingJob };

export interface JobSteps {
	kind: JobKind;
	itemIndex: number;
	/** Creates the job on VLM Run and returns it as VLM Run answered (it may already be finished). */
	submit(): Promise<Job>;
	/** Turns the job, finished or not, into the item the user sees. */
	shape(job: Job): Promise<INodeExecutionData> | INodeExecutionData;
	/** Wait for Callback: what the shaper needs on resume besides the job (see AwaitingJob.shape). */
	resumeShape?: IDataObject;
	/** Jobs of one class take similar times: polls learn where to look (see pollSchedule.ts). */
	jobClass?: string;
}

/** Runs one job through its lifecycle; a failed or cancelled job throws, naming it. */
export async function runJob(
	ctx: IExecuteFunctions,
	plan: CompletionPlan,
	steps: JobSteps,
): Promise<JobOutput> {
	const { kind, itemIndex } = steps;
	let job = await steps.submit();
	const record = { kind, id: String(job.id), itemIndex, status: job.status };
	recordJob(ctx, record);
	if (plan.completion === 'waitForResult' && !isTerminal(job.status)) {
		job = await waitForJob(ctx, {
			kind,
			id: record.id,
			timeoutMs: plan.timeoutMs,
			itemIndex,
			jobClass: steps.jobClass,
			onStatus: (status) => (record.status = status),
		});
	}
	record.status = job.status;
	if (isTerminal(job.status) && job.status !== 'completed')
		throw jobFailedError(ctx, kind, job, itemIndex);
	const item = await steps.shape(job);
	if (plan.callbackDeadline === undefined || isTerminal(job.status)) return item;
	return {
		...item,
		awaiting: {
			kind,
			id: record.id,
			itemIndex,
			deadline: plan.callbackDeadline,
			shape: steps.resumeShape ?? {},
		},
	};
}

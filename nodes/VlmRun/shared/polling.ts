import { NodeOperationError } from 'n8n-workflow';
import type { IDataObject, IExecuteFunctions, INode } from 'n8n-workflow';

import {
	DEFAULT_POLL_SCHEDULE,
	expectedDuration,
	nextPollDelay,
	recordDuration,
	type PollSchedule,
} from './pollSchedule';
import { isTerminal } from './status';
import { abortableSleep, runSignal } from './stop';
import { apiRequest, type VlmRunContext } from './transport';

export type JobKind = 'prediction' | 'execution';

export interface Job extends IDataObject {
	id: string;
	status: string;
}

const JOB_PATHS: Record<JobKind, string> = {
	prediction: '/predictions/',
	execution: '/agent/executions/',
};

/** One status request for a prediction or execution. */
export async function fetchJob(
	ctx: VlmRunContext,
	kind: JobKind,
	id: string,
	itemIndex?: number,
): Promise<Job> {
	return (await apiRequest(ctx, {
		method: 'GET',
		path: `${JOB_PATHS[kind]}${encodeURIComponent(id)}`,
		itemIndex,
		resource: kind,
	})) as Job;
}

/** How long the job ran by VLM Run's own clock, when it says. */
function jobDuration(job: Job): number | undefined {
	const ms = Date.parse(String(job.completed_at)) - Date.parse(String(job.created_at));
	return ms > 0 ? ms : undefined;
}

/** VLM Run reports a failure's reason in different fields depending on the job type. */
export function jobFailureReason(job: IDataObject): string {
	const usage = (job.usage ?? {}) as IDataObject;
	for (const candidate of [job.message, job.error, usage.message]) {
		if (typeof candidate === 'string' && candidate.trim() !== '') return candidate;
		if (candidate && typeof candidate === 'object') return JSON.stringify(candidate);
	}
	return 'VLM Run gave no reason.';
}

export function jobFailedError(
	ctx: { getNode(): INode },
	kind: JobKind,
	job: IDataObject,
	itemIndex: number,
): NodeOperationError {
	if (job.status === 'cancelled') {
		return new NodeOperationError(ctx.getNode(), `The ${kind} ${String(job.id)} was cancelled`, {
			itemIndex,
			description: `It was cancelled on VLM Run before it finished, so it has no result. Run the item again to create a new ${kind}.`,
		});
	}
	return new NodeOperationError(
		ctx.getNode(),
		`VLM Run could not finish ${kind} ${String(job.id)}`,
		{
			itemIndex,
			description: `VLM Run said: ${jobFailureReason(job).replace(/([^.!?])$/, '$1.')} Check the input file and parameters; the ${kind} ID is ${String(job.id)}.`,
		},
	);
}

export interface WaitOptions {
	kind: JobKind;
	id: string;
	timeoutMs: number;
	itemIndex: number;
	schedule?: PollSchedule;
	/** Jobs of one class (kind, input type and size) take similar times; the schedule learns it. */
	jobClass?: string;
	/** When the job was submitted (ms since the epoch); now when absent. */
	submittedAt?: number;
	/** Told every status read, e.g. to keep a record of the job's progress. */
	onStatus?: (status: string) => void;
}

/** Polls a prediction or execution until it completes, fails, is cancelled, times out or the run is cancelled. */
export async function waitForJob(ctx: IExecuteFunctions, options: WaitOptions): Promise<Job> {
	const schedule = options.schedule ?? DEFAULT_POLL_SCHEDULE;
	const signal = runSignal(ctx, ctx.getExecutionCancelSignal());
	const submittedAt = options.submittedAt ?? Date.now();
	const deadline = submittedAt + options.timeoutMs;
	const expected = expectedDuration(options.jobClass);
	let last: Job | undefined;
	for (;;) {
		const delay = nextPollDelay(Date.now() - submittedAt, schedule, expected);
		const remaining = deadline - Date.now();
		if (remaining <= 0) break;
		await abortableSleep(Math.min(delay, remaining), signal);
		last = await fetchJob(ctx, options.kind, options.id, options.itemIndex);
		options.onStatus?.(last.status);
		if (last.status === 'completed') {
			recordDuration(options.jobClass, jobDuration(last) ?? Date.now() - submittedAt);
			return last;
		}
		if (isTerminal(last.status)) throw jobFailedError(ctx, options.kind, last, options.itemIndex);
	}
	const seconds = Math.round(options.timeoutMs / 1000);
	throw new NodeOperationError(
		ctx.getNode(),
		`The ${options.kind} ${options.id} did not finish within ${seconds} s`,
		{
			itemIndex: options.itemIndex,
			description: `Its last status was "${last?.status ?? 'pending'}". It keeps running on VLM Run: fetch it later with the Get operation and this ID, raise the Timeout, or use Wait for Callback for long jobs.`,
		},
	);
}

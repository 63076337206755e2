import { sleep } from 'n8n-workflow';
import type { IDataObject } from 'n8n-workflow';

import { isTerminal } from './status';

/*
 * "Nothing orphaned": once a node run fails (it stops on error), no further upload or job may
 * start, every poll and retry must end, and the jobs it already created are named in its error.
 * A run's guard is keyed by the node's execute context, like the transport's other per-run state.
 */

/** Thrown by work that a stopped run refused to start; the run's own failure is what the user sees. */
export class StoppedError extends Error {
	constructor() {
		super('The node stopped after an earlier failure');
	}
}

export interface CreatedJob {
	kind: string;
	id: string;
	itemIndex: number;
	/** The last status the run saw; the record is updated in place as the job moves on. */
	status: string;
}

interface Guard {
	stop: AbortController;
	created: CreatedJob[];
	/** The stop signal combined with the execution's cancel signal, made once per run. */
	combined?: AbortSignal;
}

const guards = new WeakMap<object, Guard>();

function guardOf(ctx: object): Guard {
	let guard = guards.get(ctx);
	if (!guard) guards.set(ctx, (guard = { stop: new AbortController(), created: [] }));
	return guard;
}

/** Stops the run: sleeps end at once and every later request is refused. */
export function stopRun(ctx: object): void {
	guardOf(ctx).stop.abort(new StoppedError());
}

/** The run's stop signal combined with n8n's cancel signal for the execution, when there is one. */
export function runSignal(ctx: object, cancel?: AbortSignal): AbortSignal {
	const guard = guardOf(ctx);
	guard.combined ??= cancel ? AbortSignal.any([guard.stop.signal, cancel]) : guard.stop.signal;
	return guard.combined;
}

/** Remembers a job the run created, so that a failure can name it. */
export function recordJob(ctx: object, job: CreatedJob): void {
	guardOf(ctx).created.push(job);
}

const NAMED_JOBS = 20;

/**
 * For a failed run's error description: the jobs it created that are still running (named, so the
 * user can find them; they go on and are billed) and how many had already completed.
 */
export function createdJobsNote(ctx: object): string | undefined {
	const { created } = guardOf(ctx);
	const running = created.filter((job) => !isTerminal(job.status));
	const completed = created.filter((job) => job.status === 'completed').length;
	const notes: string[] = [];
	if (running.length) {
		const named = running
			.slice(0, NAMED_JOBS)
			.map((job) => `${job.kind} ${job.id} (item ${job.itemIndex})`)
			.join(', ');
		const more = running.length > NAMED_JOBS ? ` and ${running.length - NAMED_JOBS} more` : '';
		notes.push(
			`Jobs this node had created that are still running on VLM Run (they finish and are billed): ${named}${more}.`,
		);
	}
	if (completed) {
		notes.push(
			`${completed} job${completed === 1 ? '' : 's'} of this run had already completed; Get Many lists them.`,
		);
	}
	return notes.length ? notes.join(' ') : undefined;
}

/**
 * Waits `ms`, or rejects with the signal's reason as soon as it aborts. n8n 2.x's sleep honours
 * the signal itself (and clears its timer); n8n 1.x's ignores it, so the race below ends the wait
 * there too, leaving only an idle timer behind.
 */
export async function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
	if (!signal) return await sleep(ms);
	if (signal.aborted) throw abortReason(signal);
	let onAbort: (() => void) | undefined;
	const aborted = new Promise<never>((_resolve, reject) => {
		onAbort = () => reject(abortReason(signal));
		signal.addEventListener('abort', onAbort, { once: true });
	});
	try {
		await Promise.race([sleep(ms, signal), aborted]);
	} finally {
		signal.removeEventListener('abort', onAbort as () => void);
	}
}

function abortReason(signal: AbortSignal): Error {
	const reason = signal.reason as unknown;
	return reason instanceof Error ? reason : new Error(String((reason as IDataObject) ?? 'Aborted'));
}

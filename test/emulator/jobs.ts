/* eslint-disable @n8n/community-nodes/no-restricted-globals */
import { HttpError, isoNow } from './http';
import { newId, type Artifact, type EmulatorState } from './state';
import type { AdvanceTarget, JobStatus } from './types';
import type { WebhookDispatcher } from './webhooks';

export type JobKind = 'prediction' | 'execution';

export interface Usage {
	elements_processed: number | null;
	element_type: string | null;
	credits_used: number;
	steps: number | null;
	message: string | null;
	duration_seconds: number;
}

export interface JobSpec {
	kind: JobKind;
	/** batch:true. Synchronous jobs never call back; in time mode they run as long as any job. */
	async: boolean;
	/** How long the job runs in time mode; jobDurationMs when absent. */
	durationMs?: number;
	callbackUrl: string | null;
	/** The error text when the job is destined to fail (fail markers, faultMix). */
	failure: string | null;
	response: unknown;
	usage: Usage;
	pendingUsage: Usage;
	/** Keys placed right after `id` (e.g. an execution's `name`). */
	head: Record<string, unknown>;
	/** Keys placed after `usage` (e.g. `domain`, `execution_mode`). */
	tail: Record<string, unknown>;
	/** Registered under the job id once it completes, for GET /artifacts. */
	artifacts: Artifact[];
}

export interface Job extends JobSpec {
	id: string;
	createdAt: number;
	status: JobStatus;
	completedAt: number | null;
	polls: number;
	timers: NodeJS.Timeout[];
	delivery: Promise<void> | null;
	/** Called once when the job ends (settle). */
	onEnd: Array<() => void>;
}

/** Without pollers, a callback job in polls mode still has to finish: it steps on this timer. */
const CALLBACK_STEP_MS = 50;

const FORCED_FAILURE = 'Job failed (forced through the emulator control API)';

const isTerminal = (status: JobStatus) => status === 'completed' || status === 'failed';

export class JobEngine {
	private readonly jobs = { prediction: new Map<string, Job>(), execution: new Map<string, Job>() };

	constructor(
		private readonly state: EmulatorState,
		private readonly webhooks: WebhookDispatcher,
	) {}

	create(spec: JobSpec): Job {
		const job: Job = {
			...spec,
			id: newId(),
			createdAt: Date.now(),
			status: 'pending',
			completedAt: null,
			polls: 0,
			timers: [],
			delivery: null,
			onEnd: [],
		};
		this.jobs[spec.kind].set(job.id, job);
		this.state.counters[spec.kind === 'prediction' ? 'predictions' : 'executions'] += 1;
		if (!spec.async && this.state.config.jobMode !== 'time') this.finish(job, this.outcome(job));
		else this.schedule(job);
		return job;
	}

	/** Resolves when the job ends or after maxMs, whichever comes first. */
	async settle(job: Job, maxMs: number): Promise<void> {
		if (isTerminal(job.status)) return;
		await new Promise<void>((resolve) => {
			const timer = setTimeout(resolve, maxMs);
			job.onEnd.push(() => {
				clearTimeout(timer);
				resolve();
			});
		});
	}

	get(kind: JobKind, id: string): Job | undefined {
		return this.jobs[kind].get(id);
	}

	find(id: string): Job | undefined {
		return this.jobs.prediction.get(id) ?? this.jobs.execution.get(id);
	}

	/** Newest first, as the list endpoints return them. */
	list(kind: JobKind): Job[] {
		return Array.from(this.jobs[kind].values()).reverse();
	}

	/** A GET by id: in polls mode each one is a step; in time mode it catches up with the clock. */
	observe(job: Job): void {
		if (isTerminal(job.status)) return;
		const { jobMode, pollsToComplete } = this.state.config;
		const jobDurationMs = this.durationOf(job);
		if (jobMode === 'polls') {
			job.polls += 1;
			if (job.polls >= pollsToComplete) this.finish(job, this.outcome(job));
			else job.status = 'running';
		} else if (jobMode === 'time') {
			const elapsed = Date.now() - job.createdAt;
			if (elapsed >= jobDurationMs) this.finish(job, this.outcome(job));
			else if (elapsed >= jobDurationMs / 3) job.status = 'running';
		}
	}

	advance(job: Job, to?: AdvanceTarget): Promise<void> {
		if (isTerminal(job.status)) throw new HttpError(409, `Job ${job.id} is already ${job.status}`);
		if (to === 'running' || (to === undefined && job.status === 'pending')) {
			job.status = 'running';
			return Promise.resolve();
		}
		this.finish(job, to ?? this.outcome(job));
		return job.delivery ?? Promise.resolve();
	}

	view(job: Job): Record<string, unknown> {
		const failed = job.status === 'failed';
		const error = failed ? (job.failure ?? FORCED_FAILURE) : null;
		const completed = job.status === 'completed';
		let usage: Usage = completed ? job.usage : job.pendingUsage;
		if (completed)
			usage = {
				...usage,
				duration_seconds: ((job.completedAt ?? job.createdAt) - job.createdAt) / 1000,
			};
		if (failed) usage = { ...job.pendingUsage, message: error };
		return {
			id: job.id,
			...job.head,
			created_at: isoNow(job.createdAt),
			completed_at: job.completedAt === null ? null : isoNow(job.completedAt),
			response: completed ? job.response : null,
			status: job.status,
			usage,
			...job.tail,
			...(failed ? { message: error, error } : {}),
		};
	}

	close(): void {
		for (const map of Object.values(this.jobs))
			for (const job of map.values()) this.clearTimers(job);
	}

	private durationOf(job: Job): number {
		return job.durationMs ?? this.state.config.jobDurationMs;
	}

	private outcome(job: Job): 'completed' | 'failed' {
		return job.failure ? 'failed' : 'completed';
	}

	private schedule(job: Job): void {
		const { jobMode } = this.state.config;
		const jobDurationMs = this.durationOf(job);
		if (jobMode === 'time') {
			this.later(job, jobDurationMs / 3, () => {
				if (job.status === 'pending') job.status = 'running';
			});
			this.later(job, jobDurationMs, () => this.finish(job, this.outcome(job)));
		} else if (jobMode === 'polls' && job.callbackUrl) {
			const step = () => {
				this.observe(job);
				if (!isTerminal(job.status)) this.later(job, CALLBACK_STEP_MS, step);
			};
			this.later(job, CALLBACK_STEP_MS, step);
		}
	}

	private later(job: Job, ms: number, fn: () => void): void {
		const timer = setTimeout(fn, ms);
		timer.unref();
		job.timers.push(timer);
	}

	private clearTimers(job: Job): void {
		for (const timer of job.timers) clearTimeout(timer);
		job.timers = [];
	}

	private finish(job: Job, status: 'completed' | 'failed'): void {
		if (isTerminal(job.status)) return;
		this.clearTimers(job);
		job.status = status;
		job.completedAt = Date.now();
		if (status === 'completed')
			for (const artifact of job.artifacts) this.state.addArtifact(job.id, artifact);
		if (job.async && job.callbackUrl) {
			job.delivery = this.webhooks.deliver(job.kind, job.id, job.callbackUrl, this.view(job));
		}
		for (const end of job.onEnd.splice(0)) end();
	}
}

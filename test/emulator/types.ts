import type { RateLimit } from './ratelimit';

export type JobMode = 'polls' | 'time' | 'manual';
export type JobStatus = 'pending' | 'enqueued' | 'running' | 'completed' | 'failed' | 'paused';
export type AdvanceTarget = 'running' | 'completed' | 'failed';

export interface EmulatorOptions {
	host?: string;
	port?: number;
	apiKeys?: string[];
	webhookSecret?: string;
	jobMode?: JobMode;
	pollsToComplete?: number;
	jobDurationMs?: number;
	latencyMs?: number | Record<string, number>;
	webhookRetryDelaysMs?: number[];
	/** Per-attempt webhook timeout; the reference says 30 s, tests may shorten it. */
	webhookTimeoutMs?: number;
	retryAfterOn429?: boolean;
	hashMissMode?: 'nulls' | '404';
	/** A per-key request limit like an API gateway's (off by default). */
	rateLimit?: RateLimit | null;
	/**
	 * 'fixed': every job takes jobDurationMs. 'content': jobDurationMs per image, per document page
	 * and per 30 s of audio or video, as a real model's time grows with its input.
	 */
	jobLengths?: 'fixed' | 'content';
	/** How long a batch:false request may block (time mode); a longer job answers still running. */
	syncWindowMs?: number;
	/** Answer every batch:false generate with a 400 asking for batch mode. */
	refuseSync?: boolean;
}

export interface FaultSpec {
	method?: string;
	/** Exact path after /v1, or a prefix ending with '*'. Non-API paths (e.g. /__emulator/upload/*) match in full. */
	path: string;
	status?: number;
	retryAfter?: string;
	reset?: boolean;
	delayMs?: number;
	malformed?: boolean;
	body?: unknown;
	count?: number;
}

export interface FaultMix {
	seed: number;
	rate429?: number;
	rate503Reads?: number;
	rateResetReads?: number;
	rateJobFail?: number;
	malformedOnce?: boolean;
	retryAfterSeconds?: number;
}

export interface RuntimeConfigPatch extends Partial<EmulatorOptions> {
	badSignature?: boolean;
	faultMix?: FaultMix | null;
}

export interface RecordedRequest {
	method: string;
	/** Path after the API prefix (e.g. '/files'), or the full path for non-API routes. */
	path: string;
	/** The API prefix the call came through ('/v1' or '/agent-base/v1'); '' for non-API routes. */
	base: string;
	query: Record<string, string>;
	headers: Record<string, string>;
	body: unknown;
	rawBodyBytes: number;
	at: number;
	/** The HTTP status answered, once the response is sent (429s of the rate limit included). */
	status?: number;
}

export interface RequestFilter {
	method?: string;
	path?: string | RegExp;
}

export interface WebhookDelivery {
	jobId: string;
	jobKind: 'prediction' | 'execution';
	url: string;
	attempt: number;
	status: number | null;
	error: string | null;
	signature: string | null;
	body: string;
	at: number;
	durationMs: number;
}

export interface JobsCreated {
	predictions: number;
	executions: number;
	chats: number;
	uploads: number;
}

export interface Emulator {
	origin: string;
	baseUrl: string;
	/** Same router mounted a second time, for credentials with a separate agent base URL. */
	agentBaseUrl: string;
	apiKey: string;
	requests(filter?: RequestFilter): RecordedRequest[];
	clearRequests(): void;
	injectFault(fault: FaultSpec): void;
	clearFaults(): void;
	configure(patch: RuntimeConfigPatch): void;
	advanceJob(id: string, to?: AdvanceTarget): Promise<void>;
	webhookDeliveries(): WebhookDelivery[];
	jobsCreated(): JobsCreated;
	close(): Promise<void>;
}

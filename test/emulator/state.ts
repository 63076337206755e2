import { randomBytes, randomUUID } from 'node:crypto';

import { isoNow } from './http';
import type { RateLimit } from './ratelimit';
import type {
	EmulatorOptions,
	JobMode,
	JobsCreated,
	RecordedRequest,
	RuntimeConfigPatch,
	WebhookDelivery,
} from './types';

export const DEMO_API_KEY = 'vlm-emulator-demo-key';

/** Options after defaults; everything a request handler may consult at runtime. */
export interface RuntimeConfig {
	apiKeys: string[];
	webhookSecret: string | null;
	jobMode: JobMode;
	pollsToComplete: number;
	jobDurationMs: number;
	latencyMs: number | Record<string, number>;
	webhookRetryDelaysMs: number[];
	webhookTimeoutMs: number;
	retryAfterOn429: boolean;
	hashMissMode: 'nulls' | '404';
	badSignature: boolean;
	rateLimit: RateLimit | null;
	jobLengths: 'fixed' | 'content';
	syncWindowMs: number;
	refuseSync: boolean;
}

export function defaultConfig(options: EmulatorOptions): RuntimeConfig {
	return {
		apiKeys: options.apiKeys ?? [DEMO_API_KEY],
		webhookSecret: options.webhookSecret ?? null,
		jobMode: options.jobMode ?? 'polls',
		pollsToComplete: options.pollsToComplete ?? 2,
		jobDurationMs: options.jobDurationMs ?? 1000,
		latencyMs: options.latencyMs ?? 0,
		webhookRetryDelaysMs: options.webhookRetryDelaysMs ?? [1000, 2000],
		webhookTimeoutMs: options.webhookTimeoutMs ?? 30_000,
		retryAfterOn429: options.retryAfterOn429 ?? true,
		hashMissMode: options.hashMissMode ?? 'nulls',
		badSignature: false,
		rateLimit: options.rateLimit ?? null,
		jobLengths: options.jobLengths ?? 'fixed',
		syncWindowMs: options.syncWindowMs ?? 60_000,
		refuseSync: options.refuseSync ?? false,
	};
}

export interface FileRecord {
	id: string;
	filename: string;
	bytes: number;
	purpose: string;
	createdAt: number;
	md5: string;
	contentType: string;
	/** null when the upload exceeded the in-memory cap; size and md5 are still known. */
	data: Buffer | null;
	/** Presigned uploads exist before their PUT but are invisible to the API until then. */
	uploaded: boolean;
	expiresAt: number | null;
}

export interface StoredBlob {
	contentType: string;
	data: Buffer;
}

export interface Artifact extends StoredBlob {
	objectId: string;
	filename: string;
}

export interface AgentRecord {
	id: string;
	name: string;
	version: string;
	description: string;
	prompt: string;
	json_schema: Record<string, unknown> | null;
	createdAt: number;
	updatedAt: number;
	status: 'pending' | 'completed';
}

export interface SkillRecord {
	id: string;
	name: string;
	description: string;
	skill_version: string;
	createdAt: number;
	updatedAt: number;
	is_public: boolean;
	contentHash: string;
	json_schema: Record<string, unknown> | null;
	bundle: Buffer;
}

export interface ChatSession {
	id: string;
	turns: number;
	firstUserText: string;
}

export interface FeedbackItem {
	id: string;
	created_at: string;
	response: unknown;
	notes: string | null;
}

const REQUEST_LOG_CAP = 50_000;

export class EmulatorState {
	config: RuntimeConfig;
	readonly files = new Map<string, FileRecord>();
	readonly blobs = new Map<string, StoredBlob>();
	readonly artifacts = new Map<string, Map<string, Artifact>>();
	readonly agents: AgentRecord[] = [];
	readonly skills: SkillRecord[] = [];
	readonly sessions = new Map<string, ChatSession>();
	readonly feedback = new Map<string, FeedbackItem[]>();
	readonly requestLog: RecordedRequest[] = [];
	readonly deliveries: WebhookDelivery[] = [];
	readonly counters: JobsCreated = { predictions: 0, executions: 0, chats: 0, uploads: 0 };
	/** Signs presigned upload URLs; per instance so URLs from another run are rejected. */
	readonly uploadSigningKey = randomBytes(16);
	guestChats = 0;

	constructor(
		readonly origin: string,
		options: EmulatorOptions,
	) {
		this.config = defaultConfig(options);
	}

	applyConfig(patch: Omit<RuntimeConfigPatch, 'faultMix'>): void {
		if (patch.host !== undefined || patch.port !== undefined) {
			throw new Error('host and port cannot be changed on a running emulator');
		}
		const { webhookSecret, ...rest } = patch;
		for (const [key, value] of Object.entries(rest)) {
			if (value !== undefined) (this.config as unknown as Record<string, unknown>)[key] = value;
		}
		if (webhookSecret !== undefined) this.config.webhookSecret = webhookSecret || null;
	}

	record(entry: RecordedRequest): void {
		this.requestLog.push(entry);
		if (this.requestLog.length > REQUEST_LOG_CAP) this.requestLog.shift();
	}

	blobUrl(id: string): string {
		return `${this.origin}/__emulator/blob/${encodeURIComponent(id)}`;
	}

	fileView(file: FileRecord, withPublicUrl = true) {
		return {
			id: file.id,
			filename: file.filename,
			bytes: file.bytes,
			purpose: file.purpose,
			created_at: isoNow(file.createdAt),
			object: 'file',
			public_url: withPublicUrl ? this.blobUrl(file.id) : null,
		};
	}

	/** Only completed uploads count as files for the API. */
	uploadedFile(id: string): FileRecord | undefined {
		const file = this.files.get(id);
		return file?.uploaded ? file : undefined;
	}

	addArtifact(namespace: string, artifact: Artifact): void {
		let bucket = this.artifacts.get(namespace);
		if (!bucket) this.artifacts.set(namespace, (bucket = new Map()));
		bucket.set(artifact.objectId, artifact);
	}
}

export const newId = () => randomUUID();
export const hex = (length: number) =>
	randomBytes(Math.ceil(length / 2))
		.toString('hex')
		.slice(0, length);

import { z } from 'zod';

import { notFound, pathMatches } from './http';
import { ok, type App, type Router } from './router';
import { validate } from './schemas';
import type { AdvanceTarget, RecordedRequest, RequestFilter, RuntimeConfigPatch } from './types';
import { registerStorage } from './routes/storage';

/* Test-only endpoints under /__emulator (no auth), mirroring the in-process Emulator API. */

const FaultSpecSchema = z.object({
	method: z.string().optional(),
	path: z.string().min(1),
	status: z.number().int().min(100).max(599).optional(),
	retryAfter: z.string().optional(),
	reset: z.boolean().optional(),
	delayMs: z.number().min(0).optional(),
	malformed: z.boolean().optional(),
	body: z.unknown().optional(),
	count: z.number().int().min(1).optional(),
});

const rate = z.number().min(0).max(1).optional();

const FaultMixSchema = z.object({
	seed: z.number().int(),
	rate429: rate,
	rate503Reads: rate,
	rateResetReads: rate,
	rateJobFail: rate,
	malformedOnce: z.boolean().optional(),
	retryAfterSeconds: z.number().min(0).optional(),
});

const ConfigSchema = z.object({
	apiKeys: z.array(z.string().min(1)).min(1).optional(),
	webhookSecret: z.string().nullable().optional(),
	jobMode: z.enum(['polls', 'time', 'manual']).optional(),
	pollsToComplete: z.number().int().min(1).optional(),
	jobDurationMs: z.number().min(0).optional(),
	latencyMs: z.union([z.number().min(0), z.record(z.string(), z.number().min(0))]).optional(),
	webhookRetryDelaysMs: z.array(z.number().min(0)).optional(),
	webhookTimeoutMs: z.number().min(1).optional(),
	retryAfterOn429: z.boolean().optional(),
	hashMissMode: z.enum(['nulls', '404']).optional(),
	badSignature: z.boolean().optional(),
	faultMix: FaultMixSchema.nullable().optional(),
	rateLimit: z
		.object({
			perMinute: z.number().positive(),
			burst: z.number().int().min(1),
			retryAfter: z.boolean(),
		})
		.nullable()
		.optional(),
	jobLengths: z.enum(['fixed', 'content']).optional(),
	syncWindowMs: z.number().min(0).optional(),
	refuseSync: z.boolean().optional(),
});

const AdvanceSchema = z.object({ to: z.enum(['running', 'completed', 'failed']).optional() });

export function filterRequests(
	log: RecordedRequest[],
	filter: RequestFilter = {},
): RecordedRequest[] {
	return log.filter((entry) => {
		if (filter.method && entry.method !== filter.method.toUpperCase()) return false;
		if (filter.path === undefined) return true;
		return typeof filter.path === 'string'
			? pathMatches(filter.path, entry.path)
			: filter.path.test(entry.path);
	});
}

export function applyConfig(app: App, patch: RuntimeConfigPatch): void {
	const { faultMix, ...rest } = patch;
	app.state.applyConfig(rest);
	if (faultMix !== undefined) app.faults.setMix(faultMix);
	if (rest.rateLimit !== undefined) app.rateLimiter.configure(rest.rateLimit);
}

export function advanceJob(app: App, id: string, to?: AdvanceTarget) {
	const job = app.jobs.find(id);
	if (!job) throw notFound('Job');
	return { job, delivery: app.jobs.advance(job, to) };
}

export function registerControl(router: Router): void {
	registerStorage(router);
	router
		.get('/__emulator/requests', ({ app, query }) =>
			ok(filterRequests(app.state.requestLog, { method: query.method, path: query.path })),
		)
		.delete('/__emulator/requests', ({ app }) => {
			app.state.requestLog.length = 0;
			return ok({ cleared: true });
		})
		.post('/__emulator/faults', ({ app, body }) => {
			const specs = validate(z.union([FaultSpecSchema, z.array(FaultSpecSchema)]), body);
			const list = Array.isArray(specs) ? specs : [specs];
			for (const spec of list) app.faults.add(spec);
			return ok({ added: list.length });
		})
		.delete('/__emulator/faults', ({ app }) => {
			app.faults.clear();
			return ok({ cleared: true });
		})
		.post('/__emulator/config', ({ app, body }) => {
			const patch = validate(ConfigSchema, body);
			applyConfig(app, {
				...patch,
				webhookSecret: patch.webhookSecret === null ? '' : patch.webhookSecret,
			});
			return ok({ updated: Object.keys(patch) });
		})
		.post('/__emulator/webhook-secret', ({ app, body }) => {
			const { secret } = validate(z.object({ secret: z.string().nullable() }), body);
			app.state.applyConfig({ webhookSecret: secret ?? '' });
			return ok({ enabled: !!secret });
		})
		.get('/__emulator/webhooks', ({ app }) => ok(app.state.deliveries))
		.post('/__emulator/jobs/:id/advance', ({ app, params, body }) => {
			const { to } = validate(AdvanceSchema, body);
			const { job } = advanceJob(app, params.id, to);
			return ok(app.jobs.view(job));
		})
		.get('/__emulator/stats', ({ app }) => ok(app.state.counters));
}

import type { AwaitingJob } from './jobs';
import { Limiter } from './limiter';
import { fetchJob, type Job, type JobKind } from './polling';
import { DEFAULT_MAX_CONCURRENCY } from './router';
import { isTerminal } from './status';
import { apiRequest, type VlmRunContext } from './transport';

const LIST_PATHS: Record<JobKind, string> = {
	prediction: '/predictions',
	execution: '/agent/executions',
};

// The list routes answer at most 1,000 jobs, newest first. A little more than the jobs looked for
// leaves room for jobs the account created meanwhile (other workflows, other executions).
const LIST_LIMIT = 1000;
const LIST_MARGIN = 50;

/**
 * The jobs of `jobs` that have finished, with their final state, in one list request per job kind
 * whatever their number; only jobs that newer ones pushed out of the list are read one by one.
 */
export async function readFinishedJobs(
	ctx: VlmRunContext,
	jobs: AwaitingJob[],
): Promise<Map<string, Job>> {
	const finished = new Map<string, Job>();
	const kinds = [...new Set(jobs.map((job) => job.kind))];
	await Promise.all(
		kinds.map(async (kind) => {
			const wanted = new Map(
				jobs.filter((job) => job.kind === kind).map((job) => [job.id, job] as const),
			);
			const listed = (await apiRequest(ctx, {
				method: 'GET',
				path: LIST_PATHS[kind],
				qs: { limit: Math.min(LIST_LIMIT, wanted.size + LIST_MARGIN) },
				resource: kind,
			})) as unknown;
			for (const job of Array.isArray(listed) ? (listed as Job[]) : []) {
				if (!wanted.delete(String(job.id))) continue;
				if (isTerminal(job.status)) finished.set(String(job.id), job);
			}
			const limiter = new Limiter();
			await Promise.all(
				[...wanted.values()].map(
					async (job) =>
						await limiter.run(DEFAULT_MAX_CONCURRENCY, async () => {
							const latest = await fetchJob(ctx, job.kind, job.id, job.itemIndex);
							if (isTerminal(latest.status)) finished.set(job.id, latest);
						}),
				),
			);
		}),
	);
	return finished;
}

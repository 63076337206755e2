import { NodeOperationError } from 'n8n-workflow';
import type {
	IDataObject,
	IWebhookFunctions,
	IWebhookResponseData,
	NodeApiError,
} from 'n8n-workflow';

import { readDelivery, reply } from '../shared/delivery';
import { fetchJob, type Job, type JobKind } from '../shared/polling';
import { CREDENTIAL_NAME } from '../shared/transport';
import { REMEMBERED_DELIVERIES } from './properties';

/** Fetches the job by id; the payload does not say whether it is a prediction or an execution, so its shape decides which to try first. */
async function fetchRecord(
	ctx: IWebhookFunctions,
	job: IDataObject & { id: string },
): Promise<Job> {
	if (!ctx.getNode().credentials?.[CREDENTIAL_NAME]) {
		throw new NodeOperationError(ctx.getNode(), 'Fetch Full Record needs a VLM Run credential', {
			description: 'Select a VLM Run API credential in the trigger, or turn Fetch Full Record off.',
		});
	}
	// Executions carry the agent's name, predictions their domain.
	const kinds: JobKind[] =
		'name' in job && !('domain' in job) ? ['execution', 'prediction'] : ['prediction', 'execution'];
	// apiRequest only throws NodeApiError / NodeOperationError, so whatever is not a 404 goes on as it is.
	const first = await fetchJob(ctx, kinds[0], job.id).catch((error: NodeApiError) => error);
	if (!(first instanceof Error)) return first;
	if (first.httpCode !== '404') throw first;
	return await fetchJob(ctx, kinds[1], job.id);
}

/**
 * Per trigger node (workflow and node id): the deliveries this process has started a run for,
 * oldest first. Kept in memory because it must be read and changed without an await in between
 * (simultaneous copies of a delivery) and because n8n does not reliably save static data written
 * in a webhook. It ends with the process; the Remove Duplicates node after the trigger (see the
 * example) keeps the record in n8n's database.
 */
const started = new Map<string, Set<string>>();

function startedRuns(ctx: IWebhookFunctions): Set<string> {
	const scope = `${ctx.getWorkflow().id ?? ''}:${ctx.getNode().id}`;
	let keys = started.get(scope);
	if (!keys) started.set(scope, (keys = new Set()));
	return keys;
}

/** Claims the delivery for this run; false when this process already started one for it. */
function claim(keys: Set<string>, key: string): boolean {
	if (keys.has(key)) return false;
	keys.add(key);
	// A Set iterates in insertion order: the first key is the oldest.
	if (keys.size > REMEMBERED_DELIVERIES) keys.delete(keys.values().next().value as string);
	return true;
}

/**
 * How long a process verifies deliveries with the signing secret it read, without reading the
 * credential again. In a webhook n8n creates an expression isolate for every credential read (about
 * as much CPU as the rest of the delivery). A delivery that does not verify reads it afresh, so a
 * new secret applies at once and an old one is accepted at most this long after a change; an empty
 * secret (no signature required) is never reused, so setting one applies at once too.
 */
const SECRET_REUSE_MS = 60_000;

/** Per credential: the signing secret this process last read, and when. */
const knownSecrets = new Map<string, { secret: string; readAt: number }>();

function knownSecret(credentialId: string | undefined): string | undefined {
	const known = credentialId ? knownSecrets.get(credentialId) : undefined;
	return known && Date.now() - known.readAt < SECRET_REUSE_MS ? known.secret : undefined;
}

/**
 * One callback from VLM Run: verified, filtered by status, de-duplicated, optionally completed by
 * a fetch, then emitted as one item. Rejected and skipped callbacks are answered without a run.
 */
export async function receiveCallback(ctx: IWebhookFunctions): Promise<IWebhookResponseData> {
	const credentialId = ctx.getNode().credentials?.[CREDENTIAL_NAME]?.id ?? undefined;
	const reused = knownSecret(credentialId);
	const delivery = await readDelivery(ctx, reused);
	if (!delivery.ok) return reply(ctx, delivery.status, { error: delivery.message });
	if (credentialId && delivery.secret && delivery.secret !== reused)
		knownSecrets.set(credentialId, { secret: delivery.secret, readAt: Date.now() });
	const { job } = delivery;
	const options = ctx.getNodeParameter('options', {}) as IDataObject;

	const statuses = options.statuses as string[] | undefined;
	if (statuses && !statuses.includes(String(job.status))) {
		return reply(ctx, 200, {
			received: job.id,
			ignored: `Status "${String(job.status)}" is not among the trigger's Statuses`,
		});
	}

	// Keyed by status too, so that a job reported again with another status is not taken for a repeat.
	const key = `${job.id}:${String(job.status)}`;
	const keys = options.ignoreRepeats !== false ? startedRuns(ctx) : undefined;
	if (keys && !claim(keys, key)) {
		return reply(ctx, 200, { received: job.id, ignored: 'Already processed' });
	}
	let claimed = false;
	try {
		const record = options.fetchFull ? await fetchRecord(ctx, job) : job;
		claimed = true;
		return { workflowData: [ctx.helpers.returnJsonArray(record)] };
	} finally {
		// Released when the fetch failed, so that VLM Run's next delivery of it is processed.
		if (!claimed) keys?.delete(key);
	}
}

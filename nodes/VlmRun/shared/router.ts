import { NodeOperationError } from 'n8n-workflow';
import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
	INodePropertyOptions,
	IPairedItemData,
} from 'n8n-workflow';

import type { JobOutput } from './jobs';
import { Limiter } from './limiter';
import { createdJobsNote, StoppedError, stopRun } from './stop';

export const DEFAULT_MAX_CONCURRENCY = 5;
export const MAX_CONCURRENCY = 50;

/**
 * An item's Max Concurrent Requests, held to the range the UI allows even when an expression
 * or imported workflow JSON sets something else.
 */
export function maxConcurrency(ctx: IExecuteFunctions, itemIndex: number): number {
	const value = Math.floor(
		Number(ctx.getNodeParameter('options.maxConcurrency', itemIndex, DEFAULT_MAX_CONCURRENCY)),
	);
	return Number.isFinite(value)
		? Math.min(MAX_CONCURRENCY, Math.max(1, value))
		: DEFAULT_MAX_CONCURRENCY;
}

/** An input item as an operation sees it: its index, and the plan its `validate` returned. */
export interface PlannedItem<Plan> {
	index: number;
	plan: Plan;
}

export interface RunContext<Plan = unknown> {
	/**
	 * Runs one piece of VLM Run work (a file, a job) under the node's concurrency bound. An item
	 * that calls it gives up its own place in the bound, so its pieces run side by side.
	 */
	limit<T>(task: () => Promise<T>): Promise<T>;
	/**
	 * Awaits every task. When one fails and the node stops on error, the whole run stops at that
	 * moment (see stop.ts); the first failure is rethrown once the others have settled, so nothing
	 * the run started outlives it.
	 */
	all<T>(tasks: Array<Promise<T>>): Promise<T[]>;
	/**
	 * Runs `work` once for several items (e.g. one agent execution for all of them): the first of
	 * `members` runs it, its output and its error pair to every member, the others output nothing.
	 */
	together(members: number[], work: () => Promise<JobOutput[]>): Promise<JobOutput[]>;
	/** Every input item that passed validation, in input order. */
	items: Array<PlannedItem<Plan>>;
	continueOnFail: boolean;
}

/**
 * One operation of a node: its fields, and what it does for one input item. The router owns the
 * item loop: it validates every item before the first request, bounds concurrency, keeps the
 * input order, pairs each output to its item and applies continue-on-fail.
 */
export interface Operation<Plan = undefined> {
	description: INodeProperties[];
	/**
	 * Reads and checks the item's parameters without any network call, and returns the plan
	 * `execute` receives. Without it the plan is undefined.
	 */
	validate?(ctx: IExecuteFunctions, index: number): Plan | Promise<Plan>;
	execute(
		ctx: IExecuteFunctions,
		item: PlannedItem<Plan>,
		run: RunContext<Plan>,
	): Promise<JobOutput[]>;
}

export type OperationMap = Record<string, Record<string, Operation<unknown>>>;

/**
 * A node's resource→operation map, typed by its resource and operation names (so the selectors can
 * be checked against it) while each operation's plan type stays private to its file.
 */
export function operationMap<Map extends OperationMap>(
	map: Map,
): { [Resource in keyof Map]: { [Name in keyof Map[Resource]]: Operation<unknown> } } {
	return map;
}

/** A node's properties: its Resource and Operation selectors, then the fields of every operation. */
export function nodeProperties(
	selectors: INodeProperties[],
	operations: OperationMap,
): INodeProperties[] {
	return [
		...selectors,
		...Object.values(operations).flatMap((group) =>
			Object.values(group).flatMap((operation) => operation.description),
		),
	];
}

/** Options of a node's Resource selector: a value that is not a resource of the map does not compile. */
export type ResourceOptions<Map extends OperationMap> = Array<
	INodePropertyOptions & { value: keyof Map & string }
>;

/** Options of a resource's Operation selector: each value must be one of its operations in the map. */
export type OperationOptions<Map extends OperationMap, Resource extends keyof Map> = Array<
	INodePropertyOptions & { value: keyof Map[Resource] & string }
>;

/**
 * An output item for a failed input when the node continues on fail. Its json keeps to `error`
 * and `details` so n8n routes it to the error output, and no `error` property is set because n8n
 * would then reduce the json to the message alone.
 */
export function errorItem(
	error: Error,
	pairedItem: IPairedItemData | IPairedItemData[],
	context?: string,
): INodeExecutionData {
	const description = (error as { description?: unknown }).description;
	const details = [context, typeof description === 'string' ? description : undefined]
		.filter(Boolean)
		.join(' ');
	return { json: { error: error.message, ...(details ? { details } : {}) }, pairedItem };
}

/** The run's failure, with the jobs it had already created named in its description. */
function namingCreatedJobs(ctx: IExecuteFunctions, error: Error): Error {
	const note = createdJobsNote(ctx);
	if (!note) return error;
	const described = error as { description?: unknown };
	const description = typeof described.description === 'string' ? described.description : '';
	described.description = description ? `${description} ${note}` : note;
	return error;
}

function asNodeError(ctx: IExecuteFunctions, error: Error, itemIndex: number): Error {
	const context = (error as { context?: Record<string, unknown> }).context;
	if ('node' in error && context) {
		if (context.itemIndex === undefined) context.itemIndex = itemIndex;
		return error;
	}
	return new NodeOperationError(ctx.getNode(), error, { itemIndex });
}

function withPairing(
	items: JobOutput[],
	pairing: IPairedItemData | IPairedItemData[],
): JobOutput[] {
	return items.map((item) => (item.pairedItem ? item : { ...item, pairedItem: pairing }));
}

/** How the output of a unit of work pairs to the items it ran for. */
export function pairingOf(members: number[]): IPairedItemData | IPairedItemData[] {
	return members.length === 1 ? { item: members[0] } : members.map((item) => ({ item }));
}

/**
 * Owns the item loop: validates every item before any request, runs items concurrently under
 * the Max Concurrent Requests bound, keeps input order, pairs every output and applies continue-on-fail.
 */
export async function route(
	ctx: IExecuteFunctions,
	operations: OperationMap,
): Promise<JobOutput[][]> {
	const resource = ctx.getNodeParameter('resource', 0) as string;
	const operationName = ctx.getNodeParameter('operation', 0) as string;
	const operation = operations[resource]?.[operationName];
	if (!operation) {
		throw new NodeOperationError(
			ctx.getNode(),
			`The operation "${operationName}" is not supported`,
		);
	}
	const inputs = ctx.getInputData();
	const continueOnFail = ctx.continueOnFail();
	const results: JobOutput[][] = inputs.map(() => []);
	const planned: Array<PlannedItem<unknown>> = [];

	for (let index = 0; index < inputs.length; index++) {
		try {
			const plan = operation.validate ? await operation.validate(ctx, index) : undefined;
			planned.push({ index, plan });
		} catch (error) {
			const nodeError = asNodeError(ctx, error as Error, index);
			if (!continueOnFail) throw nodeError;
			results[index] = [errorItem(nodeError, { item: index })];
		}
	}

	const limiter = new Limiter();
	let failure: Error | undefined;
	const fail = (error: Error) => {
		if (error instanceof StoppedError) return;
		failure = failure ?? error;
		stopRun(ctx);
	};
	const all = async <T>(tasks: Array<Promise<T>>): Promise<T[]> => {
		const settled = await Promise.all(
			tasks.map(
				async (task) =>
					await task.then(
						(value) => ({ value }),
						(error: Error) => {
							if (!continueOnFail) stopRun(ctx);
							return { error };
						},
					),
			),
		);
		const failed = settled.find(
			(entry) => 'error' in entry && !(entry.error instanceof StoppedError),
		);
		if (failed && 'error' in failed) throw failed.error;
		const stopped = settled.find((entry) => 'error' in entry);
		if (stopped && 'error' in stopped) throw stopped.error;
		return settled.map((entry) => (entry as { value: T }).value);
	};
	const runItem = async (item: PlannedItem<unknown>) => {
		const capacity = maxConcurrency(ctx, item.index);
		let pairing = pairingOf([item.index]);
		// The item holds a place in the bound until it asks for places for its own pieces of work.
		let holding = false;
		const release = () => {
			if (holding) limiter.release();
			holding = false;
		};
		const limit = async <T>(task: () => Promise<T>) => {
			release();
			return await limiter.run(capacity, async () => {
				if (failure) throw new StoppedError();
				return await task();
			});
		};
		const together = async (members: number[], work: () => Promise<JobOutput[]>) => {
			if (members[0] !== item.index) return [];
			pairing = pairingOf(members);
			return await work();
		};
		const run: RunContext<unknown> = { limit, all, together, items: planned, continueOnFail };
		try {
			await limiter.acquire(capacity);
			holding = true;
			if (failure) throw new StoppedError();
			results[item.index] = withPairing(await operation.execute(ctx, item, run), pairing);
		} catch (error) {
			if (error instanceof StoppedError) return;
			const nodeError = asNodeError(ctx, error as Error, item.index);
			if (continueOnFail) results[item.index] = [errorItem(nodeError, pairing)];
			else fail(nodeError);
		} finally {
			release();
		}
	};
	await Promise.all(planned.map(runItem));
	if (failure) throw namingCreatedJobs(ctx, failure);
	return [results.flat()];
}

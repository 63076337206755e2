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

export interface RunContext {
	/** Runs one unit of VLM Run work (a file, a job) under the node's concurrency bound. */
	limit<T>(task: () => Promise<T>): Promise<T>;
	/**
	 * Awaits every task. When one fails and the node stops on error, the whole run stops at that
	 * moment (see stop.ts); the first failure is rethrown once the others have settled, so nothing
	 * the run started outlives it.
	 */
	all<T>(tasks: Array<Promise<T>>): Promise<T[]>;
	continueOnFail: boolean;
}

export interface Operation<Prepared = unknown> {
	description: INodeProperties[];
	/** Reads and validates the item's parameters without any network call. */
	prepare?(this: IExecuteFunctions, itemIndex: number): Promise<Prepared>;
	execute(
		this: IExecuteFunctions,
		itemIndex: number,
		prepared: Prepared,
		run: RunContext,
	): Promise<JobOutput[]>;
	/** Set when execute calls run.limit itself (per file) instead of being limited as a whole. */
	limitsItself?: boolean;
	/**
	 * Lets items share one unit of work (e.g. one agent execution for all items): the items whose
	 * prepared value `includes` go to one `execute` call, whose output pairs to all of them.
	 */
	group?: {
		includes(prepared: Prepared): boolean;
		execute(
			this: IExecuteFunctions,
			itemIndices: number[],
			prepared: Prepared[],
			run: RunContext,
		): Promise<JobOutput[]>;
	};
}

export type OperationMap = Record<string, Record<string, Operation<unknown>>>;

/**
 * A node's resource→operation map, typed by its resource and operation names (so the selectors can
 * be checked against it) while each operation's prepared value stays private to its file.
 */
export function operationMap<Map extends OperationMap>(
	map: Map,
): { [Resource in keyof Map]: { [Name in keyof Map[Resource]]: Operation } } {
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
	this: IExecuteFunctions,
	operations: OperationMap,
): Promise<JobOutput[][]> {
	const resource = this.getNodeParameter('resource', 0) as string;
	const operationName = this.getNodeParameter('operation', 0) as string;
	const operation = operations[resource]?.[operationName];
	if (!operation) {
		throw new NodeOperationError(
			this.getNode(),
			`The operation "${operationName}" is not supported`,
		);
	}
	const items = this.getInputData();
	const continueOnFail = this.continueOnFail();
	const results: JobOutput[][] = items.map(() => []);
	const prepared: unknown[] = [];
	const rejected = new Set<number>();

	for (let i = 0; i < items.length; i++) {
		try {
			prepared[i] = operation.prepare ? await operation.prepare.call(this, i) : undefined;
		} catch (error) {
			const nodeError = asNodeError(this, error as Error, i);
			if (!continueOnFail) throw nodeError;
			results[i] = [errorItem(nodeError, { item: i })];
			rejected.add(i);
		}
	}

	const group = operation.group;
	const grouped = group
		? items.map((_, i) => i).filter((i) => !rejected.has(i) && group.includes(prepared[i]))
		: [];

	const limiter = new Limiter();
	let failure: Error | undefined;
	const fail = (error: Error) => {
		if (error instanceof StoppedError) return;
		failure = failure ?? error;
		stopRun(this);
	};
	const all = async <T>(tasks: Array<Promise<T>>): Promise<T[]> => {
		const settled = await Promise.all(
			tasks.map(
				async (task) =>
					await task.then(
						(value) => ({ value }),
						(error: Error) => {
							if (!continueOnFail) stopRun(this);
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
	// A group's output lands at the position of its first item, so the output order follows the input.
	const runUnit = async (members: number[], work: (run: RunContext) => Promise<JobOutput[]>) => {
		const i = members[0];
		const capacity = maxConcurrency(this, i);
		const limit = async <T>(task: () => Promise<T>) =>
			await limiter.run(capacity, async () => {
				if (failure) throw new StoppedError();
				return await task();
			});
		const run: RunContext = { limit, all, continueOnFail };
		const execute = async () => await work(run);
		try {
			results[i] = withPairing(
				operation.limitsItself ? await execute() : await limit(execute),
				pairingOf(members),
			);
		} catch (error) {
			if (error instanceof StoppedError) return;
			const nodeError = asNodeError(this, error as Error, i);
			if (continueOnFail) results[i] = [errorItem(nodeError, pairingOf(members))];
			else fail(nodeError);
		}
	};
	const runItem = async (i: number) =>
		await runUnit([i], async (run) => await operation.execute.call(this, i, prepared[i], run));
	await Promise.all([
		...items.map(async (_, i) =>
			rejected.has(i) || grouped.includes(i) ? undefined : await runItem(i),
		),
		group && grouped.length
			? runUnit(
					grouped,
					async (run) =>
						await group.execute.call(
							this,
							grouped,
							grouped.map((i) => prepared[i]),
							run,
						),
				)
			: undefined,
	]);
	if (failure) throw namingCreatedJobs(this, failure);
	return [results.flat()];
}

import type { IDataObject, INodeExecutionData, IPairedItemData } from 'n8n-workflow';

import type { AwaitingJob } from './jobs';
import type { JobKind } from './polling';

/** One output item of the waiting node: final already, or standing for a job still running. */
export interface Slot {
	item: INodeExecutionData;
	job?: AwaitingJob;
}

/** Node-context keys: the current wait's id, and its saved state (see saveWaitState). */
export const WAIT_KEY = 'vlmrunCallbackWait';
export const STATE_KEY = 'vlmrunCallbacks';

/** A pending job as saved: what its output item needs on resume, nothing that is the same for every job. */
interface SavedJob {
	kind: JobKind;
	id: string;
	itemIndex: number;
	/** Index into SavedWait.shapes. */
	shape: number;
	binary?: INodeExecutionData['binary'];
	/** Only when it is not { item: itemIndex }. */
	pairedItem?: INodeExecutionData['pairedItem'];
}

/**
 * The state saved with the waiting execution. n8n loads and parses the whole execution for every
 * callback, so it is kept small: the deadline once, each distinct resume shape once (an item's
 * files share theirs), and of a pending item only its job, binaries and pairing (its json is
 * replaced on resume, and what the node shows while waiting is not read back).
 */
interface SavedWait {
	deadline: number;
	/** Jobs that had finished when the execution went to wait: their callbacks were turned away. */
	finishedBefore?: string[];
	shapes: IDataObject[];
	slots: Array<{ job: SavedJob } | { item: INodeExecutionData }>;
}

const ownPairing = (pairedItem: unknown, itemIndex: number) =>
	typeof pairedItem === 'object' &&
	!Array.isArray(pairedItem) &&
	(pairedItem as IPairedItemData).item === itemIndex &&
	(pairedItem as IPairedItemData).input === undefined;

/** What the waiting execution keeps, as the receiving process reads it back. */
export interface WaitState {
	slots: Slot[];
	finishedBefore: Set<string>;
}

export function encodeWaitState(slots: Slot[], deadline: number, finishedBefore: string[]): string {
	const shapes: IDataObject[] = [];
	const shapeIndex = new Map<string, number>();
	const indexOf = (shape: IDataObject) => {
		const key = JSON.stringify(shape);
		let index = shapeIndex.get(key);
		if (index === undefined) shapeIndex.set(key, (index = shapes.push(shape) - 1));
		return index;
	};
	const saved: SavedWait = {
		deadline,
		...(finishedBefore.length ? { finishedBefore } : {}),
		shapes,
		slots: slots.map(({ item, job }) => {
			if (!job) return { item };
			const { kind, id, itemIndex } = job;
			const entry: SavedJob = { kind, id, itemIndex, shape: indexOf(job.shape) };
			if (item.binary && Object.keys(item.binary).length) entry.binary = item.binary;
			if (item.pairedItem !== undefined && !ownPairing(item.pairedItem, itemIndex))
				entry.pairedItem = item.pairedItem;
			return { job: entry };
		}),
	};
	return JSON.stringify(saved);
}

/** A saved state; no slots for none. Reads the list of slots older versions saved, too. */
export function decodeWaitState(stored: unknown): WaitState {
	if (typeof stored !== 'string' || !stored) return { slots: [], finishedBefore: new Set() };
	const parsed = JSON.parse(stored) as SavedWait | Slot[];
	if (Array.isArray(parsed)) return { slots: parsed, finishedBefore: new Set() };
	const slots = parsed.slots.map((slot): Slot => {
		if ('item' in slot) return { item: slot.item };
		const { kind, id, itemIndex, shape, binary, pairedItem } = slot.job;
		return {
			item: {
				json: {},
				pairedItem: pairedItem ?? { item: itemIndex },
				...(binary ? { binary } : {}),
			},
			job: { kind, id, itemIndex, deadline: parsed.deadline, shape: parsed.shapes[shape] },
		};
	});
	return { slots, finishedBefore: new Set(parsed.finishedBefore) };
}

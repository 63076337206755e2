import type { INodeExecutionData } from 'n8n-workflow';

import {
	decodeWaitState,
	encodeWaitState,
	type Slot,
} from '../../../nodes/VlmRun/shared/callbackState';

const review = { rules: [{ field: 'total', condition: 'isNotEmpty' }] };
const pending = (
	id: string,
	itemIndex: number,
	file: string,
	extra: Partial<INodeExecutionData> = {},
): Slot => ({
	item: { json: { id, status: 'pending' }, pairedItem: { item: itemIndex }, ...extra },
	job: {
		kind: 'prediction',
		id,
		itemIndex,
		deadline: 5_000 + itemIndex,
		shape: { output: 'data', source: { url: file }, review },
	},
});

describe('the state a waiting execution keeps', () => {
	it('saves each resume shape, the deadline and each pairing once, and gives back what resume needs', () => {
		const photo = { data: 'aGVsbG8=', mimeType: 'image/png' };
		const slots: Slot[] = [
			{ item: { json: { error: 'Bad URL' }, pairedItem: { item: 0 } } },
			pending('p1', 1, 'a.pdf', { binary: { photo } }),
			pending('p2', 1, 'a.pdf', { pairedItem: [{ item: 1 }, { item: 2 }] }),
			pending('p3', 3, 'b.pdf'),
		];
		const stored = encodeWaitState(slots, 9_000, ['p0']);
		const saved = JSON.parse(stored);
		expect(saved.deadline).toBe(9_000);
		expect(saved.finishedBefore).toEqual(['p0']);
		// p1 and p2 are files of one item with the same shape; p3's file differs.
		expect(saved.shapes).toHaveLength(2);
		expect(stored.match(/isNotEmpty/g)).toHaveLength(2);
		expect(saved.slots[1].job).toEqual({
			kind: 'prediction',
			id: 'p1',
			itemIndex: 1,
			shape: 0,
			binary: { photo },
		});
		expect(saved.slots[3].job).toEqual({ kind: 'prediction', id: 'p3', itemIndex: 3, shape: 1 });

		const { slots: restored, finishedBefore } = decodeWaitState(stored);
		expect(finishedBefore).toEqual(new Set(['p0']));
		expect(restored[0]).toEqual(slots[0]);
		expect(restored.slice(1).map(({ item, job }) => [item, job])).toEqual([
			[
				{ json: {}, pairedItem: { item: 1 }, binary: { photo } },
				{ ...slots[1].job, deadline: 9_000 },
			],
			[
				{ json: {}, pairedItem: [{ item: 1 }, { item: 2 }] },
				{ ...slots[2].job, deadline: 9_000 },
			],
			[
				{ json: {}, pairedItem: { item: 3 } },
				{ ...slots[3].job, deadline: 9_000 },
			],
		]);
	});

	it('reads the list of slots that executions put to wait by the previous version saved', () => {
		const slots = [pending('p1', 0, 'a.pdf')];
		expect(decodeWaitState(JSON.stringify(slots))).toEqual({ slots, finishedBefore: new Set() });
	});

	it('has no slots when nothing was saved', () => {
		const none = { slots: [], finishedBefore: new Set() };
		expect(decodeWaitState(undefined)).toEqual(none);
		expect(decodeWaitState('')).toEqual(none);
	});
});

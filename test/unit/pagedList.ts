import type { IDataObject } from 'n8n-workflow';

import type { OperationMap } from '../../nodes/VlmRun/shared/router';
import { runOperation } from './fakeContext';

export interface PagedList {
	operations: OperationMap;
	parameters: IDataObject;
	/** The API path that lists the records, e.g. "/files". */
	path: string;
	/** How the API pages: ?skip= or ?offset=. */
	position: 'skip' | 'offset';
	/** Query parameters the operation sends besides the page. */
	query?: IDataObject;
}

const records = (from: number, count: number) =>
	Array.from({ length: count }, (_, n) => ({ id: `record-${from + n}` }));

/** The tests every Get Many over VLM Run's paged lists must pass. */
export function pagedListTests({ operations, parameters, path, position, query = {} }: PagedList) {
	test('Limit: one page of that size, one item per record, each paired to the input item', async () => {
		const { output, sent } = await runOperation(operations, {
			parameters: { ...parameters, returnAll: false, limit: 3 },
			api: { [`GET ${path}`]: { statusCode: 200, body: records(0, 3) } },
		});
		expect(sent).toEqual([
			{ method: 'GET', path, qs: { ...query, [position]: 0, limit: 3 }, body: undefined },
		]);
		expect(output).toEqual(records(0, 3).map((json) => ({ json, pairedItem: { item: 0 } })));
	});

	test(`Return All: walks the pages with ${position} until a short page`, async () => {
		const { output, sent } = await runOperation(operations, {
			parameters: { ...parameters, returnAll: true },
			api: {
				[`GET ${path}`]: [
					{ statusCode: 200, body: records(0, 100) },
					{ statusCode: 200, body: records(100, 20) },
				],
			},
		});
		expect(sent.map((request) => request.qs)).toEqual([
			{ ...query, [position]: 0, limit: 100 },
			{ ...query, [position]: 100, limit: 100 },
		]);
		expect(output).toHaveLength(120);
		expect(output[119]).toEqual({ json: { id: 'record-119' }, pairedItem: { item: 0 } });
	});
}

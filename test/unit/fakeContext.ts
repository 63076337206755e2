/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals, no-console */
import type { IExecuteFunctions, INode } from 'n8n-workflow';

export const testNode: INode = {
	id: 'node-1',
	name: 'VLM Run Request',
	type: 'n8n-nodes-vlmrun.vlmRunRequest',
	typeVersion: 1,
	position: [0, 0],
	parameters: {},
};

/** Only what pure validation helpers touch: the node, for their error objects. */
export const nodeOnlyContext = { getNode: () => testNode } as unknown as IExecuteFunctions;

import type {
	ICredentialDataDecryptedObject,
	IDataObject,
	INodeExecutionData,
	INodeParameters,
} from 'n8n-workflow';

import { VlmRunExecution } from '../../../nodes/VlmRun/VlmRunExecution.node';
import type { Emulator, RecordedRequest } from '../../emulator';
import { createBinaryItem, runNode, type WorkflowNode } from '../harness';
import { fixture, vlmNode } from '../vlmrun';

export const nodeTypes = [VlmRunExecution];

/** A Run node with a prompt; `parameters` override or add to it. */
export function runParams(parameters: INodeParameters = {}): INodeParameters {
	return {
		resource: 'execution',
		operation: 'run',
		prompt: 'Summarise the package.',
		...parameters,
	};
}

export function executionNode(
	parameters: INodeParameters,
	extra: Partial<WorkflowNode> = {},
): WorkflowNode {
	return vlmNode('vlmRunExecution', parameters, extra);
}

export async function pdfItem(
	fileName = 'invoice-1.pdf',
	json: IDataObject = {},
): Promise<INodeExecutionData> {
	return await createBinaryItem({ data: fixture(fileName) }, json);
}

export async function run(
	credentials: Record<string, ICredentialDataDecryptedObject>,
	parameters: INodeParameters,
	inputItems: INodeExecutionData[] = [{ json: {} }],
	extra: Partial<WorkflowNode> = {},
) {
	return await runNode(executionNode(parameters, extra), { nodeTypes, inputItems, credentials });
}

/** The bodies of the POST /agent/execute calls the emulator received. */
export function executeBodies(emulator: Emulator): IDataObject[] {
	return emulator
		.requests({ method: 'POST', path: '/agent/execute' })
		.map((request: RecordedRequest) => request.body as IDataObject);
}

export function vlmrunOf(item: INodeExecutionData): IDataObject {
	return item.json.vlmrun as IDataObject;
}

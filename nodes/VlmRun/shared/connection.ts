import { NodeApiError, NodeOperationError } from 'n8n-workflow';
import type { JsonObject } from 'n8n-workflow';

import { runSignal, StoppedError } from './stop';
import type { ApiCall, VlmRunContext } from './transport';

/** Aborts when the execution is cancelled or the node run stops after a failure (see stop.ts). */
export function cancelSignal(ctx: VlmRunContext): AbortSignal {
	return runSignal(
		ctx,
		'getExecutionCancelSignal' in ctx ? ctx.getExecutionCancelSignal() : undefined,
	);
}

export function cancelledError(ctx: VlmRunContext, call: ApiCall, signal?: AbortSignal) {
	if (signal?.reason instanceof StoppedError) return signal.reason;
	return new NodeOperationError(ctx.getNode(), 'The execution was cancelled', {
		itemIndex: call.itemIndex,
	});
}

export function connectionError(ctx: VlmRunContext, call: ApiCall, code: string) {
	// The code goes into the description only: NodeApiError would swap our message for its generic one.
	return new NodeApiError(ctx.getNode(), { failure: 'connection' } as JsonObject, {
		message: 'Could not reach VLM Run',
		description: `The connection failed (${code}) on ${call.method} ${call.path}. Check the Base URL in the VLM Run API credential and the network between n8n and VLM Run.`,
		itemIndex: call.itemIndex,
	});
}

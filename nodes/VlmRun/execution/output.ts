import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';

import {
	artifactFailureNote,
	collectArtifactRefs,
	downloadArtifacts,
	summarizeArtifacts,
	type ArtifactContext,
} from '../shared/artifacts';

export type ExecutionOutput = 'response' | 'full';

export interface OutputOptions {
	output: ExecutionOutput;
	downloadArtifacts: boolean;
	/** What was sent, for the vlmrun summary (Run only). */
	inputs?: IDataObject[];
	/** Files left out by Skip Unsupported Files (Run only). */
	skippedFiles?: IDataObject[];
	model?: string;
}

export const downloadArtifactsOption: INodeProperties = {
	displayName: 'Download Artifacts',
	name: 'downloadArtifacts',
	type: 'boolean',
	default: true,
	description:
		'Whether to download the files the agent generated (images, videos, documents …) into binary properties named after their refs, e.g. img_a1b2c3',
};

export const outputOption: INodeProperties = {
	displayName: 'Output',
	name: 'output',
	type: 'options',
	options: [
		{
			name: 'Response',
			value: 'response',
			description: "The agent's response plus a vlmrun summary object",
		},
		{
			name: 'Full Execution',
			value: 'full',
			description: 'The whole execution object as VLM Run returns it',
		},
	],
	default: 'response',
};

export function readOutputOptions(ctx: IExecuteFunctions, i: number): OutputOptions {
	const options = ctx.getNodeParameter('options', i, {}) as IDataObject;
	return {
		output: options.output === 'full' ? 'full' : 'response',
		downloadArtifacts: options.downloadArtifacts !== false,
	};
}

/**
 * Shapes an execution into the item the user sees: a completed response at the top level (so
 * the next node maps its fields directly), a vlmrun summary beside it, artifacts as binaries.
 */
export async function executionItem(
	ctx: ArtifactContext,
	i: number,
	execution: IDataObject,
	options: OutputOptions,
): Promise<INodeExecutionData> {
	const completed = execution.status === 'completed';
	const refs = completed ? collectArtifactRefs(execution.response) : [];
	const downloaded =
		options.downloadArtifacts && refs.length
			? await downloadArtifacts(ctx, refs, { executionId: String(execution.id) }, i)
			: undefined;
	const binary = downloaded?.binary;
	const artifactError =
		downloaded && artifactFailureNote(`Execution ${String(execution.id)} completed`, downloaded);
	const usage = (execution.usage ?? {}) as IDataObject;
	const vlmrun: IDataObject = {
		executionId: execution.id,
		agentName: execution.name ?? null,
		status: execution.status,
		...(options.model ? { model: options.model } : {}),
		creditsUsed: usage.credits_used ?? null,
		usage,
		...(options.inputs ? { inputs: options.inputs } : {}),
		...(options.skippedFiles ? { skippedFiles: options.skippedFiles } : {}),
		artifacts: summarizeArtifacts(refs, downloaded),
		...(artifactError ? { artifactError } : {}),
	};
	const response = execution.response;
	let json: IDataObject;
	if (options.output === 'full' || !completed) json = { ...execution, vlmrun };
	else if (response && typeof response === 'object' && !Array.isArray(response))
		json = { ...(response as IDataObject), vlmrun };
	else json = { response: response as IDataObject[keyof IDataObject], vlmrun };
	return binary && Object.keys(binary).length ? { json, binary } : { json };
}

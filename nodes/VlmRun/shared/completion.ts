import type { IExecuteFunctions, INodeProperties, INodePropertyOptions } from 'n8n-workflow';

import { WAIT_PARAM, waitIdOf } from './callback';
import { inputError } from './errors';
import { isHttpUrl } from './params';

/*
 * How an operation's jobs complete: the Completion fields, and the one function that reads them.
 * The lifecycle itself (submit, poll or wait, shape) is jobs.ts.
 */

export type Completion = 'waitForResult' | 'submitOnly' | 'waitForCallback';

/** How an item's jobs complete, read once per item from the Completion parameters. */
export interface CompletionPlan {
	completion: Completion;
	/** Wait for Result: how long to poll. */
	timeoutMs: number;
	/** Sent as callback_url: the resume URL (Wait for Callback) or the user's URL (Submit Only). */
	callbackUrl?: string;
	/** Wait for Callback only: when n8n stops waiting, in ms since the epoch. */
	callbackDeadline?: number;
}

const completionModes: Record<string, INodePropertyOptions> = {
	waitForResult: {
		name: 'Wait for Result',
		value: 'waitForResult',
		description: 'Submit the job and poll until it finishes, then output the result',
	},
	waitForCallback: {
		name: 'Wait for Callback',
		value: 'waitForCallback',
		description:
			'Submit the job and pause the execution until VLM Run calls back with the result; no worker stays busy meanwhile',
	},
	submitOnly: {
		name: 'Submit Only',
		value: 'submitOnly',
		description:
			'Output the pending job at once; collect the result later with Get, or with the VLM Run Trigger through a callback URL',
	},
};

function completionSelector(modes: string[]): INodeProperties {
	return {
		displayName: 'Completion',
		name: 'completion',
		type: 'options',
		options: modes.map((mode) => completionModes[mode]),
		default: 'waitForResult',
	};
}

const timeoutProperty: INodeProperties = {
	displayName: 'Timeout (Seconds)',
	name: 'timeout',
	type: 'number',
	typeOptions: { minValue: 1 },
	default: 600,
	description:
		'How long to wait for the job to finish before the node stops waiting; the job keeps running on VLM Run',
	displayOptions: { show: { completion: ['waitForResult'] } },
};

const callbackUrlProperty: INodeProperties = {
	displayName: 'Callback URL',
	name: 'callbackUrl',
	type: 'string',
	default: '',
	placeholder: 'e.g. https://n8n.example.com/webhook/vlmrun',
	description:
		'Optional. VLM Run posts the finished job here; paste the Production URL of a VLM Run Trigger node.',
	displayOptions: { show: { completion: ['submitOnly'] } },
};

/**
 * The Completion fields of an operation that creates a job (Wait for Callback is implemented by
 * shared/callback.ts). The AI-tool variant of a node (n8n's `@tool`) does not offer it: an agent
 * needs the answer within its own run, and a tool cannot pause the execution.
 */
export const completionProperties: INodeProperties[] = [
	{
		...completionSelector(['waitForResult', 'waitForCallback', 'submitOnly']),
		displayOptions: { show: { '@tool': [false] } },
	},
	{
		...completionSelector(['waitForResult', 'submitOnly']),
		displayOptions: { show: { '@tool': [true] } },
	},
	timeoutProperty,
	{
		displayName:
			"VLM Run calls this execution back at n8n's webhook URL (N8N_WEBHOOK_URL), so it must be reachable from the internet. With several files, the execution resumes once all of them have called back.",
		name: 'callbackNotice',
		type: 'notice',
		default: '',
		displayOptions: { show: { completion: ['waitForCallback'] } },
	},
	{
		displayName: 'Timeout (Minutes)',
		name: 'callbackTimeout',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 1440,
		description:
			"How long the execution waits for VLM Run's callbacks. If they have not all come by then, n8n continues past this node with its input items unchanged: n8n runs no node code when a wait runs out.",
		displayOptions: { show: { completion: ['waitForCallback'] } },
	},
	callbackUrlProperty,
];

/** This execution's resume URL, to send as callback_url, naming the wait (see callback.ts). */
export function resumeUrl(ctx: IExecuteFunctions, itemIndex: number): string {
	if (ctx.getNode().type.endsWith('Tool')) {
		throw inputError(
			ctx.getNode(),
			itemIndex,
			'Wait for Callback is not available when the node runs as an AI tool',
			'An agent needs the answer within its own run: set Completion to Wait for Result.',
		);
	}
	const url = String(ctx.evaluateExpression('{{ $execution.resumeUrl }}', itemIndex));
	return `${url}${url.includes('?') ? '&' : '?'}${WAIT_PARAM}=${waitIdOf(ctx)}`;
}

/** Reads Completion, Timeout, Callback URL and Callback Timeout for item `i`, validating the URL. */
export function readCompletion(
	ctx: IExecuteFunctions,
	i: number,
	defaultTimeoutS: number,
): CompletionPlan {
	const completion = ctx.getNodeParameter('completion', i, 'waitForResult') as Completion;
	const timeoutMs = (ctx.getNodeParameter('timeout', i, defaultTimeoutS) as number) * 1000;
	if (completion === 'waitForCallback') {
		const minutes = ctx.getNodeParameter('callbackTimeout', i, 1440) as number;
		return {
			completion,
			timeoutMs,
			callbackUrl: resumeUrl(ctx, i),
			callbackDeadline: Date.now() + minutes * 60_000,
		};
	}
	if (completion !== 'submitOnly') return { completion, timeoutMs };
	const url = String(ctx.getNodeParameter('callbackUrl', i, '') ?? '').trim();
	if (url && !isHttpUrl(url)) {
		throw inputError(
			ctx.getNode(),
			i,
			`The Callback URL "${url}" is not an http(s) URL`,
			'Paste the Production URL of a VLM Run Trigger node, or leave it empty.',
		);
	}
	return { completion, timeoutMs, callbackUrl: url || undefined };
}

import type { INodeProperties } from 'n8n-workflow';

/** How many job deliveries the trigger remembers to recognise a repeated one. */
export const REMEMBERED_DELIVERIES = 1000;

export const triggerProperties: INodeProperties[] = [
	{
		displayName:
			'Paste the Production URL above as the Callback URL of a VLM Run Request or Execution node (Completion: Submit Only), or as callback_url in your own VLM Run calls. The workflow starts once for every finished job.',
		name: 'setupNotice',
		type: 'notice',
		default: '',
	},
	{
		displayName:
			'Callbacks are verified only when the VLM Run credential has a Webhook Signing Secret: then a callback without a valid X-VLMRun-Signature gets 401 and starts nothing. Without a credential or a secret, callbacks are unverified and anyone who knows this URL can start the workflow.',
		name: 'signatureNotice',
		type: 'notice',
		default: '',
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Fetch Full Record',
				name: 'fetchFull',
				type: 'boolean',
				default: false,
				description:
					'Whether to fetch the prediction or execution from VLM Run by its ID before starting the workflow, for callbacks that carry a trimmed object. Needs a VLM Run credential.',
			},
			{
				displayName: 'Ignore Repeated Deliveries',
				name: 'ignoreRepeats',
				type: 'boolean',
				default: true,
				description: `Whether to start the workflow at most once per job and status that this n8n process receives, however often VLM Run delivers it and even when copies arrive at the same moment. The process remembers the last ${REMEMBERED_DELIVERIES.toLocaleString('en-US')} jobs until n8n restarts; with several webhook processes, each remembers its own. For once-only across restarts and processes, add a Remove Duplicates node after the trigger that removes items processed in previous executions, keyed on the job's ID and status.`,
			},
			{
				displayName: 'Statuses',
				name: 'statuses',
				type: 'multiOptions',
				options: [
					{ name: 'Completed', value: 'completed' },
					{ name: 'Failed', value: 'failed' },
				],
				default: ['completed', 'failed'],
				description: 'Start the workflow only for jobs that ended with one of these statuses',
			},
		],
	},
];

import type {
	IAuthenticate,
	Icon,
	ICredentialTestRequest,
	ICredentialType,
	INodeProperties,
} from 'n8n-workflow';

export class VlmRunApi implements ICredentialType {
	name = 'vlmRunApi';

	displayName = 'VLM Run API';

	icon: Icon = { light: 'file:vlmrun.svg', dark: 'file:vlmrun.dark.svg' };

	documentationUrl = 'https://docs.vlm.run/';

	properties: INodeProperties[] = [
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			required: true,
			default: '',
			description: 'Your VLM Run API key, from the VLM Run dashboard (Settings → API Keys)',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'https://api.vlm.run/v1',
			description:
				'The VLM Run API root including /v1. Change it only for a self-hosted or development deployment.',
		},
		{
			displayName: 'Requests per Minute',
			name: 'requestsPerMinute',
			type: 'number',
			typeOptions: { minValue: 1 },
			default: '',
			description:
				"Optional. Your VLM Run plan's request limit (e.g. 10 on the Standard plan). Every node and execution using this credential in this n8n process then spaces its requests to stay under it, so items wait instead of failing. Empty: no limit is assumed; the nodes still slow down when VLM Run answers 429.",
		},
		{
			displayName: 'Webhook Signing Secret',
			name: 'webhookSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description:
				'Optional. The webhook secret from the VLM Run dashboard. When set, the VLM Run Trigger and the Wait for Callback mode reject callbacks whose X-VLMRun-Signature does not match.',
		},
	];

	// A function rather than the generic `=Bearer {{$credentials.apiKey}}`: n8n evaluates a generic
	// header as an expression on every request, about 0.7 ms of CPU each (issue 14 benchmark).
	authenticate: IAuthenticate = async (credentials, requestOptions) => ({
		...requestOptions,
		headers: { ...requestOptions.headers, Authorization: `Bearer ${String(credentials.apiKey)}` },
	});

	// An account-scoped listing: unlike /health or /domains it cannot answer 200 to a wrong key.
	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{$credentials.baseUrl.replace(/\\/+$/, "")}}',
			url: '/predictions',
			qs: { limit: 1 },
		},
	};
}

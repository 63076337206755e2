import type { IAuthenticate, IHttpRequestOptions } from 'n8n-workflow';

import { VlmRunApi } from '../../../credentials/VlmRunApi.credentials';

describe('VLM Run API credential', () => {
	it('adds the Bearer header and keeps the request’s own headers', async () => {
		const authenticate = new VlmRunApi().authenticate as Exclude<IAuthenticate, { type: string }>;
		const request: IHttpRequestOptions = {
			url: 'https://api.vlm.run/v1/files',
			headers: { 'X-Client-Id': 'n8n-nodes-vlmrun/0.1.0' },
		};
		await expect(authenticate({ apiKey: 'sk-1' }, request)).resolves.toEqual({
			url: 'https://api.vlm.run/v1/files',
			headers: { 'X-Client-Id': 'n8n-nodes-vlmrun/0.1.0', Authorization: 'Bearer sk-1' },
		});
		expect(request.headers).toEqual({ 'X-Client-Id': 'n8n-nodes-vlmrun/0.1.0' });
	});

	it('offers Requests per Minute, empty by default', () => {
		const field = new VlmRunApi().properties.find((p) => p.name === 'requestsPerMinute');
		expect(field).toMatchObject({ type: 'number', default: '' });
	});
});

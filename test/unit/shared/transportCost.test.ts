/* eslint-disable @n8n/community-nodes/no-restricted-imports */
// Two fixes found by the benchmark (issue 8): the credential is read once per node run rather than
// once per request (each read is a database query and a decryption in n8n), and presigned uploads
// do not follow redirects, because following them makes n8n's HTTP client hold the whole body.
import { Readable } from 'node:stream';

import type { IHttpRequestOptions } from 'n8n-workflow';

import { apiRequest } from '../../../nodes/VlmRun/shared/transport';
import { putSignedUrl } from '../../../nodes/VlmRun/shared/signedUrl';
import { scriptedContext } from '../fakeContext';

describe('transport costs', () => {
	it('reads the credential once per node run, however many requests it makes', async () => {
		const { ctx, sent } = scriptedContext([
			{ statusCode: 200, body: { n: 1 } },
			{ statusCode: 200, body: { n: 2 } },
			{ statusCode: 200, body: { n: 3 } },
		]);
		const getCredentials = jest.spyOn(ctx, 'getCredentials');
		await Promise.all([
			apiRequest(ctx, { method: 'GET', path: '/a' }),
			apiRequest(ctx, { method: 'GET', path: '/b' }),
		]);
		await apiRequest(ctx, { method: 'GET', path: '/c' });
		expect(getCredentials).toHaveBeenCalledTimes(1);
		expect(sent.map((options) => options.url)).toEqual([
			'http://vlm.test/v1/a',
			'http://vlm.test/v1/b',
			'http://vlm.test/v1/c',
		]);
	});

	it('hands the credential it read to n8n with each request, so n8n does not read it again', async () => {
		const { ctx } = scriptedContext([
			{ statusCode: 200, body: {} },
			{ statusCode: 200, body: {} },
		]);
		const authenticated = jest.spyOn(ctx.helpers, 'httpRequestWithAuthentication');
		await apiRequest(ctx, { method: 'GET', path: '/a' });
		await apiRequest(ctx, { method: 'POST', path: '/b', body: {} });
		expect(authenticated).toHaveBeenCalledTimes(2);
		for (const [type, , options] of authenticated.mock.calls) {
			expect(type).toBe('vlmRunApi');
			expect(options?.credentialsDecrypted).toMatchObject({
				type: 'vlmRunApi',
				data: { apiKey: 'secret-key-123' },
			});
		}
	});

	it('reads the credential again after a failed read', async () => {
		const { ctx } = scriptedContext([{ statusCode: 200, body: {} }]);
		const getCredentials = jest
			.spyOn(ctx, 'getCredentials')
			.mockRejectedValueOnce(new Error('database is locked'))
			.mockResolvedValueOnce({ apiKey: 'k', baseUrl: 'http://vlm.test/v1' });
		await expect(apiRequest(ctx, { method: 'GET', path: '/a' })).rejects.toThrow(
			'database is locked',
		);
		await expect(apiRequest(ctx, { method: 'GET', path: '/a' })).resolves.toEqual({});
		expect(getCredentials).toHaveBeenCalledTimes(2);
	});

	it('streams a presigned upload without following redirects', async () => {
		const { ctx } = scriptedContext([]);
		const sent: IHttpRequestOptions[] = [];
		(ctx.helpers as unknown as { httpRequest: unknown }).httpRequest = async (
			options: IHttpRequestOptions,
		) => {
			sent.push(options);
			return { statusCode: 200, headers: {}, body: '' };
		};
		const body = Readable.from([Buffer.from('video bytes')]);
		await putSignedUrl(ctx, 'http://storage.test/upload?sig=x', body, 'video/mp4', 11, 0);
		expect(sent).toHaveLength(1);
		expect(sent[0]).toMatchObject({ method: 'PUT', body, disableFollowRedirect: true });
		expect(sent[0].headers).toEqual({ 'Content-Type': 'video/mp4', 'Content-Length': '11' });
	});
});

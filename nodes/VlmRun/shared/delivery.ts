import type { IDataObject, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

import { SIGNATURE_HEADER, verifySignature } from './signature';
import { CREDENTIAL_NAME } from './transport';

/** A callback VLM Run posted: the job object, already checked against the signing secret if there is one. */
export type Delivery =
	| { ok: true; job: IDataObject & { id: string }; secret: string }
	| { ok: false; status: number; message: string };

/** The Webhook Signing Secret of the node's VLM Run credential; empty when no credential or no secret is set. */
export async function signingSecret(ctx: IWebhookFunctions): Promise<string> {
	if (!ctx.getNode().credentials?.[CREDENTIAL_NAME]) return '';
	const credentials = await ctx.getCredentials(CREDENTIAL_NAME);
	return String(credentials.webhookSecret ?? '').trim();
}

/**
 * Reads the callback from the raw request bytes: the signature covers exactly those bytes, and
 * n8n's parsed body re-serialised would not match them. A caller that already read the secret
 * passes it (reading a credential is a database read and a decryption); a delivery it does not
 * verify is checked once more against the credential as it is now, in case the secret changed.
 */
export async function readDelivery(
	ctx: IWebhookFunctions,
	knownSecret?: string,
): Promise<Delivery> {
	const request = ctx.getRequestObject();
	const rawBody = request.rawBody ?? Buffer.alloc(0);
	const signature = request.headers[SIGNATURE_HEADER];
	let secret = knownSecret ?? (await signingSecret(ctx));
	if (knownSecret !== undefined && secret && !verifySignature(rawBody, signature, secret))
		secret = await signingSecret(ctx);
	if (secret && !verifySignature(rawBody, signature, secret)) {
		return {
			ok: false,
			status: 401,
			message:
				'Missing or invalid X-VLMRun-Signature: the callback was not signed with the Webhook Signing Secret of the VLM Run credential',
		};
	}
	let job: unknown;
	try {
		job = JSON.parse(rawBody.toString('utf8'));
	} catch {
		return { ok: false, status: 400, message: 'The body is not JSON' };
	}
	if (
		!job ||
		typeof job !== 'object' ||
		Array.isArray(job) ||
		typeof (job as IDataObject).id !== 'string'
	) {
		return {
			ok: false,
			status: 400,
			message: 'The body is not a VLM Run prediction or execution (no "id")',
		};
	}
	return { ok: true, job: job as IDataObject & { id: string }, secret };
}

/** Answers the HTTP request directly and starts or resumes nothing. */
export function reply(
	ctx: IWebhookFunctions,
	status: number,
	body: IDataObject,
): IWebhookResponseData {
	ctx.getResponseObject().status(status).json(body);
	return { noWebhookResponse: true };
}

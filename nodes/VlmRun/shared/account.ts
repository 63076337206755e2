import { createHash } from 'crypto';
import type { ICredentialsDecrypted } from 'n8n-workflow';

import type { VlmRunContext } from './transport';

export const CREDENTIAL_NAME = 'vlmRunApi';

export interface Account {
	baseUrl: string;
	/** Identifies the account for pacing without keeping its API key around. */
	key: string;
	/** From the credential; 0 when empty (no configured limit). */
	requestsPerMinute: number;
	/**
	 * The credential as read, handed back to n8n's httpRequestWithAuthentication, which otherwise
	 * reads it again for every request. It stays inside the transport: never in an error or output.
	 */
	credential: ICredentialsDecrypted;
}

/**
 * The credential, read once per node run: in n8n every getCredentials is a database query and a
 * decryption (about 0.3 ms of CPU, and a wait in the database's queue), which would otherwise be
 * paid again for every request of every item.
 */
const accounts = new WeakMap<object, Promise<Account>>();

async function read(ctx: VlmRunContext): Promise<Account> {
	const credentials = await ctx.getCredentials(CREDENTIAL_NAME);
	const baseUrl = String(credentials.baseUrl || 'https://api.vlm.run/v1').replace(/\/+$/, '');
	const fingerprint = createHash('sha256')
		.update(String(credentials.apiKey ?? ''))
		.digest('hex')
		.slice(0, 16);
	const requestsPerMinute = Number(credentials.requestsPerMinute);
	const selected = ctx.getNode().credentials?.[CREDENTIAL_NAME];
	return {
		baseUrl,
		key: `${baseUrl} ${fingerprint}`,
		requestsPerMinute: requestsPerMinute > 0 ? requestsPerMinute : 0,
		credential: {
			id: selected?.id ?? '',
			name: selected?.name ?? '',
			type: CREDENTIAL_NAME,
			data: credentials,
		},
	};
}

export async function account(ctx: VlmRunContext): Promise<Account> {
	let current = accounts.get(ctx);
	if (!current) {
		current = read(ctx);
		accounts.set(ctx, current);
		// A failed read is not kept: the next request tries again.
		current.catch(() => accounts.delete(ctx));
	}
	return await current;
}

/* eslint-disable @n8n/community-nodes/no-restricted-globals */
import { createHmac } from 'node:crypto';
import { request } from 'undici';

import type { EmulatorState } from './state';

/** `sha256=` + lowercase hex HMAC-SHA256 of the exact body bytes (reference §7). */
export function signBody(secret: string, body: string): string {
	return `sha256=${createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`;
}

const WRONG_KEY_SUFFIX = ':emulator-bad-signature';

export class WebhookDispatcher {
	private readonly aborter = new AbortController();
	private readonly waits = new Map<NodeJS.Timeout, () => void>();

	constructor(private readonly state: EmulatorState) {}

	/**
	 * Delivers the job's final GET representation, retrying non-2xx answers, timeouts and
	 * connection errors per `webhookRetryDelaysMs`. Every attempt is recorded.
	 */
	async deliver(
		jobKind: 'prediction' | 'execution',
		jobId: string,
		url: string,
		payload: unknown,
	): Promise<void> {
		const body = JSON.stringify(payload);
		const { webhookRetryDelaysMs, webhookTimeoutMs } = this.state.config;
		for (let attempt = 1; attempt <= webhookRetryDelaysMs.length + 1; attempt++) {
			if (this.aborter.signal.aborted) return;
			if (attempt > 1) await this.wait(webhookRetryDelaysMs[attempt - 2]);
			const signature = this.signature(body);
			const headers: Record<string, string> = { 'content-type': 'application/json' };
			if (signature) headers['x-vlmrun-signature'] = signature;
			const started = Date.now();
			let status: number | null = null;
			let error: string | null = null;
			try {
				const res = await request(url, {
					method: 'POST',
					body,
					headers,
					headersTimeout: webhookTimeoutMs,
					bodyTimeout: webhookTimeoutMs,
					signal: AbortSignal.any([this.aborter.signal, AbortSignal.timeout(webhookTimeoutMs)]),
				});
				status = res.statusCode;
				await res.body.dump();
			} catch (caught) {
				error = (caught as Error).message || String(caught);
			}
			this.state.deliveries.push({
				jobId,
				jobKind,
				url,
				attempt,
				status,
				error,
				signature,
				body,
				at: started,
				durationMs: Date.now() - started,
			});
			if (status !== null && status >= 200 && status < 300) return;
		}
	}

	close(): void {
		this.aborter.abort();
		for (const [timer, resolve] of this.waits) {
			clearTimeout(timer);
			resolve();
		}
		this.waits.clear();
	}

	/** Read per attempt, so a secret set mid-retry applies to the next attempt. */
	private signature(body: string): string | null {
		const { webhookSecret, badSignature } = this.state.config;
		if (badSignature) return signBody((webhookSecret ?? '') + WRONG_KEY_SUFFIX, body);
		return webhookSecret ? signBody(webhookSecret, body) : null;
	}

	private wait(ms: number): Promise<void> {
		return new Promise((resolve) => {
			const timer = setTimeout(() => {
				this.waits.delete(timer);
				resolve();
			}, ms);
			this.waits.set(timer, resolve);
		});
	}
}

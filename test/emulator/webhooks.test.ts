/* eslint-disable @n8n/community-nodes/no-restricted-imports */
import { createHmac } from 'node:crypto';

import { signBody, startEmulator, type Emulator } from './index';
import { call, startReceiver, waitFor } from './test-helpers';

const VECTOR_HMAC_INPUT = 'test_webhook_secret_12345';

const expectedSignature = (secret: string, body: string) =>
	`sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

describe('webhooks', () => {
	let emu: Emulator;
	beforeEach(async () => {
		emu = await startEmulator({
			jobMode: 'manual',
			webhookSecret: VECTOR_HMAC_INPUT,
			webhookRetryDelaysMs: [10, 20],
		});
	});
	afterEach(() => emu.close());

	const asyncJob = (callback_url: string, extra: Record<string, unknown> = {}) =>
		call(emu, 'POST', '/document/generate', {
			body: {
				url: 'https://x/a.pdf',
				domain: 'document.invoice',
				batch: true,
				callback_url,
				...extra,
			},
		});

	it('matches the reference test vector', () => {
		const body = '{"id":"pred_123","status":"completed","response":{"data":"test"}}';
		const header = 'sha256=9cf4ae2f706ed597319ff9d4d671a58e5dac788f699ae6606c3bf8bd9539c086';
		expect(expectedSignature(VECTOR_HMAC_INPUT, body)).toBe(header);
		expect(signBody(VECTOR_HMAC_INPUT, body)).toBe(header);
	});

	it('posts the final GET representation, compact and signed over the exact bytes', async () => {
		const receiver = await startReceiver();
		try {
			const { id } = (await asyncJob(receiver.url)).json;
			await emu.advanceJob(id, 'completed');
			expect(receiver.received).toHaveLength(1);
			const [hook] = receiver.received;
			expect(hook.headers['content-type']).toBe('application/json');
			expect(hook.headers['x-vlmrun-signature']).toBe(
				expectedSignature(VECTOR_HMAC_INPUT, hook.body),
			);
			const get = await call(emu, 'GET', `/predictions/${id}`);
			expect(hook.body).toBe(get.text);
			expect(JSON.parse(hook.body)).toMatchObject({ id, status: 'completed' });
			const [delivery] = emu.webhookDeliveries();
			expect(delivery).toMatchObject({
				jobId: id,
				jobKind: 'prediction',
				attempt: 1,
				status: 200,
				error: null,
				url: receiver.url,
			});
			expect(delivery.signature).toBe(hook.headers['x-vlmrun-signature']);
		} finally {
			await receiver.close();
		}
	});

	it('retries a receiver that answers 500, then 200', async () => {
		const receiver = await startReceiver([500, 200]);
		try {
			const { id } = (await asyncJob(receiver.url)).json;
			await emu.advanceJob(id, 'completed');
			expect(receiver.received).toHaveLength(2);
			expect(receiver.received[0].body).toBe(receiver.received[1].body);
			expect(emu.webhookDeliveries().map((d) => [d.attempt, d.status])).toEqual([
				[1, 500],
				[2, 200],
			]);
		} finally {
			await receiver.close();
		}
	});

	it('gives up after the configured retries and records connection errors', async () => {
		const receiver = await startReceiver([503]);
		const url = receiver.url;
		await receiver.close();
		const { id } = (await asyncJob(url)).json;
		await emu.advanceJob(id, 'completed');
		const attempts = emu.webhookDeliveries();
		expect(attempts).toHaveLength(3);
		expect(attempts.every((d) => d.status === null && typeof d.error === 'string')).toBe(true);
		const http = await (await fetch(`${emu.origin}/__emulator/webhooks`)).json();
		expect(http).toHaveLength(3);
	});

	it('times out slow receivers', async () => {
		emu.configure({ webhookTimeoutMs: 50, webhookRetryDelaysMs: [] });
		const receiver = await startReceiver([200]);
		const { createServer } = await import('node:http');
		const hang = createServer(() => undefined);
		await new Promise<void>((resolve) => hang.listen(0, '127.0.0.1', resolve));
		try {
			const port = (hang.address() as { port: number }).port;
			const { id } = (await asyncJob(`http://127.0.0.1:${port}/slow`)).json;
			await emu.advanceJob(id, 'completed');
			expect(emu.webhookDeliveries()[0]).toMatchObject({ status: null, error: expect.any(String) });
		} finally {
			hang.closeAllConnections();
			hang.close();
			await receiver.close();
		}
	});

	it('sends a wrong signature when badSignature is on, and none without a secret', async () => {
		const receiver = await startReceiver();
		try {
			emu.configure({ badSignature: true });
			const bad = (await asyncJob(receiver.url)).json;
			await emu.advanceJob(bad.id, 'completed');
			const hook = receiver.received[0];
			expect(hook.headers['x-vlmrun-signature']).toMatch(/^sha256=[0-9a-f]{64}$/);
			expect(hook.headers['x-vlmrun-signature']).not.toBe(
				expectedSignature(VECTOR_HMAC_INPUT, hook.body),
			);

			emu.configure({ badSignature: false });
			await fetch(`${emu.origin}/__emulator/webhook-secret`, {
				method: 'POST',
				body: JSON.stringify({ secret: null }),
			});
			const unsigned = (await asyncJob(receiver.url)).json;
			await emu.advanceJob(unsigned.id, 'completed');
			expect(receiver.received[1].headers['x-vlmrun-signature']).toBeUndefined();

			await fetch(`${emu.origin}/__emulator/webhook-secret`, {
				method: 'POST',
				body: JSON.stringify({ secret: 'other' }),
			});
			const resigned = (await asyncJob(receiver.url)).json;
			await emu.advanceJob(resigned.id, 'completed');
			expect(receiver.received[2].headers['x-vlmrun-signature']).toBe(
				expectedSignature('other', receiver.received[2].body),
			);
		} finally {
			await receiver.close();
		}
	});

	it('delivers failed jobs and agent executions (with name)', async () => {
		const receiver = await startReceiver();
		try {
			const failed = (await asyncJob(receiver.url, { domain: 'emulator.fail' })).json;
			await emu.advanceJob(failed.id);
			await emu.advanceJob(failed.id);
			expect(JSON.parse(receiver.received[0].body)).toMatchObject({
				id: failed.id,
				status: 'failed',
				error: expect.any(String),
			});
			const exec = (
				await call(emu, 'POST', '/agent/execute', {
					body: { name: 'invoice-extractor', inputs: {}, batch: true, callback_url: receiver.url },
				})
			).json;
			await emu.advanceJob(exec.id, 'completed');
			expect(JSON.parse(receiver.received[1].body)).toMatchObject({
				id: exec.id,
				name: 'invoice-extractor:v1',
				status: 'completed',
			});
		} finally {
			await receiver.close();
		}
	});

	it('never calls back for synchronous jobs', async () => {
		const receiver = await startReceiver();
		try {
			await call(emu, 'POST', '/document/generate', {
				body: {
					url: 'https://x/a.pdf',
					domain: 'document.invoice',
					batch: false,
					callback_url: receiver.url,
				},
			});
			expect(emu.webhookDeliveries()).toHaveLength(0);
		} finally {
			await receiver.close();
		}
	});

	it('finishes callback jobs in polls mode without anyone polling', async () => {
		emu.configure({ jobMode: 'polls' });
		const receiver = await startReceiver();
		try {
			const { id } = (await asyncJob(receiver.url)).json;
			await waitFor(() => receiver.received.length > 0);
			expect(JSON.parse(receiver.received[0].body)).toMatchObject({ id, status: 'completed' });
		} finally {
			await receiver.close();
		}
	});

	it('finishes callback jobs in time mode on the clock', async () => {
		emu.configure({ jobMode: 'time', jobDurationMs: 60 });
		const receiver = await startReceiver();
		try {
			const { id } = (await asyncJob(receiver.url)).json;
			await waitFor(() => receiver.received.length > 0);
			expect(JSON.parse(receiver.received[0].body)).toMatchObject({ id, status: 'completed' });
		} finally {
			await receiver.close();
		}
	});
});

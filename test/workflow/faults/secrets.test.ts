/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals */
// Secrets: a slice of the suites (Extract under the fault mix, failures with and without continue on
// fail, Wait for Callback, Execution, Chat, Get with unknown ids, signed and forged callbacks) runs
// with a distinctive API key and webhook secret. Every output, error, log line (n8n's logger, the
// console, stdout/stderr) and the emulator's request and delivery logs are then searched for them.
import './debug-env';

import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';

import type { INodeExecutionData, INodeParameters } from 'n8n-workflow';

import { VlmRunChat } from '../../../nodes/VlmRun/VlmRunChat.node';
import { VlmRunExecution } from '../../../nodes/VlmRun/VlmRunExecution.node';
import { VlmRunRequest } from '../../../nodes/VlmRun/VlmRunRequest.node';
import { signBody } from '../../emulator';
import {
	createBinaryItem,
	getEnvironment,
	runNode,
	type RunOptions,
	type WorkflowNode,
} from '../harness';
import { useEmulator, vlmNode } from '../vlmrun';
import { numberedPdf, numberedPng, watchProcess } from './faults';
import { deliver, type CallbackAnswer } from './webhook';

jest.setTimeout(120_000);

const API_KEY = 'vlm_sentinel_key_for_the_secret_scan';
const WEBHOOK_SECRET = 'whsec_sentinel_for_the_secret_scan';
const SECRETS = [API_KEY, WEBHOOK_SECRET];

const env = useEmulator({
	apiKeys: [API_KEY],
	webhookSecret: WEBHOOK_SECRET,
	jobMode: 'time',
	jobDurationMs: 50,
});
const credentials = () => ({
	vlmRunApi: { apiKey: API_KEY, baseUrl: env.emulator.baseUrl, webhookSecret: WEBHOOK_SECRET },
});

// ---- capture everything that is printed or logged ----
const captured: string[] = [];
const restore: Array<() => void> = [];

function tap<T extends object>(target: T, method: keyof T & string) {
	const original = target[method] as unknown as (...args: unknown[]) => unknown;
	(target as Record<string, unknown>)[method] = function (this: unknown, ...args: unknown[]) {
		captured.push(args.map((arg) => (typeof arg === 'string' ? arg : safeJson(arg))).join(' '));
		return original.apply(this, args);
	};
	restore.push(() => {
		(target as Record<string, unknown>)[method] = original;
	});
}

function safeJson(value: unknown): string {
	try {
		return JSON.stringify(value, (_key, field: unknown) =>
			field instanceof Error
				? { ...field, message: field.message, stack: field.stack }
				: typeof field === 'bigint'
					? String(field)
					: field,
		);
	} catch {
		return String(value);
	}
}

beforeAll(async () => {
	// debug-env (imported first) turned on the harness' debug lines and n8n's debug logging.
	await getEnvironment();
	const coreRequire = createRequire(require.resolve('n8n-core'));
	const { Container } = coreRequire('@n8n/di') as { Container: { get<T>(type: unknown): T } };
	const { Logger } = coreRequire('@n8n/backend-common') as { Logger: unknown };
	const logger = Container.get<Record<string, unknown>>(Logger);
	for (const level of ['error', 'warn', 'info', 'debug']) tap(logger, level);
	for (const level of ['log', 'info', 'warn', 'error', 'debug'])
		tap(console, level as keyof Console & string);
	tap(process.stdout, 'write');
	tap(process.stderr, 'write');
});

afterAll(() => {
	for (const undo of restore.reverse()) undo();
});

// ---- a stand-in for n8n's waiting-webhook endpoint, to receive the Wait for Callback deliveries ----
interface Received {
	headers: IncomingMessage['headers'];
	body: string;
}
const received: Received[] = [];
let callbackServer: Server;
let callbackBase: string;

beforeAll(async () => {
	callbackServer = createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (chunk: Buffer) => chunks.push(chunk));
		req.on('end', () => {
			received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
			res.writeHead(200, { 'Content-Type': 'application/json' }).end('{}');
		});
	});
	await new Promise<void>((resolve) => callbackServer.listen(0, '127.0.0.1', resolve));
	callbackBase = `http://127.0.0.1:${(callbackServer.address() as AddressInfo).port}/`;
});

afterAll(async () => {
	await new Promise((resolve) => callbackServer.close(resolve));
});

// ---- the slice ----
const outputs: unknown[] = [];
// useEmulator clears the request log before each test, so each test's log is kept here.
const emulatorRequests: ReturnType<typeof env.emulator.requests> = [];
afterEach(() => {
	emulatorRequests.push(...env.emulator.requests());
});
const watch = watchProcess();
afterAll(() => watch.stop());

async function run(
	type: string,
	nodeType: RunOptions['nodeTypes'],
	parameters: INodeParameters,
	inputItems: INodeExecutionData[],
	extra: Partial<WorkflowNode> = {},
	options: Partial<RunOptions> = {},
) {
	const result = await runNode(vlmNode(type, parameters, extra), {
		nodeTypes: nodeType,
		inputItems,
		credentials: credentials(),
		...options,
	});
	outputs.push(result.runData, result.error, result.status);
	return result;
}

const domain = (value: string) => ({ __rl: true, mode: 'id', value });

describe('Secrets never leave the credential', () => {
	it('runs Extract under the fault mix with continue on fail', async () => {
		env.emulator.configure({
			faultMix: {
				seed: 3,
				rate429: 0.1,
				rate503Reads: 0.05,
				rateResetReads: 0.02,
				rateJobFail: 0.05,
				malformedOnce: true,
				retryAfterSeconds: 0.2,
			},
		});
		const items = await Promise.all(
			Array.from(
				{ length: 40 },
				async (_, n) =>
					await createBinaryItem({ data: n % 4 === 3 ? numberedPdf(n) : numberedPng(n) }),
			),
		);
		const result = await run(
			'vlmRunRequest',
			[VlmRunRequest],
			{
				resource: 'prediction',
				operation: 'extract',
				domain: domain('document.receipt'),
				options: { maxConcurrency: 20 },
			},
			items,
			{ onError: 'continueRegularOutput' },
		);
		expect(result.items).toHaveLength(40);
	});

	it('fails Extract without continue on fail, and on unknown ids', async () => {
		const item = await createBinaryItem({ data: numberedPdf(1) });
		expect(
			(
				await run(
					'vlmRunRequest',
					[VlmRunRequest],
					{ resource: 'prediction', operation: 'extract', domain: domain('emulator.fail') },
					[item],
				)
			).status,
		).toBe('error');
		const unknown = { json: { id: '00000000-0000-4000-8000-000000000000' } };
		expect(
			(
				await run(
					'vlmRunRequest',
					[VlmRunRequest],
					{ resource: 'prediction', operation: 'get', predictionId: '={{ $json.id }}' },
					[unknown],
				)
			).status,
		).toBe('error');
		expect(
			(
				await run(
					'vlmRunExecution',
					[VlmRunExecution],
					{ resource: 'execution', operation: 'get', executionId: '={{ $json.id }}' },
					[unknown],
				)
			).status,
		).toBe('error');
		env.emulator.injectFault({ method: 'POST', path: '/openai/chat/completions', status: 503 });
		const chatItem = {
			json: {
				sessionId: 'c7d1e2f3-a4b5-4c6d-8e9f-0a1b2c3d4e5f',
				action: 'sendMessage',
				chatInput: 'Hi',
			},
		};
		expect(
			(
				await run('vlmRunChat', [VlmRunChat], { resource: 'chat', operation: 'message' }, [
					chatItem,
				])
			).status,
		).toBe('error');
	});

	it('runs Execution and Chat', async () => {
		const item = await createBinaryItem({ data: numberedPdf(2) });
		const execution = await run(
			'vlmRunExecution',
			[VlmRunExecution],
			{ resource: 'execution', operation: 'run', prompt: 'Summarise the file.' },
			[item],
		);
		expect(execution.status).toBe('success');
		const chatItem = {
			json: {
				sessionId: 'c7d1e2f3-a4b5-4c6d-8e9f-0a1b2c3d4e5f',
				action: 'sendMessage',
				chatInput: 'What is in the file?',
			},
		};
		const chat = await run('vlmRunChat', [VlmRunChat], { resource: 'chat', operation: 'message' }, [
			chatItem,
		]);
		expect(chat.status).toBe('success');
	});

	it('waits for a signed callback, and the Trigger takes the genuine one and refuses a forged one', async () => {
		const item = await createBinaryItem({ data: numberedPdf(3) });
		const waiting = await run(
			'vlmRunRequest',
			[VlmRunRequest],
			{
				resource: 'prediction',
				operation: 'extract',
				domain: domain('document.invoice'),
				completion: 'waitForCallback',
			},
			[item],
			{},
			{ instanceBaseUrl: callbackBase },
		);
		expect(waiting.status).toBe('waiting');
		const deadline = Date.now() + 10_000;
		while (received.length === 0 && Date.now() < deadline)
			await new Promise((resolve) => setTimeout(resolve, 20));
		// The emulator logs a delivery once its answer is in, which can trail the callback on a busy machine.
		while (env.emulator.webhookDeliveries().length === 0 && Date.now() < deadline)
			await new Promise((resolve) => setTimeout(resolve, 20));
		const [callback] = received;
		expect(callback.headers['x-vlmrun-signature']).toBe(signBody(WEBHOOK_SECRET, callback.body));
		outputs.push(received);

		const answers: CallbackAnswer[] = [
			await deliver(
				{ body: callback.body, signature: () => callback.headers['x-vlmrun-signature'] as string },
				credentials().vlmRunApi,
				WEBHOOK_SECRET,
			),
			await deliver(
				{ body: callback.body, signature: (body) => signBody('whsec_forged', body) },
				credentials().vlmRunApi,
				WEBHOOK_SECRET,
			),
		];
		expect(answers[0].response.workflowData?.[0]).toHaveLength(1);
		expect(answers[1].status).toBe(401);
		outputs.push(answers);
	});

	it('finds neither the API key nor the webhook secret in outputs, errors, logs or the emulator logs', () => {
		const emulatorLogs = safeJson({
			requests: emulatorRequests,
			deliveries: env.emulator.webhookDeliveries(),
		});
		const haystacks: Record<string, string> = {
			'outputs and errors': safeJson(outputs),
			'logs and console': captured.join('\n'),
			'emulator request and delivery logs': emulatorLogs,
		};
		// The scan has something to scan: outputs with data and errors, debug logs of retries, requests
		// that carried the key (redacted by the emulator) and signed deliveries.
		expect(haystacks['outputs and errors']).toMatch(/VLM Run could not finish prediction/);
		expect(haystacks['logs and console']).toMatch(/VLM Run (GET|POST) \/\S+: retry \d+ in \d+ ms/);
		expect(haystacks['logs and console']).toMatch(/\[workflow \d+\] VLM Run →/);
		const apiCalls = emulatorRequests;
		expect(apiCalls.length).toBeGreaterThanOrEqual(40);
		for (const call of apiCalls.filter((request) => request.base !== ''))
			expect(call.headers.authorization).toBe('Bearer ***');
		expect(
			env.emulator
				.webhookDeliveries()
				.some((delivery) => delivery.signature?.startsWith('sha256=')),
		).toBe(true);

		const hits = Object.entries(haystacks).flatMap(([where, text]) =>
			SECRETS.filter((secret) => text.includes(secret)).map(
				(secret) => `${where}: ${secret.slice(0, 12)}…`,
			),
		);
		expect(hits).toEqual([]);
		expect(watch.unhandledRejections).toEqual([]);
	});
});

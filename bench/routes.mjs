// `npm run bench -- routes`: what one request costs n8n before any node code decides anything, per
// route a VLM Run callback could be sent to, in a real n8n (single process, SQLite). It answers
// whether Wait for Callback could keep its non-final callbacks off n8n's waiting-webhook route by
// pointing them at a production webhook instead (issue 11): only if that route is much cheaper.
//
//   npm run bench -- routes             n8n 2.41.1
//   npm run bench -- routes --line=1    n8n 1.123.x
//   npm run bench -- routes --n8n-env=NAME=value   an n8n setting for the run (repeatable)
//
// Each route gets bursts of REQUESTS requests that start no execution, so what is measured is the
// route and the node's answer: n8n's Webhook node with Ignore Bots, asked by a bot (403); the VLM
// Run Trigger (versions 1.1 and 1) receiving a signed delivery it has already processed (200), and
// one without a signature (401). CPU is the n8n process's (all threads, from /proc), idle rate
// taken off; the median of ROUNDS bursts is reported. The waiting route's figure is the floor
// column of `npm run bench -- callbacks`.
import { createHmac, randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';

import {
	PACKAGE,
	REPO_ROOT,
	createN8n,
	importCredentials,
	importWorkflows,
	packPackage,
	sleep,
	startServer,
} from '../test/e2e/n8n.mjs';
import { n8nSettings } from './callbacks.mjs';
import { findN8nProcess, processCpuMs } from './proc.mjs';
import { chainWorkflow } from './workflows.mjs';

const REQUESTS = 100;
const SECRET = 'whsec-bench-routes';
const ROUNDS = 3;
const IDLE_MS = 5_000;
const BOT_AGENT = 'Googlebot/2.1 (+http://www.google.com/bot.html)';
const log = (message) => process.stderr.write(`[bench:routes] ${message}\n`);

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** A VLM Run Trigger of `typeVersion` in its own workflow, with the credential. */
function trigger(credential, typeVersion) {
	const webhookId = randomUUID();
	return {
		path: `/webhook/${webhookId}/webhook`,
		node: {
			id: randomUUID(),
			name: 'VLM Run Trigger',
			type: `${PACKAGE.name}.vlmRunTrigger`,
			typeVersion,
			position: [0, 0],
			webhookId,
			parameters: {},
			credentials: { vlmRunApi: { id: credential.id, name: credential.name } },
		},
	};
}

const sign = (body) => `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`;

/**
 * The routes: a workflow with one webhook node each, and a request that starts nothing. A signed
 * repeat is what the trigger receives most (VLM Run retries, copies); the trigger answers 200 and
 * starts no run, after one delivery that did (sent first, not measured).
 */
function routes(credential, body) {
	const signed = { 'x-vlmrun-signature': sign(body) };
	return [
		{
			name: "n8n's Webhook node (Ignore Bots → 403)",
			path: '/webhook/bench-route-webhook',
			headers: { 'user-agent': BOT_AGENT },
			expected: 403,
			node: {
				id: randomUUID(),
				name: 'Webhook',
				type: 'n8n-nodes-base.webhook',
				typeVersion: 2,
				position: [0, 0],
				webhookId: randomUUID(),
				parameters: {
					httpMethod: 'POST',
					path: 'bench-route-webhook',
					responseMode: 'onReceived',
					options: { ignoreBots: true },
				},
			},
		},
		{
			name: 'VLM Run Trigger 1.1, signed repeat (200, no run)',
			headers: signed,
			expected: 200,
			primeWith: 200,
			...trigger(credential, 1.1),
		},
		{
			name: 'VLM Run Trigger 1, signed repeat (200, no run)',
			headers: signed,
			expected: 200,
			primeWith: 200,
			...trigger(credential, 1),
		},
		{
			name: 'VLM Run Trigger 1.1, no signature (401)',
			headers: {},
			expected: 401,
			...trigger(credential, 1.1),
		},
	];
}

async function post(server, route, body) {
	const response = await server.callWebhook(route.path, {
		method: 'POST',
		headers: { 'content-type': 'application/json', ...route.headers },
		body,
	});
	await response.arrayBuffer();
	return response.status;
}

async function burst(server, pid, route, body) {
	const idleFrom = { at: Date.now(), cpu: processCpuMs(pid) };
	await sleep(IDLE_MS);
	const idle = (processCpuMs(pid) - idleFrom.cpu) / (Date.now() - idleFrom.at);
	const started = Date.now();
	const cpu = processCpuMs(pid);
	const statuses = await Promise.all(
		Array.from({ length: REQUESTS }, async () => await post(server, route, body)),
	);
	const wall = Date.now() - started;
	const unexpected = statuses.filter((status) => status !== route.expected);
	if (unexpected.length)
		throw new Error(`${route.name}: answered ${[...new Set(unexpected)].join(', ')}`);
	return (processCpuMs(pid) - cpu - idle * wall) / REQUESTS;
}

/** Runs the measurement; returns the process exit code. */
export async function run(args) {
	const line = Number(args.find((arg) => arg.startsWith('--line='))?.split('=')[1] ?? 2);
	const n8nEnv = n8nSettings(args);
	const workDir = mkdtempSync(join(tmpdir(), 'vlmrun-bench-routes-'));
	process.env.VLMRUN_E2E_WORKDIR = workDir;
	let server;
	const rows = [];
	try {
		const tarball = await packPackage({ destDir: workDir });
		const n8n = await createN8n({ line, tarball, env: n8nEnv });
		const credential = { id: 'vlmCredBenchRoute', name: 'VLM Run (routes)', type: 'vlmRunApi' };
		await importCredentials(n8n, [
			{
				...credential,
				data: { apiKey: 'unused', baseUrl: 'http://127.0.0.1:9/v1', webhookSecret: SECRET },
			},
		]);
		// A callback's size: a finished prediction with a small response.
		const body = JSON.stringify({
			id: randomUUID(),
			status: 'completed',
			response: { total: 1, lines: 'x'.repeat(1_000) },
		});
		const measured = routes(credential, body);
		const ids = await importWorkflows(
			n8n,
			measured.map((route) => chainWorkflow(`bench route ${route.expected}`, [route.node])),
		);
		server = await startServer(n8n);
		const pid = findN8nProcess(n8n.dir, ['start']);
		if (!pid) throw new Error('could not find the n8n server process');
		for (const id of ids) await server.publishWorkflow(id);
		for (const route of measured) {
			if (route.primeWith && (await post(server, route, body)) !== route.primeWith)
				throw new Error(`${route.name}: the first delivery was not answered ${route.primeWith}`);
			const perRequest = [];
			for (let round = 1; round <= ROUNDS; round++)
				perRequest.push(await burst(server, pid, route, body));
			rows.push({ route: route.name, cpuMsPerRequest: median(perRequest), rounds: perRequest });
			log(JSON.stringify(rows.at(-1)));
		}
	} finally {
		await server?.stop().catch(() => undefined);
		rmSync(workDir, { recursive: true, force: true });
	}
	const lines = [
		`| Route (n8n ${line === 1 ? '1.123.x' : '2.41.1'}, bursts of ${REQUESTS}) | CPU per request (ms, median of ${ROUNDS}) | Rounds |`,
		'| --- | ---: | --- |',
		...rows.map(
			(row) =>
				`| ${row.route} | ${row.cpuMsPerRequest.toFixed(1)} | ${row.rounds.map((ms) => ms.toFixed(1)).join(', ')} |`,
		),
	];
	mkdirSync(join(REPO_ROOT, 'bench-output'), { recursive: true });
	writeFileSync(
		join(REPO_ROOT, 'bench-output', `routes-${line}.json`),
		`${JSON.stringify({ date: new Date().toISOString(), line, n8nEnv, loadavg: loadavg(), rows }, null, 2)}\n`,
	);
	console.log(lines.join('\n'));
	return 0;
}

/* eslint-disable @n8n/community-nodes/no-restricted-imports */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

import { advanceJob, applyConfig, filterRequests, registerControl } from './control';
import { FaultInjector } from './faults';
import { JobEngine } from './jobs';
import { RateLimiter } from './ratelimit';
import { API_BASES, createHandler } from './pipeline';
import { Router, type App } from './router';
import { registerAgents, seedAgents } from './routes/agents';
import { registerArtifacts } from './routes/artifacts';
import { registerChat } from './routes/chat';
import { registerExecute } from './routes/execute';
import { registerFeedback } from './routes/feedback';
import { registerFiles } from './routes/files';
import { registerGenerate } from './routes/generate';
import { registerHub } from './routes/hub';
import { registerPredictions } from './routes/predictions';
import { registerSkills, seedSkills } from './routes/skills';
import { EmulatorState } from './state';
import type { Emulator, EmulatorOptions } from './types';
import { WebhookDispatcher } from './webhooks';

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|localhost)$/;

function apiRouter(): Router {
	const router = new Router();
	registerHub(router);
	registerFiles(router);
	registerGenerate(router);
	registerPredictions(router);
	registerAgents(router);
	registerExecute(router);
	registerSkills(router);
	registerArtifacts(router);
	registerChat(router);
	registerFeedback(router);
	return router;
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
	const host = options.host ?? '127.0.0.1';
	// The emulator accepts any demo key and serves uploaded bytes, so it must never face a network.
	if (!LOOPBACK.test(host))
		throw new Error(`The emulator only binds loopback addresses, not ${host}`);

	const server = createServer();
	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(options.port ?? 0, host, () => resolve());
	});
	const { port } = server.address() as AddressInfo;
	const origin = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;

	const state = new EmulatorState(origin, options);
	const webhooks = new WebhookDispatcher(state);
	const app: App = {
		state,
		webhooks,
		faults: new FaultInjector(),
		jobs: new JobEngine(state, webhooks),
		rateLimiter: new RateLimiter(),
	};
	app.rateLimiter.configure(state.config.rateLimit);
	seedAgents(state);
	seedSkills(state);
	const control = new Router();
	registerControl(control);
	const handler = createHandler(app, apiRouter(), control);
	server.on('request', (req, res) => void handler(req, res));

	let closed: Promise<void> | null = null;
	return {
		origin,
		baseUrl: `${origin}${API_BASES[0]}`,
		agentBaseUrl: `${origin}${API_BASES[1]}`,
		apiKey: state.config.apiKeys[0],
		requests: (filter) => filterRequests(state.requestLog, filter),
		clearRequests: () => {
			state.requestLog.length = 0;
		},
		injectFault: (fault) => app.faults.add(fault),
		clearFaults: () => app.faults.clear(),
		configure: (patch) => applyConfig(app, patch),
		advanceJob: async (id, to) => {
			await advanceJob(app, id, to).delivery;
		},
		webhookDeliveries: () => [...state.deliveries],
		jobsCreated: () => ({ ...state.counters }),
		close: () => {
			closed ??= new Promise<void>((resolve) => {
				app.jobs.close();
				webhooks.close();
				server.close(() => resolve());
				server.closeAllConnections();
			});
			return closed;
		},
	};
}

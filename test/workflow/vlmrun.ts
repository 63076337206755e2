/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import type { INodeParameters } from 'n8n-workflow';

import { startEmulator, type Emulator, type EmulatorOptions } from '../emulator';
import { shutdownHarness, type BinaryInput, type WorkflowNode } from './harness';

const MIME_TYPES: Record<string, string> = {
	pdf: 'application/pdf',
	png: 'image/png',
	mp3: 'audio/mpeg',
};

/** A sample file from test/fixtures as harness binary input. */
export function fixture(fileName: string): BinaryInput {
	const extension = fileName.split('.').pop() as string;
	return {
		data: readFileSync(join(__dirname, '..', 'fixtures', fileName)),
		fileName,
		mimeType: MIME_TYPES[extension],
	};
}

/** Starts one emulator for a test file and resets its logs, faults and settings before each test. */
export function useEmulator(options: EmulatorOptions = {}) {
	let emulator: Emulator | undefined;
	beforeAll(async () => {
		emulator = await startEmulator({ webhookRetryDelaysMs: [10, 20], ...options });
	});
	beforeEach(() => {
		emulator?.clearRequests();
		emulator?.clearFaults();
		// Jobs finish before the node's first status request (after 1 s), so each job costs one poll.
		emulator?.configure({
			jobMode: 'time',
			jobDurationMs: 200,
			pollsToComplete: 2,
			latencyMs: 0,
			...options,
			faultMix: null,
		});
	});
	afterAll(async () => {
		await emulator?.close();
		await shutdownHarness();
	});
	return {
		get emulator(): Emulator {
			if (!emulator) throw new Error('emulator not started');
			return emulator;
		},
		credentials(apiKey?: string) {
			if (!emulator) throw new Error('emulator not started');
			return {
				vlmRunApi: {
					apiKey: apiKey ?? emulator.apiKey,
					baseUrl: emulator.baseUrl,
					webhookSecret: '',
				},
			};
		},
	};
}

export function vlmNode(
	type: string,
	parameters: INodeParameters,
	extra: Partial<WorkflowNode> = {},
): WorkflowNode {
	return {
		name: 'VLM Run',
		type: `n8n-nodes-vlmrun.${type}`,
		typeVersion: 1,
		parameters,
		credentials: { vlmRunApi: { id: 'cred-1', name: 'VLM Run' } },
		...extra,
	};
}

/** The API calls a test made, without the emulator's own control traffic. */
export function apiCalls(emulator: Emulator, method?: string, path?: string | RegExp) {
	return emulator.requests({ method, path });
}

/** Makes VLM Run refuse every artifact download (403 with its detail), as a storage outage would. */
export function refuseArtifactDownloads(emulator: Emulator): void {
	emulator.injectFault({
		method: 'GET',
		path: '/artifacts',
		status: 403,
		body: { detail: 'Artifact storage denied access' },
	});
}

/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals */
// Set up once per jest module registry, i.e. once per test file.
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { BinaryDataService } from 'n8n-core';
import { Expression } from 'n8n-workflow';

/**
 * n8n-core resolves its services through the `@n8n/di` Container of *its own*
 * `@n8n/di` copy (npm may nest a different version next to it). Load that exact copy.
 */
interface DiContainer {
	get<T>(type: abstract new (...args: never[]) => T): T;
	set<T>(type: abstract new (...args: never[]) => T, instance: T): void;
}
const coreRequire = createRequire(require.resolve('n8n-core'));
const { Container } = coreRequire('@n8n/di') as { Container: DiContainer };

interface ExpressionEngineConfig {
	engine: 'legacy' | 'vm' | 'quickjs';
	poolSize: number;
	maxCodeCacheSize: number;
	bridgeTimeout: number;
	bridgeMemoryLimit: number;
	idleTimeout?: number;
}
const { GlobalConfig } = coreRequire('@n8n/config') as {
	GlobalConfig: abstract new (...args: never[]) => { expressionEngine: ExpressionEngineConfig };
};

export interface HarnessEnvironment {
	/** Temp dir used as N8N_USER_FOLDER; binary data lives in `<dir>/.n8n/storage`. */
	userFolder: string;
	storagePath: string;
	binaryDataService: BinaryDataService;
	expressionEngine: ExpressionEngineConfig['engine'];
}

let environmentPromise: Promise<HarnessEnvironment> | undefined;
let removeUserFolder: (() => void) | undefined;

const USER_FOLDER_PREFIX = 'vlmrun-wf-';

/** Removes user folders of earlier runs that ended without shutdownHarness() (older than 1 h). */
function sweepStaleUserFolders() {
	const cutoff = Date.now() - 60 * 60 * 1000;
	for (const name of readdirSync(tmpdir())) {
		if (!name.startsWith(USER_FOLDER_PREFIX)) continue;
		const dir = join(tmpdir(), name);
		try {
			if (statSync(dir).mtimeMs < cutoff) rmSync(dir, { recursive: true, force: true });
		} catch {
			// Raced with another process cleaning up; nothing to do.
		}
	}
}

async function setUpEnvironment(): Promise<HarnessEnvironment> {
	sweepStaleUserFolders();
	const userFolder = mkdtempSync(join(tmpdir(), USER_FOLDER_PREFIX));
	const storagePath = join(userFolder, '.n8n', 'storage');
	removeUserFolder = () => rmSync(userFolder, { recursive: true, force: true });
	process.once('exit', removeUserFolder);

	// Read by @n8n/config when the Container first builds n8n's config classes.
	process.env.N8N_USER_FOLDER = userFolder;
	process.env.N8N_ENCRYPTION_KEY ??= 'workflow-test-layer-key';
	process.env.N8N_DEFAULT_BINARY_DATA_MODE = 'filesystem';
	process.env.N8N_BINARY_DATA_STORAGE_PATH = storagePath;
	process.env.N8N_LOG_LEVEL ??= 'silent';
	process.env.N8N_DIAGNOSTICS_ENABLED = 'false';

	const binaryDataService = Container.get(BinaryDataService);
	await binaryDataService.init();

	// Same call `n8n start` makes (packages/cli base-command), driven by the same config.
	const engineConfig = Container.get(GlobalConfig).expressionEngine;
	await Expression.initExpressionEngine({
		engine: engineConfig.engine,
		poolSize: engineConfig.poolSize,
		maxCodeCacheSize: engineConfig.maxCodeCacheSize,
		bridgeTimeout: engineConfig.bridgeTimeout,
		bridgeMemoryLimit: engineConfig.bridgeMemoryLimit,
		idleTimeoutMs:
			engineConfig.idleTimeout === undefined ? undefined : engineConfig.idleTimeout * 1000,
	});

	return { userFolder, storagePath, binaryDataService, expressionEngine: engineConfig.engine };
}

/** Initialise (once) and return the harness environment. Safe to call from `beforeAll`. */
export async function getEnvironment(): Promise<HarnessEnvironment> {
	environmentPromise ??= setUpEnvironment();
	return await environmentPromise;
}

/**
 * Disposes the expression engine's isolates and deletes this file's temp user folder
 * (binary data included). Call it from `afterAll` in every test file.
 */
export async function shutdownHarness(): Promise<void> {
	if (!environmentPromise) return;
	await environmentPromise.catch(() => undefined);
	environmentPromise = undefined;
	await Expression.disposeExpressionEngine();
	if (removeUserFolder) {
		process.removeListener('exit', removeUserFolder);
		removeUserFolder();
		removeUserFolder = undefined;
	}
}

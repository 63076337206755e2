/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals, no-console */
/**
 * Workflow test layer: runs nodes through n8n's own execution engine.
 *
 * - `WorkflowExecute` from n8n-core drives the run, so every node gets the real
 *   `ExecuteContext` (parameters with expressions, pairedItem bookkeeping,
 *   `continueOnFail` / `onError`, `executeOnce`, pinData, cancellation signal,
 *   streaming hooks).
 * - `this.helpers.httpRequest(WithAuthentication)` is n8n's real axios stack;
 *   credentials are applied by {@link HarnessCredentialsHelper}, which resolves the
 *   credential type's `authenticate` block the same way n8n's CredentialsHelper does.
 * - Binary data goes through the real `BinaryDataService` in filesystem mode, in a
 *   temp dir created per test file (one module registry = one harness environment).
 * - Expressions use the engine n8n 2.41 uses by default (`vm`, isolated-vm); set
 *   N8N_EXPRESSION_ENGINE=legacy to fall back. `vm` needs Node 24.
 *
 * See test/workflow/README.md for the API and examples.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import {
	BinaryDataService,
	Credentials,
	ExecutionLifecycleHooks,
	ExternalSecretsProxy,
	WorkflowExecute,
	prepareBinaryData,
} from 'n8n-core';
import {
	Expression,
	ICredentialsHelper,
	NodeConnectionTypes,
	NodeHelpers,
	UnexpectedError,
	Workflow,
	createRunExecutionData,
	isExpression,
} from 'n8n-workflow';
import type {
	ExecutionError,
	ExecutionStatus,
	IBinaryData,
	ICredentialDataDecryptedObject,
	ICredentialType,
	ICredentials,
	IConnections,
	IDataObject,
	IExecuteData,
	IExecuteFunctions,
	IHttpRequestHelper,
	IHttpRequestOptions,
	INode,
	INodeCredentials,
	INodeCredentialsDetails,
	INodeExecutionData,
	INodeProperties,
	INodeType,
	INodeTypeDescription,
	INodeTypes,
	IPinData,
	IRequestOptionsSimplified,
	IRun,
	IRunData,
	ITaskData,
	IVersionedNodeType,
	IWorkflowBase,
	IWorkflowExecuteAdditionalData,
	IWorkflowSettings,
	StructuredChunk,
	WorkflowExecuteMode,
} from 'n8n-workflow';

import { VlmRunApi } from '../../credentials/VlmRunApi.credentials';

// ---------------------------------------------------------------------------
// Public constants
// ---------------------------------------------------------------------------

/** Package name n8n prefixes our node types with (`<package>.<description.name>`). */
export const PACKAGE_NAME = 'n8n-nodes-vlmrun';

/** Name of the start node the harness adds unless `startNode` is given. */
export const START_NODE_NAME = 'Start';

/** Type of the harness' manual-trigger stand-in. */
export const START_NODE_TYPE = 'harness.manualTrigger';

export const HARNESS_WORKFLOW_ID = 'harnessWorkflow01';

// ---------------------------------------------------------------------------
// Environment (once per jest module registry, i.e. per test file)
// ---------------------------------------------------------------------------

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

// ---------------------------------------------------------------------------
// Node types
// ---------------------------------------------------------------------------

export type NodeTypeClass = new () => INodeType | IVersionedNodeType;
export type NodeTypeInput = NodeTypeClass | INodeType | IVersionedNodeType;

/** Stand-in for n8n's Manual Trigger: emits the items the harness puts on its input. */
export class HarnessManualTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Harness Manual Trigger',
		name: 'manualTrigger',
		group: ['trigger'],
		version: 1,
		description: 'Emits the input items given to runWorkflow()',
		defaults: { name: START_NODE_NAME },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		properties: [],
	};

	async execute(this: IExecuteFunctions) {
		return [this.getInputData()];
	}
}

function instantiate(input: NodeTypeInput): INodeType | IVersionedNodeType {
	return typeof input === 'function' ? new input() : input;
}

function descriptionOf(nodeType: INodeType | IVersionedNodeType) {
	return nodeType.description as { name: string; version?: number | number[]; defaultVersion?: number };
}

function defaultVersionOf(nodeType: INodeType | IVersionedNodeType): number {
	if ('nodeVersions' in nodeType) return nodeType.currentVersion;
	const { version, defaultVersion } = descriptionOf(nodeType);
	if (defaultVersion !== undefined) return defaultVersion;
	if (Array.isArray(version)) return Math.max(...version);
	return version ?? 1;
}

export class HarnessNodeTypes implements INodeTypes {
	private readonly types = new Map<string, INodeType | IVersionedNodeType>();

	constructor(inputs: NodeTypeInput[] = []) {
		this.register(new HarnessManualTrigger(), START_NODE_TYPE);
		for (const input of inputs) this.register(instantiate(input));
	}

	/** Registers under `n8n-nodes-vlmrun.<description.name>` unless a full type is given. */
	register(nodeType: INodeType | IVersionedNodeType, typeName?: string): string {
		const name = typeName ?? `${PACKAGE_NAME}.${descriptionOf(nodeType).name}`;
		this.types.set(name, nodeType);
		return name;
	}

	/** Accepts a full type (`n8n-nodes-vlmrun.vlmRunRequest`) or the short `description.name`. */
	resolveTypeName(type: string): string {
		if (this.types.has(type)) return type;
		const prefixed = `${PACKAGE_NAME}.${type}`;
		if (this.types.has(prefixed)) return prefixed;
		throw new UnexpectedError(
			`Node type "${type}" is not registered in the harness (known: ${[...this.types.keys()].join(', ')})`,
		);
	}

	defaultVersion(type: string): number {
		return defaultVersionOf(this.getByName(type));
	}

	getByName(nodeType: string): INodeType | IVersionedNodeType {
		const found = this.types.get(nodeType);
		if (!found) throw new UnexpectedError(`Unknown node type: ${nodeType}`);
		return found;
	}

	getByNameAndVersion(nodeType: string, version?: number): INodeType {
		return NodeHelpers.getVersionedNodeType(this.getByName(nodeType), version);
	}

	getKnownTypes(): IDataObject {
		const known: IDataObject = {};
		for (const name of this.types.keys()) known[name] = { className: name, sourcePath: '' };
		return known;
	}
}

// ---------------------------------------------------------------------------
// Credentials
// ---------------------------------------------------------------------------

/**
 * ICredentialsHelper for tests: decrypted data comes from a map keyed by credential
 * type name; `authenticate` is applied like n8n's CLI CredentialsHelper does it
 * (function → called; generic → each `properties.<headers|qs|body|auth>` entry is
 * resolved as an expression with `$credentials` and merged into the request).
 */
export class HarnessCredentialsHelper extends ICredentialsHelper {
	private readonly types = new Map<string, ICredentialType>();

	/** Every `getDecrypted` call, for asserting which credential a node asked for. */
	readonly lookups: Array<{ type: string; details: INodeCredentialsDetails }> = [];

	constructor(
		credentialTypes: ICredentialType[],
		private readonly data: Record<string, ICredentialDataDecryptedObject>,
	) {
		super();
		for (const type of credentialTypes) this.types.set(type.name, type);
	}

	private getType(name: string): ICredentialType {
		const type = this.types.get(name);
		if (!type) throw new UnexpectedError(`Unknown credential type: ${name}`);
		return type;
	}

	getParentTypes(name: string): string[] {
		const parents = this.types.get(name)?.extends ?? [];
		return parents.flatMap((parent) => [parent, ...this.getParentTypes(parent)]);
	}

	isCredentialUsableByNode(): boolean {
		return true;
	}

	getCredentialsProperties(type: string): INodeProperties[] {
		const own = this.getType(type).properties;
		const inherited = (this.getType(type).extends ?? []).flatMap((parent) =>
			this.types.has(parent) ? this.getCredentialsProperties(parent) : [],
		);
		return [...inherited, ...own];
	}

	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		requestOptions: IHttpRequestOptions | IRequestOptionsSimplified,
		workflow?: Workflow,
		node?: INode,
	): Promise<IHttpRequestOptions> {
		const { authenticate } = this.getType(typeName);
		if (typeof authenticate === 'function') {
			return await authenticate(credentials, requestOptions as IHttpRequestOptions);
		}
		if (authenticate?.type === 'generic') {
			if (!workflow || !node) {
				throw new UnexpectedError('Generic credential authentication needs workflow and node');
			}
			const resolve = (value: string): string => {
				if (!isExpression(value)) return value;
				const resolved = workflow.expression.getSimpleParameterValue(
					node,
					value,
					'internal',
					{ $credentials: credentials },
					undefined,
					'',
				);
				return resolved === undefined || resolved === null ? '' : String(resolved as string);
			};
			const target = requestOptions as unknown as Record<string, Record<string, unknown>>;
			for (const [section, entries] of Object.entries(authenticate.properties)) {
				target[section] ??= {};
				for (const [key, value] of Object.entries(entries as Record<string, string>)) {
					target[section][resolve(key)] = resolve(value);
				}
			}
		}
		return requestOptions as IHttpRequestOptions;
	}

	async preAuthentication(
		helpers: IHttpRequestHelper,
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		_node: INode,
		credentialsExpired: boolean,
	): Promise<ICredentialDataDecryptedObject | undefined> {
		const type = this.getType(typeName);
		const expirable = type.properties.find(
			(property) => property.type === 'hidden' && property.typeOptions?.expirable === true,
		);
		if (!expirable || typeof type.preAuthentication !== 'function') return undefined;
		if (credentials[expirable.name] !== '' && !credentialsExpired) return undefined;
		const output = await type.preAuthentication.call(helpers, credentials);
		if (output[expirable.name] === undefined) return undefined;
		Object.assign(this.data[typeName] ?? {}, output);
		return Object.assign(credentials, output);
	}

	async runPreAuthentication(
		helpers: IHttpRequestHelper,
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
	): Promise<ICredentialDataDecryptedObject | undefined> {
		const type = this.getType(typeName);
		if (typeof type.preAuthentication !== 'function') return undefined;
		return (await type.preAuthentication.call(helpers, credentials)) as ICredentialDataDecryptedObject;
	}

	async getCredentials(
		nodeCredentials: INodeCredentialsDetails,
		type: string,
	): Promise<ICredentials> {
		const credentials = new Credentials(
			{ id: nodeCredentials.id, name: nodeCredentials.name },
			type,
		);
		credentials.setData(this.data[type] ?? {});
		return credentials;
	}

	async getDecrypted(
		_additionalData: IWorkflowExecuteAdditionalData,
		nodeCredentials: INodeCredentialsDetails,
		type: string,
	): Promise<ICredentialDataDecryptedObject> {
		this.lookups.push({ type, details: nodeCredentials });
		const stored = this.data[type];
		if (stored === undefined) {
			throw new UnexpectedError(
				`Credential with ID "${nodeCredentials.id ?? ''}" does not exist for type "${type}".`,
			);
		}
		// Stored credentials omit fields left at their default; n8n fills them in.
		const withDefaults: ICredentialDataDecryptedObject = {};
		for (const property of this.getCredentialsProperties(type)) {
			if (property.default !== undefined && property.type !== 'notice') {
				withDefaults[property.name] = property.default as ICredentialDataDecryptedObject[string];
			}
		}
		return { ...withDefaults, ...stored };
	}

	async updateCredentials(
		_nodeCredentials: INodeCredentialsDetails,
		type: string,
		data: ICredentialDataDecryptedObject,
	): Promise<void> {
		this.data[type] = data;
	}

	async updateCredentialsOauthTokenData(
		_nodeCredentials: INodeCredentialsDetails,
		type: string,
		data: ICredentialDataDecryptedObject,
	): Promise<void> {
		this.data[type] = { ...this.data[type], ...data };
	}
}

// ---------------------------------------------------------------------------
// Binary helpers
// ---------------------------------------------------------------------------

export interface BinaryInput {
	data: Buffer | string;
	fileName?: string;
	mimeType?: string;
}

/**
 * Stores a file through the real BinaryDataService (filesystem mode) using n8n-core's
 * own `prepareBinaryData`, i.e. exactly what an upstream node such as Read File or
 * HTTP Request produces: `{ id: 'filesystem-v2:…', data: 'filesystem-v2', … }`.
 */
export async function storeBinary(input: BinaryInput): Promise<IBinaryData> {
	await getEnvironment();
	const buffer = typeof input.data === 'string' ? Buffer.from(input.data) : input.data;
	const binary = await prepareBinaryData(
		buffer,
		'harness-input',
		HARNESS_WORKFLOW_ID,
		input.fileName,
		input.mimeType,
	);
	if (input.fileName) binary.fileName = input.fileName;
	return binary;
}

/**
 * Builds an input item whose binary properties live in the filesystem binary store.
 * `createBinaryItem({ data: { data: pdfBuffer, fileName: 'a.pdf', mimeType: 'application/pdf' } }, { id: 1 })`
 */
export async function createBinaryItem(
	binary: Record<string, BinaryInput>,
	json: IDataObject = {},
): Promise<INodeExecutionData> {
	const item: INodeExecutionData = { json, binary: {} };
	for (const [property, input] of Object.entries(binary)) {
		item.binary![property] = await storeBinary(input);
	}
	return item;
}

/** Reads a binary property of an item back through the BinaryDataService. */
export async function readBinary(item: INodeExecutionData, property = 'data'): Promise<Buffer> {
	const binary = item.binary?.[property];
	if (!binary) {
		throw new UnexpectedError(
			`Item has no binary property "${property}" (has: ${Object.keys(item.binary ?? {}).join(', ') || 'none'})`,
		);
	}
	const { binaryDataService } = await getEnvironment();
	return await binaryDataService.getAsBuffer(binary);
}

// ---------------------------------------------------------------------------
// Workflow building
// ---------------------------------------------------------------------------

/** A workflow node; everything but `name` and `type` gets a sensible default. */
export type WorkflowNode = Partial<INode> & { name: string; type: string };

/** Connects `names` one after another on main output 0 → input 0. */
export function chain(...names: string[]): IConnections {
	const connections: IConnections = {};
	for (let i = 0; i < names.length - 1; i++) {
		connect(connections, names[i], names[i + 1]);
	}
	return connections;
}

/** Adds one main connection `from[outputIndex] → to[inputIndex]` to `connections`. */
export function connect(
	connections: IConnections,
	from: string,
	to: string,
	{ outputIndex = 0, inputIndex = 0 }: { outputIndex?: number; inputIndex?: number } = {},
): IConnections {
	connections[from] ??= {};
	const main = (connections[from].main ??= []);
	while (main.length <= outputIndex) main.push([]);
	(main[outputIndex] ??= []).push({ node: to, type: 'main', index: inputIndex });
	return connections;
}

export interface RunOptions {
	/** The workflow's nodes (without the start node, which the harness adds). */
	nodes: WorkflowNode[];
	/**
	 * Connections. Default: `Start → nodes[0] → nodes[1] → …`. When given, and `Start`
	 * has no outgoing connection in it, `Start → nodes[0]` is added.
	 */
	connections?: IConnections;
	/** Node classes (or instances) the workflow uses, e.g. `[VlmRunRequest]`. */
	nodeTypes?: NodeTypeInput[];
	/** Items the start node emits. Default `[{ json: {} }]` (what a Manual Trigger emits). */
	inputItems?: INodeExecutionData[];
	/** Name of an existing node to start from instead of the harness' Start node. */
	startNode?: string;
	/** Pinned output per node name (n8n pinData: the node is not executed). */
	pinData?: IPinData;
	/** Decrypted credential data by credential type, e.g. `{ vlmRunApi: { apiKey, baseUrl } }`. */
	credentials?: Record<string, ICredentialDataDecryptedObject>;
	/** Extra credential types; VlmRunApi is always registered. */
	credentialTypes?: ICredentialType[];
	/** Execution mode. Default 'manual' (an editor run). */
	mode?: WorkflowExecuteMode;
	/**
	 * Run with streaming enabled: `this.isStreaming()` is true in nodes and every
	 * `this.sendChunk()` ends up in `result.chunks`. Needs a streaming-capable mode
	 * (manual, webhook, integrated, chat).
	 */
	streaming?: boolean;
	/** Workflow settings. Default `{ executionOrder: 'v1' }`. */
	settings?: IWorkflowSettings;
	staticData?: IDataObject;
	/** Base URL for instance/webhook/rest URLs ($execution.resumeUrl etc.). */
	instanceBaseUrl?: string;
	/** Extra fields merged into additionalData (escape hatch). */
	additionalData?: Partial<IWorkflowExecuteAdditionalData>;
	/** Called with the lifecycle hooks before the run starts, to add handlers. */
	onHooks?: (hooks: ExecutionLifecycleHooks) => void;
}

export interface OutputSelector {
	/** Output index (1 = error output of a node with onError 'continueErrorOutput'). */
	output?: number;
	/** Run index of the node. */
	run?: number;
}

export interface WorkflowRunResult {
	executionId: string;
	/** `success` | `error` | `canceled` | `waiting` … */
	status: ExecutionStatus;
	/** The IRun WorkflowExecute resolved with. */
	run: IRun;
	runData: IRunData;
	/** The workflow-level error, if the execution failed. */
	error?: ExecutionError;
	/** Node names in the order they finished. */
	executionOrder: string[];
	/** Chunks sent with `this.sendChunk()` (streaming runs). */
	chunks: StructuredChunk[];
	/** Credential lookups made by nodes. */
	credentialLookups: HarnessCredentialsHelper['lookups'];
	/** Items a node emitted on an output (default output 0, run 0). Throws if the node did not run. */
	outputs(nodeName: string, selector?: OutputSelector): INodeExecutionData[];
	/** The task data of one node run (error, executionStatus, metadata, hints …). */
	task(nodeName: string, run?: number): ITaskData;
	/** The error a node failed with, if any. */
	nodeError(nodeName: string, run?: number): ExecutionError | undefined;
	/** Reads a binary property of an output item through the BinaryDataService. */
	binaryData(item: INodeExecutionData, property?: string): Promise<Buffer>;
}

export interface RunningWorkflow {
	executionId: string;
	/** Settles when WorkflowExecute's promise settles (after the running node returned or threw). */
	result: Promise<WorkflowRunResult>;
	/** Cancels like n8n's "Stop execution": aborts `getExecutionCancelSignal()`. */
	cancel(): void;
	/** Resolves when the named node starts executing (nodeExecuteBefore hook). */
	nodeStarted(nodeName: string): Promise<void>;
	/** Resolves with the first `workflowExecuteAfter` data (immediately on cancel). */
	finished: Promise<IRun>;
}

function buildNodes(
	opts: RunOptions,
	nodeTypes: HarnessNodeTypes,
	credentialTypeNames: Set<string>,
): INode[] {
	const nodes: INode[] = [];
	if (!opts.startNode) {
		nodes.push({
			id: randomUUID(),
			name: START_NODE_NAME,
			type: START_NODE_TYPE,
			typeVersion: 1,
			position: [0, 0],
			parameters: {},
		});
	}
	opts.nodes.forEach((spec, index) => {
		const type = nodeTypes.resolveTypeName(spec.type);
		const typeVersion = spec.typeVersion ?? nodeTypes.defaultVersion(type);
		const description = nodeTypes.getByNameAndVersion(type, typeVersion).description;
		// Attach a credential reference for every declared credential we have data for,
		// as the editor does when one credential of that type exists.
		let credentials: INodeCredentials | undefined = spec.credentials;
		if (!credentials) {
			for (const declared of description.credentials ?? []) {
				if (opts.credentials?.[declared.name] !== undefined && credentialTypeNames.has(declared.name)) {
					credentials ??= {};
					credentials[declared.name] = { id: `${declared.name}-1`, name: `${declared.name} account` };
				}
			}
		}
		nodes.push({
			id: randomUUID(),
			position: [(index + 1) * 220, 0],
			parameters: {},
			...spec,
			type,
			typeVersion,
			...(credentials ? { credentials } : {}),
		});
	});
	return nodes;
}

function buildConnections(opts: RunOptions): IConnections {
	if (!opts.connections) {
		const names = opts.nodes.map((node) => node.name);
		return chain(...(opts.startNode ? names : [START_NODE_NAME, ...names]));
	}
	const connections: IConnections = JSON.parse(JSON.stringify(opts.connections)) as IConnections;
	if (!opts.startNode && !connections[START_NODE_NAME] && opts.nodes.length > 0) {
		connect(connections, START_NODE_NAME, opts.nodes[0].name);
	}
	return connections;
}

let executionCounter = 0;

/** WORKFLOW_HARNESS_DEBUG=1 logs every node run (status, items per output, error). */
const DEBUG = Boolean(process.env.WORKFLOW_HARNESS_DEBUG);

function deferred<T>() {
	let resolve!: (value: T) => void;
	const promise = new Promise<T>((res) => {
		resolve = res;
	});
	return { promise, resolve };
}

/**
 * Starts a workflow run and returns a handle with `cancel()`; `runWorkflow` is the
 * awaitable shortcut.
 */
export function startWorkflow(opts: RunOptions): RunningWorkflow {
	const executionId = String(++executionCounter);
	const finished = deferred<IRun>();
	const executionOrder: string[] = [];
	const chunks: StructuredChunk[] = [];
	const startedWaiters = new Map<string, Array<() => void>>();
	const startedNodes = new Set<string>();
	let cancelRequested = false;
	let cancelExecution: (() => void) | undefined;

	const result = (async (): Promise<WorkflowRunResult> => {
		await getEnvironment();
		const mode = opts.mode ?? 'manual';
		const credentialTypes = [new VlmRunApi(), ...(opts.credentialTypes ?? [])];
		const credentialsHelper = new HarnessCredentialsHelper(credentialTypes, {
			...(opts.credentials ?? {}),
		});
		const nodeTypes = new HarnessNodeTypes(opts.nodeTypes ?? []);
		const nodes = buildNodes(opts, nodeTypes, new Set(credentialTypes.map((type) => type.name)));
		const connections = buildConnections(opts);
		const settings: IWorkflowSettings = { executionOrder: 'v1', ...(opts.settings ?? {}) };

		const workflow = new Workflow({
			id: HARNESS_WORKFLOW_ID,
			name: 'Workflow test',
			nodes,
			connections,
			active: false,
			nodeTypes,
			settings,
			staticData: opts.staticData,
		});
		const workflowData: IWorkflowBase = {
			id: HARNESS_WORKFLOW_ID,
			name: 'Workflow test',
			active: false,
			isArchived: false,
			activeVersionId: null,
			createdAt: new Date(),
			updatedAt: new Date(),
			nodes,
			connections,
			settings,
		};

		const hooks = new ExecutionLifecycleHooks(mode, executionId, workflowData);
		hooks.addHandler('nodeExecuteBefore', (nodeName) => {
			startedNodes.add(nodeName);
			for (const resolve of startedWaiters.get(nodeName) ?? []) resolve();
			startedWaiters.delete(nodeName);
		});
		hooks.addHandler('nodeExecuteAfter', (nodeName, taskData) => {
			executionOrder.push(nodeName);
			if (DEBUG) {
				const items = (taskData.data?.main ?? []).map((output) => output?.length ?? 0);
				const error = taskData.error ? `: ${taskData.error.message}` : '';
				console.log(`[workflow ${executionId}] ${nodeName} → ${taskData.executionStatus} items=${JSON.stringify(items)}${error}`);
			}
		});
		hooks.addHandler('workflowExecuteAfter', (fullRunData) => finished.resolve(fullRunData));
		if (opts.streaming) {
			hooks.addHandler('sendChunk', (chunk) => {
				chunks.push(chunk);
			});
		}
		opts.onHooks?.(hooks);

		const base = (opts.instanceBaseUrl ?? 'http://127.0.0.1:5678/').replace(/\/?$/, '/');
		const additionalData: IWorkflowExecuteAdditionalData = {
			credentialsHelper,
			hooks,
			executionId,
			workflowId: HARNESS_WORKFLOW_ID,
			userId: 'harness-user',
			currentNodeExecutionIndex: 0,
			restApiUrl: `${base}rest`,
			instanceBaseUrl: base,
			formBaseUrl: `${base}form`,
			formWaitingBaseUrl: `${base}form-waiting`,
			formTestBaseUrl: `${base}form-test`,
			webhookBaseUrl: `${base}webhook`,
			webhookWaitingBaseUrl: `${base}webhook-waiting`,
			webhookTestBaseUrl: `${base}webhook-test`,
			mcpBaseUrl: `${base}mcp`,
			mcpTestBaseUrl: `${base}mcp-test`,
			variables: {},
			externalSecretsProxy: new ExternalSecretsProxy(),
			streamingEnabled: opts.streaming === true,
			executeWorkflow: async () => {
				throw new UnexpectedError('Sub-workflows are not supported by the workflow test harness');
			},
			getRunExecutionData: async () => undefined,
			getRuntimeCredential: async () => undefined,
			logAiEvent: () => {},
			startRunnerTask: async () => {
				throw new UnexpectedError('Task runners are not available in the workflow test harness');
			},
		};
		Object.assign(additionalData, opts.additionalData ?? {});

		const startNode = opts.startNode
			? workflow.getNode(opts.startNode)
			: workflow.getNode(START_NODE_NAME);
		if (!startNode) throw new UnexpectedError(`Start node "${opts.startNode}" not found`);
		// Cloned so nodes that (wrongly) mutate their input cannot leak into the test's fixtures.
		const startItems: INodeExecutionData[] = structuredClone(opts.inputItems ?? [{ json: {} }]);
		const startData: IExecuteData = { node: startNode, data: { main: [startItems] }, source: null };
		const runExecutionData = createRunExecutionData({
			executionData: { nodeExecutionStack: [startData] },
			resultData: { pinData: opts.pinData },
		});

		const workflowExecute = new WorkflowExecute(additionalData, mode, runExecutionData);
		const execution = workflowExecute.processRunExecutionData(workflow);
		cancelExecution = () => execution.cancel();
		if (cancelRequested) execution.cancel();

		const run = await execution;
		const hookRun = await finished.promise;
		const runData = run.data.resultData.runData;

		const task = (nodeName: string, runIndex = 0): ITaskData => {
			const tasks = runData[nodeName];
			if (!tasks?.[runIndex]) {
				throw new UnexpectedError(
					`Node "${nodeName}" has no run ${runIndex} (ran: ${Object.keys(runData).join(', ') || 'nothing'})` +
						(run.data.resultData.error ? `; workflow error: ${run.data.resultData.error.message}` : ''),
				);
			}
			return tasks[runIndex];
		};

		return {
			executionId,
			status: hookRun.status ?? run.status,
			run,
			runData,
			error: run.data.resultData.error,
			executionOrder,
			chunks,
			credentialLookups: credentialsHelper.lookups,
			task,
			outputs(nodeName, { output = 0, run: runIndex = 0 } = {}) {
				const taskData = task(nodeName, runIndex);
				return taskData.data?.main?.[output] ?? [];
			},
			nodeError(nodeName, runIndex = 0) {
				return runData[nodeName]?.[runIndex]?.error;
			},
			binaryData: async (item, property = 'data') => await readBinary(item, property),
		};
	})();

	return {
		executionId,
		result,
		finished: finished.promise,
		cancel() {
			cancelRequested = true;
			cancelExecution?.();
		},
		nodeStarted(nodeName) {
			if (startedNodes.has(nodeName)) return Promise.resolve();
			return new Promise<void>((resolve) => {
				const waiters = startedWaiters.get(nodeName) ?? [];
				waiters.push(resolve);
				startedWaiters.set(nodeName, waiters);
			});
		},
	};
}

/** Runs a workflow to completion through n8n's WorkflowExecute. */
export async function runWorkflow(opts: RunOptions): Promise<WorkflowRunResult> {
	return await startWorkflow(opts).result;
}

/** Convenience: one node fed by `inputItems`, returning that node's main output 0. */
export async function runNode(
	node: WorkflowNode,
	opts: Omit<RunOptions, 'nodes' | 'connections'> = {},
): Promise<WorkflowRunResult & { items: INodeExecutionData[] }> {
	const result = await runWorkflow({ ...opts, nodes: [node] });
	const ran = result.runData[node.name] !== undefined;
	return { ...result, items: ran ? result.outputs(node.name) : [] };
}

import type { ExecutionLifecycleHooks } from 'n8n-core';
import type {
	ExecutionError,
	ExecutionStatus,
	ICredentialDataDecryptedObject,
	ICredentialType,
	IConnections,
	IDataObject,
	INode,
	INodeExecutionData,
	IPinData,
	IRun,
	IRunData,
	ITaskData,
	IWorkflowExecuteAdditionalData,
	IWorkflowSettings,
	StructuredChunk,
	WorkflowExecuteMode,
} from 'n8n-workflow';

import type { HarnessCredentialsHelper } from './credentials';
import type { NodeTypeInput } from './nodeTypes';

/** A workflow node; everything but `name` and `type` gets a sensible default. */
export type WorkflowNode = Partial<INode> & { name: string; type: string };

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

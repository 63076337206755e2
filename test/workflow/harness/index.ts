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
export { HARNESS_WORKFLOW_ID, PACKAGE_NAME, START_NODE_NAME, START_NODE_TYPE } from './constants';
export { getEnvironment, shutdownHarness } from './environment';
export type { HarnessEnvironment } from './environment';
export { HarnessManualTrigger, HarnessNodeTypes, HarnessPassThrough } from './nodeTypes';
export type { NodeTypeClass, NodeTypeInput } from './nodeTypes';
export { HarnessCredentialsHelper } from './credentials';
export { createBinaryItem, readBinary, storeBinary } from './binary';
export type { BinaryInput } from './binary';
export { chain, connect } from './build';
export type {
	OutputSelector,
	RunOptions,
	RunningWorkflow,
	WorkflowNode,
	WorkflowRunResult,
} from './types';
export { runNode, runWorkflow, startWorkflow } from './run';

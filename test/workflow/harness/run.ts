/* eslint-disable @n8n/community-nodes/no-restricted-globals, no-console */
import { ExecutionLifecycleHooks, ExternalSecretsProxy, WorkflowExecute } from 'n8n-core';
import { UnexpectedError, Workflow, createRunExecutionData } from 'n8n-workflow';
import type {
	IExecuteData,
	INodeExecutionData,
	IRun,
	ITaskData,
	IWorkflowBase,
	IWorkflowExecuteAdditionalData,
	IWorkflowSettings,
	StructuredChunk,
} from 'n8n-workflow';

import { VlmRunApi } from '../../../credentials/VlmRunApi.credentials';
import { readBinary } from './binary';
import { buildConnections, buildNodes } from './build';
import { HARNESS_WORKFLOW_ID, START_NODE_NAME } from './constants';
import { HarnessCredentialsHelper } from './credentials';
import { getEnvironment } from './environment';
import { HarnessNodeTypes } from './nodeTypes';
import type { RunOptions, RunningWorkflow, WorkflowNode, WorkflowRunResult } from './types';

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
				console.log(
					`[workflow ${executionId}] ${nodeName} → ${taskData.executionStatus} items=${JSON.stringify(items)}${error}`,
				);
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
						(run.data.resultData.error
							? `; workflow error: ${run.data.resultData.error.message}`
							: ''),
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

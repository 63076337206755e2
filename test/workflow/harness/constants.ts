/** Package name n8n prefixes our node types with (`<package>.<description.name>`). */
export const PACKAGE_NAME = 'n8n-nodes-vlmrun';

/** Name of the start node the harness adds unless `startNode` is given. */
export const START_NODE_NAME = 'Start';

/** Type of the harness' manual-trigger stand-in. */
export const START_NODE_TYPE = 'harness.manualTrigger';

export const HARNESS_WORKFLOW_ID = 'harnessWorkflow01';

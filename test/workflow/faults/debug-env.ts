/* eslint-disable @n8n/community-nodes/no-restricted-globals */
// Imported first by secrets.test.ts: the workflow harness reads WORKFLOW_HARNESS_DEBUG when it loads,
// and n8n's logger its level when it is first built, so both must be set before anything else.
process.env.WORKFLOW_HARNESS_DEBUG = '1';
process.env.N8N_LOG_LEVEL = 'debug';

export {};

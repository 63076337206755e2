// The examples suite (examples.e2e.mjs) on the n8n 1.x long-term line, 1.123.x: the four examples
// import, pass the parameter-name check against 1.x's own node types, and run through their real
// triggers there too. Run through test/e2e/run.mjs.
process.env.VLMRUN_E2E_LINE = '1';
await import('./examples.e2e.mjs');

// Input files and workflow JSON for the benchmark.
import { randomUUID } from 'node:crypto';
import { closeSync, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';

import { PACKAGE, REPO_ROOT } from '../test/e2e/n8n.mjs';

const REQUEST_NODE = `${PACKAGE.name}.vlmRunRequest`;
const RECEIPT = readFileSync(join(REPO_ROOT, 'test', 'fixtures', 'receipt.png'));

/** Writes `count` small PNGs (the receipt fixture plus a number) into a fresh directory. */
export function writeImages(dir, count) {
	mkdirSync(dir, { recursive: true });
	for (let n = 0; n < count; n++) {
		const fd = openSync(join(dir, `item-${String(n).padStart(5, '0')}.png`), 'w');
		writeSync(fd, Buffer.concat([RECEIPT, Buffer.from(`#${n}#`)]));
		closeSync(fd);
	}
	return dir;
}

/** Writes a file of `bytes` that starts like an MP4 (an ftyp box), in 8 MiB writes. */
export function writeVideo(path, bytes) {
	const ftyp = Buffer.from('000000186674797069736f6d0000020069736f6d6d703432', 'hex');
	const chunk = Buffer.alloc(8 * 1024 * 1024, 0x5a);
	const fd = openSync(path, 'w');
	try {
		writeSync(fd, ftyp);
		let written = ftyp.length;
		while (written < bytes) {
			const size = Math.min(chunk.length, bytes - written);
			writeSync(fd, chunk, 0, size);
			written += size;
		}
	} finally {
		closeSync(fd);
	}
	return path;
}

function node(name, type, typeVersion, parameters, extra = {}) {
	return { id: randomUUID(), name, type, typeVersion, position: [0, 0], parameters, ...extra };
}

export const manualTrigger = () => node('Start', 'n8n-nodes-base.manualTrigger', 1, {});

/** A Webhook trigger answering when the last node has run (lastNode) or at once (onReceived). */
export const webhookTrigger = (path, responseMode = 'lastNode') =>
	node(
		'Start',
		'n8n-nodes-base.webhook',
		2.1,
		{
			httpMethod: 'POST',
			path,
			responseMode,
			...(responseMode === 'lastNode' ? { responseData: 'noData' } : {}),
			options: {},
		},
		{ webhookId: randomUUID() },
	);

export const readFiles = (selector) =>
	node('Read Files', 'n8n-nodes-base.readWriteFile', 1.1, {
		operation: 'read',
		fileSelector: selector,
		options: {},
	});

/** VLM Run Request → Extract. */
export function extract(
	credential,
	{
		maxConcurrency = 5,
		domain = 'document.receipt',
		completion,
		urls,
		timeout,
		typeVersion = 1,
	} = {},
) {
	return node(
		'Extract',
		REQUEST_NODE,
		typeVersion,
		{
			resource: 'prediction',
			operation: 'extract',
			...(urls ? { inputSource: 'url', urls } : {}),
			domain: { __rl: true, mode: 'id', value: domain },
			...(completion ? { completion } : {}),
			...(timeout ? { timeout } : {}),
			options: { maxConcurrency },
		},
		{ credentials: { vlmRunApi: { id: credential.id, name: credential.name } } },
	);
}

/** A workflow of nodes run one after another. */
export function chainWorkflow(name, nodes) {
	const connections = {};
	nodes.forEach((current, i) => {
		current.position = [i * 220, 0];
		if (i > 0)
			connections[nodes[i - 1].name] = { main: [[{ node: current.name, type: 'main', index: 0 }]] };
	});
	return { name, nodes, connections, settings: { executionOrder: 'v1' } };
}

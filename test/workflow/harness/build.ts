import { randomUUID } from 'node:crypto';

import type { IConnections, INode, INodeCredentials } from 'n8n-workflow';

import { START_NODE_NAME, START_NODE_TYPE } from './constants';
import type { HarnessNodeTypes } from './nodeTypes';
import type { RunOptions } from './types';

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

export function buildNodes(
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
				if (
					opts.credentials?.[declared.name] !== undefined &&
					credentialTypeNames.has(declared.name)
				) {
					credentials ??= {};
					credentials[declared.name] = {
						id: `${declared.name}-1`,
						name: `${declared.name} account`,
					};
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

export function buildConnections(opts: RunOptions): IConnections {
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

import { NodeConnectionTypes, NodeHelpers, UnexpectedError } from 'n8n-workflow';
import type {
	IDataObject,
	IExecuteFunctions,
	INodeType,
	INodeTypeDescription,
	INodeTypes,
	IVersionedNodeType,
} from 'n8n-workflow';

import { PACKAGE_NAME, START_NODE_NAME, START_NODE_TYPE } from './constants';

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

/** A downstream node that passes its items on, to see what a node delivers along a connection. */
export class HarnessPassThrough implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Harness Pass Through',
		name: 'passThrough',
		group: ['transform'],
		version: 1,
		description: 'Outputs its input items',
		usableAsTool: true,
		defaults: { name: 'Pass Through' },
		inputs: [NodeConnectionTypes.Main],
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
	return nodeType.description as {
		name: string;
		version?: number | number[];
		defaultVersion?: number;
	};
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

import type { INodeProperties } from 'n8n-workflow';

import {
	nodeProperties,
	operationMap,
	type OperationOptions,
	type ResourceOptions,
} from '../shared/router';
import { createAgent } from './createAgent.operation';
import { createSkill } from './createSkill.operation';
import { downloadSkill } from './downloadSkill.operation';
import { getAgent } from './getAgent.operation';
import { getArtifact } from './getArtifact.operation';
import { getExecution } from './getExecution.operation';
import { getSkill } from './getSkill.operation';
import { listAgents } from './listAgents.operation';
import { listExecutions } from './listExecutions.operation';
import { listSkills } from './listSkills.operation';
import { runAgent } from './run.operation';
import { updateSkill } from './updateSkill.operation';

export const operations = operationMap({
	execution: { run: runAgent, get: getExecution, list: listExecutions },
	artifact: { get: getArtifact },
	skill: {
		create: createSkill,
		get: getSkill,
		list: listSkills,
		update: updateSkill,
		download: downloadSkill,
	},
	agent: { create: createAgent, get: getAgent, list: listAgents },
});

type Operations = typeof operations;

const selectors: INodeProperties[] = [
	{
		displayName: 'Resource',
		name: 'resource',
		type: 'options',
		noDataExpression: true,
		options: [
			{ name: 'Agent', value: 'agent' },
			{ name: 'Artifact', value: 'artifact' },
			{ name: 'Execution', value: 'execution' },
			{ name: 'Skill', value: 'skill' },
		] satisfies ResourceOptions<Operations>,
		default: 'execution',
	},
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['execution'] } },
		options: [
			{
				name: 'Run',
				value: 'run',
				action: 'Run an agent on files',
				description: 'Start an agent execution over one or many files, with optional skills',
			},
			{
				name: 'Get',
				value: 'get',
				action: 'Get an execution',
				description: 'Fetch an execution by ID',
			},
			{
				name: 'Get Many',
				value: 'list',
				action: 'Get many executions',
				description: 'List recent executions',
			},
		] satisfies OperationOptions<Operations, 'execution'>,
		default: 'run',
	},
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['artifact'] } },
		options: [
			{
				name: 'Get',
				value: 'get',
				action: 'Get an artifact',
				description: 'Download a file an execution or chat produced',
			},
		] satisfies OperationOptions<Operations, 'artifact'>,
		default: 'get',
	},
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['skill'] } },
		options: [
			{
				name: 'Create',
				value: 'create',
				action: 'Create a skill',
				description: 'Create a skill from a prompt, a bundle or a chat',
			},
			{
				name: 'Download',
				value: 'download',
				action: 'Download a skill',
				description: 'Download the skill bundle (.zip)',
			},
			{
				name: 'Get',
				value: 'get',
				action: 'Get a skill',
				description: 'Fetch a skill by name or ID',
			},
			{ name: 'Get Many', value: 'list', action: 'Get many skills', description: 'List skills' },
			{
				name: 'Update',
				value: 'update',
				action: 'Update a skill',
				description: 'Publish a new version from a bundle',
			},
		] satisfies OperationOptions<Operations, 'skill'>,
		default: 'create',
	},
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['agent'] } },
		options: [
			{
				name: 'Create',
				value: 'create',
				action: 'Create an agent',
				description: 'Save a prompt, schema and skills as an agent',
			},
			{
				name: 'Get',
				value: 'get',
				action: 'Get an agent',
				description: 'Fetch an agent by name or ID',
			},
			{ name: 'Get Many', value: 'list', action: 'Get many agents', description: 'List agents' },
		] satisfies OperationOptions<Operations, 'agent'>,
		default: 'create',
	},
];

export const properties = nodeProperties(selectors, operations);

import type { INodeProperties } from 'n8n-workflow';

import {
	nodeProperties,
	operationMap,
	type OperationOptions,
	type ResourceOptions,
} from '../shared/router';
import { deleteFile } from './deleteFile.operation';
import { extract } from './extract.operation';
import { getDomainSchema } from './getDomainSchema.operation';
import { getFile } from './getFile.operation';
import { getPrediction } from './getPrediction.operation';
import { listFiles } from './listFiles.operation';
import { listPredictions } from './listPredictions.operation';
import { uploadFile } from './uploadFile.operation';

export const operations = operationMap({
	prediction: { extract, get: getPrediction, list: listPredictions },
	file: { upload: uploadFile, get: getFile, list: listFiles, delete: deleteFile },
	domain: { getSchema: getDomainSchema },
});

type Operations = typeof operations;

const selectors: INodeProperties[] = [
	{
		displayName: 'Resource',
		name: 'resource',
		type: 'options',
		noDataExpression: true,
		options: [
			{ name: 'Domain', value: 'domain' },
			{ name: 'File', value: 'file' },
			{ name: 'Prediction', value: 'prediction' },
		] satisfies ResourceOptions<Operations>,
		default: 'prediction',
	},
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['prediction'] } },
		options: [
			{
				name: 'Extract',
				value: 'extract',
				action: 'Extract structured data from files',
				description: 'Turn each file (document, image, audio or video) into JSON with vlm-1',
			},
			{
				name: 'Get',
				value: 'get',
				action: 'Get a prediction',
				description: 'Fetch a prediction by ID',
			},
			{
				name: 'Get Many',
				value: 'list',
				action: 'Get many predictions',
				description: 'List recent predictions',
			},
		] satisfies OperationOptions<Operations, 'prediction'>,
		default: 'extract',
	},
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['file'] } },
		options: [
			{
				name: 'Delete',
				value: 'delete',
				action: 'Delete a file',
				description: 'Delete an uploaded file',
			},
			{ name: 'Get', value: 'get', action: 'Get a file', description: 'Fetch a file record by ID' },
			{
				name: 'Get Many',
				value: 'list',
				action: 'Get many files',
				description: 'List uploaded files',
			},
			{
				name: 'Upload',
				value: 'upload',
				action: 'Upload a file',
				description: 'Upload binary files to VLM Run',
			},
		] satisfies OperationOptions<Operations, 'file'>,
		default: 'upload',
	},
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['domain'] } },
		options: [
			{
				name: 'Get Schema',
				value: 'getSchema',
				action: 'Get the schema of a domain',
				description: 'Fetch the JSON schema VLM Run uses for a domain',
			},
		] satisfies OperationOptions<Operations, 'domain'>,
		default: 'getSchema',
	},
];

export const properties = nodeProperties(selectors, operations);

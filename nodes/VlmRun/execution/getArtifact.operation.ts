import { updateDisplayOptions } from 'n8n-workflow';
import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { downloadArtifact, type ArtifactScope } from '../shared/artifacts';
import { requiredText } from '../shared/params';
import type { Operation, PlannedItem } from '../shared/router';

const properties: INodeProperties[] = [
	{
		displayName: 'Object ID',
		name: 'objectId',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. img_a1b2c3',
		description: 'The artifact ref from a response: img_, vid_, aud_, doc_, recon_, url_ …',
	},
	{
		displayName: 'Produced By',
		name: 'artifactSource',
		type: 'options',
		options: [
			{ name: 'Agent Execution', value: 'execution' },
			{ name: 'Chat Session', value: 'session' },
		],
		default: 'execution',
	},
	{
		displayName: 'Execution ID',
		name: 'executionId',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. {{ $json.vlmrun.executionId }}',
		displayOptions: { show: { artifactSource: ['execution'] } },
	},
	{
		displayName: 'Session ID',
		name: 'sessionId',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. {{ $json.vlmrun.sessionId }}',
		displayOptions: { show: { artifactSource: ['session'] } },
	},
	{
		displayName: 'Put Output File in Field',
		name: 'binaryPropertyOutput',
		type: 'string',
		default: 'data',
		required: true,
		hint: 'The name of the output binary field to put the file in',
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['artifact'], operation: ['get'] } },
	properties,
);

interface ArtifactRequest {
	ref: string;
	scope: ArtifactScope;
	property: string;
}

async function validate(ctx: IExecuteFunctions, i: number): Promise<ArtifactRequest> {
	const ref = requiredText(
		ctx,
		i,
		'objectId',
		'Object ID',
		'Map the ref of an artifact, e.g. img_a1b2c3 from the response.',
	);
	const scope: ArtifactScope =
		ctx.getNodeParameter('artifactSource', i, 'execution') === 'session'
			? {
					sessionId: requiredText(
						ctx,
						i,
						'sessionId',
						'Session ID',
						'Map the session ID of the chat that made the artifact.',
					),
				}
			: {
					executionId: requiredText(
						ctx,
						i,
						'executionId',
						'Execution ID',
						'Map the ID of the execution that made the artifact.',
					),
				};
	const property = requiredText(
		ctx,
		i,
		'binaryPropertyOutput',
		'Put Output File in Field',
		'Enter a binary field name such as data.',
	);
	return { ref, scope, property };
}

async function execute(
	ctx: IExecuteFunctions,
	{ index: i, plan: request }: PlannedItem<ArtifactRequest>,
): Promise<INodeExecutionData[]> {
	const binary = await downloadArtifact(ctx, request.ref, request.scope, i);
	return [
		{
			json: {
				objectId: request.ref,
				...('executionId' in request.scope
					? { executionId: request.scope.executionId }
					: { sessionId: request.scope.sessionId }),
				fileName: binary.fileName ?? null,
				mimeType: binary.mimeType,
				fileSize: binary.fileSize ?? null,
			},
			binary: { [request.property]: binary },
		},
	];
}

export const getArtifact: Operation<ArtifactRequest> = { description, validate, execute };

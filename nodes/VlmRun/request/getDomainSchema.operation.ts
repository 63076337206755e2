import { updateDisplayOptions } from 'n8n-workflow';
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { inputError } from '../shared/errors';
import { checkDomain } from '../shared/params';
import type { Operation } from '../shared/router';
import { apiRequest } from '../shared/transport';
import { extractProperties } from './extract.properties';

const domainProperty = extractProperties.find((property) => property.name === 'domain');

export const description = updateDisplayOptions(
	{ show: { resource: ['domain'], operation: ['getSchema'] } },
	[
		{
			...(domainProperty as NonNullable<typeof domainProperty>),
			required: true,
			description: 'The domain whose JSON schema to fetch',
		},
	],
);

function readDomain(ctx: IExecuteFunctions, i: number): string {
	const domain = (ctx.getNodeParameter('domain', i, '', { extractValue: true }) as string).trim();
	if (!domain)
		throw inputError(
			ctx.getNode(),
			i,
			'No domain chosen',
			'Pick a domain from the list or enter its ID, e.g. document.invoice.',
		);
	return checkDomain(ctx, i, domain);
}

export const getDomainSchema: Operation<string> = {
	description,
	validate: readDomain,
	async execute(ctx, { index: i, plan: domain }) {
		const schema = (await apiRequest(ctx, {
			method: 'POST',
			path: '/schema',
			body: { domain },
			kind: 'read',
			itemIndex: i,
			resource: 'domain',
			names: { domain },
		})) as IDataObject;
		return [{ json: schema }];
	},
};

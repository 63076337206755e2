import type { IDataObject, ILoadOptionsFunctions, INodeListSearchResult } from 'n8n-workflow';

import { apiRequest } from '../shared/transport';

function matches(filter: string | undefined, ...texts: unknown[]): boolean {
	if (!filter) return true;
	const needle = filter.toLowerCase();
	return texts.some((text) => typeof text === 'string' && text.toLowerCase().includes(needle));
}

export async function searchDomains(
	this: ILoadOptionsFunctions,
	filter?: string,
): Promise<INodeListSearchResult> {
	const domains = (await apiRequest(this, {
		method: 'GET',
		path: '/domains',
	})) as IDataObject[];
	return {
		results: domains
			.filter((domain) => matches(filter, domain.domain, domain.name, domain.description))
			.map((domain) => ({
				name: domain.name
					? `${String(domain.name)} (${String(domain.domain)})`
					: String(domain.domain),
				value: String(domain.domain),
			})),
	};
}

export async function searchSkills(
	this: ILoadOptionsFunctions,
	filter?: string,
): Promise<INodeListSearchResult> {
	const skills = (await apiRequest(this, {
		method: 'GET',
		path: '/skills',
		qs: { limit: 1000, grouped: true, order_by: 'name', descending: false },
	})) as IDataObject[];
	return {
		results: skills
			.filter((skill) => matches(filter, skill.name, skill.description))
			.map((skill) => ({
				name: String(skill.name),
				value: String(skill.name),
				description: String(skill.description ?? ''),
			})),
	};
}

export async function searchAgents(
	this: ILoadOptionsFunctions,
	filter?: string,
): Promise<INodeListSearchResult> {
	const agents = (await apiRequest(this, { method: 'GET', path: '/agent' })) as IDataObject[];
	return {
		results: agents
			.filter((agent) => matches(filter, agent.name, agent.description))
			.map((agent) => ({ name: String(agent.name), value: String(agent.name) })),
	};
}

import { domainSchema, type JsonSchema } from '../domains';
import { HttpError, invalid, isoNow, notFound } from '../http';
import { ok, type Router } from '../router';
import { AgentCreateSchema, AgentLookupSchema, validate } from '../schemas';
import { hex, newId, type AgentRecord, type EmulatorState } from '../state';
import { synthesize } from '../synth';
import { resolveSkills } from './shared';

export const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]*(:[A-Za-z0-9._-]+)?$/;
export const FAIL_AGENT = 'fail-agent';
/** `name` or `name:version`; a bare name (or `:latest`) means the newest version. */
export function findAgent(state: EmulatorState, ref: string): AgentRecord | undefined {
	const [name, version] = ref.split(':');
	const versions = state.agents.filter((a) => a.name === name);
	if (!version || version === 'latest') return versions[versions.length - 1];
	return versions.find((a) => a.version === version);
}

export function addAgent(
	state: EmulatorState,
	fields: {
		name?: string | null;
		prompt: string;
		json_schema?: JsonSchema | null;
		description?: string;
	},
	status: AgentRecord['status'],
): AgentRecord {
	const name = fields.name || `agent-${hex(6)}`;
	const now = Date.now();
	const agent: AgentRecord = {
		id: newId(),
		name,
		version: `v${state.agents.filter((a) => a.name === name).length + 1}`,
		description: fields.description ?? `Agent: ${fields.prompt.slice(0, 120)}`,
		prompt: fields.prompt,
		json_schema: fields.json_schema ?? null,
		createdAt: now,
		updatedAt: now,
		status,
	};
	state.agents.push(agent);
	return agent;
}

/** Agent creation is async on the server; the emulator finishes it on the first read. */
function agentInfo(agent: AgentRecord) {
	if (agent.status === 'pending')
		Object.assign(agent, { status: 'completed', updatedAt: Date.now() });
	return {
		id: agent.id,
		name: agent.name,
		description: agent.description,
		prompt: agent.prompt,
		json_schema: agent.json_schema,
		json_sample: agent.json_schema ? synthesize(agent.json_schema) : null,
		created_at: isoNow(agent.createdAt),
		updated_at: isoNow(agent.updatedAt),
		status: agent.status,
	};
}

export function registerAgents(router: Router): void {
	router
		.get('/agent', ({ app }) => ok(app.state.agents.map(agentInfo)))
		.post('/agent/lookup', ({ app, body }) => {
			const input = validate(AgentLookupSchema, body);
			const given = (['name', 'id', 'prompt'] as const).filter((key) => input[key]);
			if (given.length !== 1)
				throw invalid(['body'], 'Exactly one of name, id or prompt must be provided');
			let agent: AgentRecord | undefined;
			if (input.name) {
				if (!NAME_PATTERN.test(input.name))
					throw new HttpError(400, `Invalid agent name: ${input.name}`);
				agent = findAgent(app.state, input.name);
			} else if (input.id) {
				agent = app.state.agents.find((a) => a.id === input.id);
			} else {
				agent = [...app.state.agents].reverse().find((a) => a.prompt === input.prompt);
			}
			if (!agent) throw notFound('Agent');
			return ok(agentInfo(agent));
		})
		.get('/agents/:id', ({ app, params }) => {
			const agent = app.state.agents.find((a) => a.id === params.id);
			if (!agent) throw notFound('Agent');
			return ok(agentInfo(agent));
		})
		.post('/agent/create', ({ app, body }) => {
			const input = validate(AgentCreateSchema, body);
			if (input.name && !NAME_PATTERN.test(input.name))
				throw new HttpError(400, `Invalid agent name: ${input.name}`);
			resolveSkills(app.state, input.config.skills, ['body', 'config', 'skills']);
			const agent = addAgent(
				app.state,
				{ name: input.name, prompt: input.config.prompt, json_schema: input.config.json_schema },
				'pending',
			);
			return ok({
				id: agent.id,
				name: agent.name,
				created_at: isoNow(agent.createdAt),
				updated_at: isoNow(agent.updatedAt),
				status: 'pending',
			});
		});
}

export function seedAgents(state: EmulatorState): void {
	const invoice = domainSchema('document.invoice') as JsonSchema;
	const properties = invoice.properties as Record<string, JsonSchema>;
	addAgent(
		state,
		{
			name: 'invoice-extractor',
			prompt: 'Extract the invoice id, customer, line items and totals from the document.',
			description: 'Extracts structured invoice data from PDFs and images.',
			json_schema: {
				type: 'object',
				properties: {
					invoice_id: properties.invoice_id,
					customer: properties.customer,
					total: properties.total,
				},
			},
		},
		'completed',
	);
	addAgent(
		state,
		{
			name: 'video-summarizer',
			prompt: 'Summarize the video and list its key moments.',
			description: 'Summarizes videos into key moments.',
		},
		'completed',
	);
}

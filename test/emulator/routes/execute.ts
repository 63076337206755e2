import { HttpError, invalid, missing, notFound } from '../http';
import type { JobSpec } from '../jobs';
import { created, type Ctx, type Router } from '../router';
import { AgentExecuteSchema, validate, type AgentExecuteBody } from '../schemas';
import type { AgentRecord, Artifact, EmulatorState } from '../state';
import { scanQuality, violateSchema } from '../scans';
import { synthesize } from '../synth';
import { addAgent, FAIL_AGENT, findAgent, NAME_PATTERN } from './agents';
import { kindsMentioned, mintArtifact, type ArtifactKind } from './artifacts';
import {
	checkContentPart,
	FAIL_WORD,
	isPart,
	mentionsFailure,
	resolveSkills,
	usage,
} from './shared';

/* POST /agent/execute (reference §5.3), in both the current and the legacy body shape. */

const ELEMENT_BY_PART: Record<string, string> = {
	image_url: 'image',
	video_url: 'video',
	audio_url: 'audio',
};

interface CheckedInputs {
	names: string[];
	elementType: string;
	failure: string | null;
}

function checkInputs(state: EmulatorState, input: AgentExecuteBody): CheckedInputs {
	if (input.inputs) {
		const checked = Object.entries(input.inputs).map(([name, value]) =>
			isPart(value)
				? checkContentPart(state, value, ['body', 'inputs', name])
				: { type: 'value', failure: null },
		);
		return {
			names: Object.keys(input.inputs),
			elementType: ELEMENT_BY_PART[checked[0]?.type ?? ''] ?? 'page',
			failure: checked.find((c) => c.failure)?.failure ?? null,
		};
	}
	if (!input.file_ids && !input.urls) throw missing(['body', 'inputs']);
	let failure: string | null = null;
	for (const id of input.file_ids ?? []) {
		const file = state.uploadedFile(id);
		if (!file) throw notFound('File');
		if (mentionsFailure(file.filename)) failure = `file ${file.filename} is marked ${FAIL_WORD}`;
	}
	if ((input.urls ?? []).some(mentionsFailure)) failure = `url contains ${FAIL_WORD}`;
	return {
		names: [...(input.file_ids ?? []), ...(input.urls ?? [])],
		elementType: 'page',
		failure,
	};
}

/** By name (legacy: name + version) or, without one, by prompt: the server then creates the agent. */
function resolveAgent(
	state: EmulatorState,
	input: AgentExecuteBody,
): { label: string; agent?: AgentRecord } {
	if (input.name) {
		const ref =
			input.version && !input.name.includes(':') ? `${input.name}:${input.version}` : input.name;
		if (ref.split(':')[0] === FAIL_AGENT) return { label: ref };
		if (!NAME_PATTERN.test(ref)) throw new HttpError(400, `Invalid agent name: ${ref}`);
		const agent = findAgent(state, ref);
		if (!agent) throw notFound('Agent');
		return { label: `${agent.name}:${agent.version}`, agent };
	}
	const prompt = input.config?.prompt;
	if (!prompt) {
		throw invalid(['body', 'config', 'prompt'], 'Either name or config.prompt is required');
	}
	const known = [...state.agents].reverse().find((a) => a.prompt === prompt);
	const agent =
		known ?? addAgent(state, { prompt, json_schema: input.config?.json_schema }, 'completed');
	return { label: `${agent.name}:${agent.version}`, agent };
}

/** Refs go under `artifacts` as `{"id": …}` objects, the shape the SDK ref models parse. */
function withArtifacts(output: unknown, minted: Array<[ArtifactKind, Artifact]>): unknown {
	if (
		minted.length === 0 ||
		output === null ||
		typeof output !== 'object' ||
		Array.isArray(output)
	) {
		return output;
	}
	const refs = Object.fromEntries(
		minted.map(([kind, artifact]) => [kind, { id: artifact.objectId }]),
	);
	return { ...output, artifacts: refs };
}

function execute({ app, body }: Ctx) {
	const input = validate(AgentExecuteSchema, body);
	if (input.batch === false) {
		throw invalid(['body', 'batch'], 'Only batch execution is supported: batch must be true');
	}
	const inputs = checkInputs(app.state, input);
	const skills = resolveSkills(app.state, input.config?.skills, ['body', 'config', 'skills']);
	const { label, agent } = resolveAgent(app.state, input);
	const prompt = input.config?.prompt ?? agent?.prompt ?? '';
	const schema =
		input.config?.json_schema ??
		agent?.json_schema ??
		skills.find((s) => s.json_schema)?.json_schema;
	const synthesized = schema
		? synthesize(schema)
		: {
				summary: `Emulated run of ${label} over ${inputs.names.length} input(s).`,
				inputs: inputs.names,
			};
	// A marked file, URL or prompt reads like a bad scan (scans.ts): the answer breaks the schema.
	const fileNames = Object.values(input.inputs ?? {}).map((value) =>
		isPart(value) && typeof (value as { file_id?: unknown }).file_id === 'string'
			? app.state.uploadedFile((value as { file_id: string }).file_id)?.filename
			: undefined,
	);
	const scan = scanQuality([prompt, JSON.stringify(input.inputs ?? {}), ...fileNames]);
	const output = scan.invalid ? violateSchema(synthesized, schema ?? null) : synthesized;
	const minted = kindsMentioned(prompt).map((kind): [ArtifactKind, Artifact] => [
		kind,
		mintArtifact(app.state, kind),
	]);
	const reason =
		[
			label.split(':')[0] === FAIL_AGENT ? `agent ${FAIL_AGENT}` : null,
			mentionsFailure(prompt) ? `prompt contains ${FAIL_WORD}` : null,
			inputs.failure,
			input.metadata?.session_id === 'fail' ? "metadata.session_id is 'fail'" : null,
		].find(Boolean) ?? (app.faults.shouldFailJob() ? 'faultMix rateJobFail' : null);
	const count = Math.max(1, inputs.names.length);
	const spec: JobSpec = {
		kind: 'execution',
		async: true,
		callbackUrl: input.callback_url ?? null,
		failure: reason ? `Emulated failure: ${reason}` : null,
		response: withArtifacts(output, minted),
		usage: usage(count, inputs.elementType, 2 + count, 3),
		pendingUsage: usage(null, null, 0),
		head: { name: label },
		tail: { execution_mode: 'batch' },
		artifacts: minted.map(([, artifact]) => artifact),
	};
	return created(app.jobs.view(app.jobs.create(spec)));
}

export function registerExecute(router: Router): void {
	router.post('/agent/execute', execute);
}

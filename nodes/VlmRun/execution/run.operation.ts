import { updateDisplayOptions } from 'n8n-workflow';
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import type { SkippedFile } from '../shared/binary';
import type { JobShapers } from '../shared/callback';
import { inputError } from '../shared/errors';
import { readCompletion, type CompletionPlan } from '../shared/completion';
import { runJob, type JobOutput } from '../shared/jobs';
import { Limiter } from '../shared/limiter';
import type { Job } from '../shared/polling';
import {
	errorItem,
	maxConcurrency,
	pairingOf,
	type Operation,
	type RunContext,
} from '../shared/router';
import { lookupSkill, readSkills, type SkillReference } from '../shared/skills';
import { readReviewRules, type ReviewRules } from '../shared/review';
import { apiRequest } from '../shared/transport';
import { lookupAgent } from './config';
import { readSchema } from '../shared/schemaSource';
import {
	mergeInputs,
	planInputs,
	resolveInputs,
	type InputPlan,
	type PlannedInput,
} from './inputs';
import { executionItem, readOutputOptions, type OutputOptions } from './output';
import { DEFAULT_EXECUTION_TIMEOUT_S, DEFAULT_MODEL, runProperties } from './run.properties';
import { reviewExecution, runReviewRulesProperty } from './run.review';

export const description = updateDisplayOptions(
	{ show: { resource: ['execution'], operation: ['run'] } },
	[...runProperties, runReviewRulesProperty],
);

interface RunPlan {
	grouped: boolean;
	agentName?: string;
	skills: SkillReference[];
	/** The request body without inputs, which are only known after the uploads. */
	request: IDataObject;
	inputs: InputPlan;
	completion: CompletionPlan;
	/** Max Concurrent Requests, kept to by the artifact downloads when a callback resumes. */
	maxConcurrency: number;
	output: OutputOptions;
	review?: ReviewRules;
}

function readAgent(ctx: IExecuteFunctions, i: number, config: IDataObject): string | undefined {
	if (ctx.getNodeParameter('agentSource', i, 'prompt') === 'agent') {
		const name = String(ctx.getNodeParameter('agent', i, '', { extractValue: true }) ?? '').trim();
		if (name) return name;
	} else {
		const prompt = String(ctx.getNodeParameter('prompt', i, '') ?? '').trim();
		if (prompt) {
			config.prompt = prompt;
			const schema = readSchema(ctx, i);
			if (schema) config.json_schema = schema;
			return undefined;
		}
	}
	throw inputError(
		ctx.getNode(),
		i,
		'Neither a prompt nor an agent is set',
		'Set Agent Source to Prompt and describe what the agent should do, or set it to Existing Agent and pick one.',
	);
}

async function validate(ctx: IExecuteFunctions, i: number): Promise<RunPlan> {
	const config: IDataObject = {};
	const agentName = readAgent(ctx, i, config);
	const skills = readSkills(ctx, i);
	if (skills.length) config.skills = skills;
	const toolsets = ctx.getNodeParameter('toolsets', i, []) as string[];
	const model = ctx.getNodeParameter('model', i, DEFAULT_MODEL) as string;
	const completion = readCompletion(ctx, i, DEFAULT_EXECUTION_TIMEOUT_S);
	const { callbackUrl } = completion;
	const request: IDataObject = {
		model,
		...(agentName ? { name: agentName } : {}),
		...(Object.keys(config).length ? { config } : {}),
		...(toolsets.length ? { toolsets } : {}),
		...(callbackUrl ? { callback_url: callbackUrl } : {}),
	};
	return {
		grouped: ctx.getNodeParameter('grouping', i, 'perItem') === 'allItems',
		review: readReviewRules(ctx, i),
		agentName,
		skills,
		request,
		inputs: await planInputs(ctx, i),
		completion,
		maxConcurrency: maxConcurrency(ctx, i),
		output: { ...readOutputOptions(ctx, i), model },
	};
}

/** One agent execution for `members`: a single item, or every item of the group (the first sets the agent and settings). */
async function runExecution(
	ctx: IExecuteFunctions,
	members: number[],
	plan: RunPlan,
	planned: PlannedInput[],
	skippedFiles: SkippedFile[],
	run: RunContext,
): Promise<JobOutput[]> {
	const i = members[0];
	// Unknown agents and skills fail here, naming them, before any file is uploaded.
	const [agent] = await Promise.all([
		plan.agentName ? lookupAgent(ctx, i, plan.agentName) : undefined,
		...plan.skills.map(
			async (skill) => await lookupSkill(ctx, i, skill.skill_name, skill.skill_version),
		),
	]);
	const { inputs, summary } = await resolveInputs(ctx, planned, run);
	const output: OutputOptions = {
		...plan.output,
		inputs: summary,
		...(skippedFiles.length ? { skippedFiles } : {}),
	};
	const item = await run.limit(
		async () =>
			await runJob(ctx, plan.completion, {
				kind: 'execution',
				itemIndex: i,
				submit: async () =>
					(await apiRequest(ctx, {
						method: 'POST',
						path: '/agent/execute',
						body: { ...plan.request, inputs, batch: true },
						itemIndex: i,
						resource: 'agent',
					})) as Job,
				shape: async (execution) => {
					let shaped = await executionItem(ctx, i, execution, output);
					if (plan.review && execution.status === 'completed') {
						const schema = ((plan.request.config as IDataObject | undefined)?.json_schema ??
							agent?.json_schema) as IDataObject | undefined;
						shaped = await reviewExecution(ctx, i, plan.review, execution, shaped, schema);
					}
					return { ...shaped, pairedItem: pairingOf(members) };
				},
				resumeShape: { output: { ...output }, maxConcurrency: plan.maxConcurrency },
			}),
	);
	return [item];
}

/** Artifact downloads on resume, per webhook() call, kept within Max Concurrent Requests as in execute(). */
const resumeLimiters = new WeakMap<object, Limiter>();

/** Wait for Callback builds the item of a finished execution the same way as Wait for Result, artifacts included. */
export const executionShapers: JobShapers = {
	execution: async (ctx, execution, shape, itemIndex) => {
		let limiter = resumeLimiters.get(ctx);
		if (!limiter) resumeLimiters.set(ctx, (limiter = new Limiter()));
		const output = shape.output as unknown as OutputOptions;
		return await limiter.run(
			shape.maxConcurrency as number,
			async () => await executionItem(ctx, itemIndex, execution, output),
		);
	},
};

/**
 * Runs the execution of `members` with their usable files; each file VLM Run cannot take is its
 * own error item (continue-on-fail), and with no usable input left no execution is started.
 */
async function runMembers(
	ctx: IExecuteFunctions,
	members: number[],
	plan: RunPlan,
	perItem: InputPlan[],
	run: RunContext,
): Promise<JobOutput[]> {
	const rejected = perItem.flatMap((inputs, n) =>
		inputs.rejected.map((error) => errorItem(error, { item: members[n] })),
	);
	const skippedFiles = perItem.flatMap((inputs) => inputs.skipped);
	if (perItem.every((inputs) => inputs.nothingLeft)) {
		const skipped = { json: { vlmrun: { status: 'skipped', skippedFiles } } };
		return skippedFiles.length ? [skipped, ...rejected] : rejected;
	}
	const planned = mergeInputs(perItem.map((inputs) => inputs.inputs));
	return [...(await runExecution(ctx, members, plan, planned, skippedFiles, run)), ...rejected];
}

export const runAgent: Operation<RunPlan> = {
	description,
	validate,
	// One execution per item, or one for all the items whose Grouping says so: the first of them
	// defines the agent and settings, every one contributes its inputs.
	async execute(ctx, { index, plan }, run) {
		const members = plan.grouped
			? run.items.filter((item) => item.plan.grouped)
			: [{ index, plan }];
		return await run.together(
			members.map((member) => member.index),
			async () =>
				await runMembers(
					ctx,
					members.map((member) => member.index),
					members[0].plan,
					members.map((member) => member.plan.inputs),
					run,
				),
		);
	},
};

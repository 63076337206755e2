import { z } from 'zod';

import { unprocessable, type ValidationIssue } from './http';

/*
 * Request schemas. Only what the reference pins down is validated; unknown keys are accepted,
 * as FastAPI does with its default models.
 */

const str = z.string();
const optStr = z.string().nullable().optional();
const jsonObject = z.record(z.string(), z.unknown());
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const SERVICE_TIERS = ['auto', 'default', 'standard', 'flex', 'priority'] as const;
export const TOOLSETS = [
	'core',
	'image',
	'image-gen',
	'world-gen',
	'viz',
	'document',
	'video',
	'web',
] as const;
export const FILE_PURPOSES = [
	'assistants',
	'batch',
	'fine-tune',
	'vision',
	'datasets',
	'assistants_output',
	'batch_output',
] as const;

export const AgentSkillSchema = z.object({
	type: z.enum(['skill_reference', 'inline']).optional(),
	skill_id: optStr,
	skill_name: optStr,
	skill_version: optStr,
	version: optStr,
	name: optStr,
	description: optStr,
	source: z.object({ type: optStr, media_type: optStr, data: optStr }).nullable().optional(),
	bundle: optStr,
});
export type AgentSkill = z.infer<typeof AgentSkillSchema>;

export const MetadataSchema = z.object({
	environment: z.enum(['dev', 'staging', 'prod']).optional(),
	session_id: optStr,
	allow_training: z.boolean().optional(),
});

export const GenerationConfigSchema = z.object({
	detail: z.enum(['auto', 'hi', 'lo']).optional(),
	json_schema: jsonObject.nullable().optional(),
	gql_stmt: optStr,
	confidence: z.boolean().optional(),
	grounding: z.boolean().optional(),
	prompt: optStr,
	skills: z.array(AgentSkillSchema).nullable().optional(),
	service_tier: z.enum(SERVICE_TIERS).nullable().optional(),
	video_segment_duration: z.number().nullable().optional(),
	video_frames_per_segment: z.number().int().nullable().optional(),
	page_indices: z.array(z.number().int().min(0)).nullable().optional(),
	max_retries: z.number().int().optional(),
	max_tokens: z.number().int().optional(),
	temperature: z.number().optional(),
});
export type GenerationConfig = z.infer<typeof GenerationConfigSchema>;

export const GenerateSchema = z.object({
	images: z.array(str).optional(),
	file_id: optStr,
	url: optStr,
	model: z.enum(['vlm-1']).optional(),
	domain: optStr,
	batch: z.boolean().optional(),
	callback_url: z.string().min(1).nullable().optional(),
	metadata: MetadataSchema.nullable().optional(),
	config: GenerationConfigSchema.nullable().optional(),
	name: optStr,
	version: optStr,
});
export type GenerateBody = z.infer<typeof GenerateSchema>;

export const SchemaRequestSchema = z.object({
	domain: str,
	gql_stmt: optStr,
	config: jsonObject.nullable().optional(),
});

export const PresignedSchema = z.object({
	filename: str.min(1),
	purpose: z.enum(FILE_PURPOSES).optional(),
	expiration: z.number().int().min(1).optional(),
});

const AgentConfigFields = {
	json_schema: jsonObject.nullable().optional(),
	skills: z.array(AgentSkillSchema).nullable().optional(),
	service_tier: z.enum(SERVICE_TIERS).nullable().optional(),
	orchestration_mode: z.boolean().nullable().optional(),
};

export const AgentLookupSchema = z.object({ name: optStr, id: optStr, prompt: optStr });

export const AgentCreateSchema = z.object({
	name: optStr,
	inputs: jsonObject.nullable().optional(),
	config: z.object({ prompt: str, ...AgentConfigFields }),
	callback_url: z.string().min(1).nullable().optional(),
});

export const AgentExecuteSchema = z.object({
	model: optStr,
	name: optStr,
	version: optStr,
	inputs: jsonObject.nullable().optional(),
	file_ids: z.array(str).nullable().optional(),
	urls: z.array(str).nullable().optional(),
	batch: z.boolean().optional(),
	config: z
		.object({ prompt: optStr, ...AgentConfigFields })
		.passthrough()
		.nullable()
		.optional(),
	metadata: MetadataSchema.nullable().optional(),
	callback_url: z.string().min(1).nullable().optional(),
	toolsets: z.array(z.enum(TOOLSETS)).nullable().optional(),
	priority: z.enum(['low', 'normal', 'high']).optional(),
});
export type AgentExecuteBody = z.infer<typeof AgentExecuteSchema>;

export const SkillLookupSchema = z.object({ name: str, skill_version: optStr, version: optStr });

export const SkillCreateSchema = z.object({
	file_id: optStr,
	prompt: optStr,
	session_id: optStr,
	json_schema: jsonObject.nullable().optional(),
	name: optStr,
	description: z.string().max(255).nullable().optional(),
	is_public: z.boolean().optional(),
});

export const SkillUpdateSchema = z.object({
	file_id: optStr,
	description: z.string().max(255).nullable().optional(),
});

export const ChatSchema = z.object({
	messages: z
		.array(
			z.object({
				role: z.enum(['system', 'user', 'assistant', 'tool', 'developer']),
				content: z
					.union([z.string(), z.array(jsonObject)])
					.nullable()
					.optional(),
			}),
		)
		.min(1),
	model: optStr,
	stream: z.boolean().nullable().optional(),
	response_format: z
		.object({
			type: z.enum(['text', 'json_object', 'json_schema']),
			schema: jsonObject.nullable().optional(),
			json_schema: z
				.object({ schema: jsonObject.nullable().optional() })
				.passthrough()
				.nullable()
				.optional(),
		})
		.nullable()
		.optional(),
	// The API keys chat sessions by UUID (reference §7) and refuses anything else.
	session_id: z
		.string()
		.refine((value) => UUID.test(value), { message: 'value is not a valid uuid' })
		.nullable()
		.optional(),
	skills: z.array(AgentSkillSchema).nullable().optional(),
	toolsets: z.array(z.enum(TOOLSETS)).nullable().optional(),
});
export type ChatBody = z.infer<typeof ChatSchema>;

export const FeedbackSchema = z.object({
	request_id: optStr,
	agent_execution_id: optStr,
	chat_id: optStr,
	response: z.unknown().optional(),
	notes: optStr,
});

/** Parses `input` or throws a 422 whose detail matches FastAPI's (pydantic v1) wording. */
export function validate<T>(schema: z.ZodType<T>, input: unknown, root = 'body'): T {
	const result = schema.safeParse(input === undefined ? {} : input);
	if (result.success) return result.data;
	if (input === undefined) {
		throw unprocessable([{ loc: [root], msg: 'field required', type: 'value_error.missing' }]);
	}
	throw unprocessable(result.error.issues.map((issue) => toIssue(issue, input, root)));
}

const TYPE_MESSAGES: Record<string, [string, string]> = {
	string: ['str type expected', 'type_error.str'],
	number: ['value is not a valid float', 'type_error.float'],
	integer: ['value is not a valid integer', 'type_error.integer'],
	int: ['value is not a valid integer', 'type_error.integer'],
	boolean: ['value could not be parsed to a boolean', 'type_error.bool'],
	array: ['value is not a valid list', 'type_error.list'],
	object: ['value is not a valid dict', 'type_error.dict'],
	record: ['value is not a valid dict', 'type_error.dict'],
};

const UNIT_WORDS: Record<string, string> = { string: 'characters', array: 'items' };

function valueAt(input: unknown, path: ReadonlyArray<PropertyKey>): unknown {
	let current = input;
	for (const key of path) {
		if (current === null || typeof current !== 'object') return undefined;
		current = (current as Record<PropertyKey, unknown>)[key];
	}
	return current;
}

/* Field names differ between zod 3 and zod 4 issues, so they are read defensively. */
function toIssue(issue: z.ZodIssue, input: unknown, root: string): ValidationIssue {
	const path = issue.path as Array<string | number>;
	const loc = [root, ...path];
	const raw = issue as unknown as Record<string, unknown>;
	const present = valueAt(input, path) !== undefined;
	switch (issue.code) {
		case 'invalid_type': {
			if (!present) return { loc, msg: 'field required', type: 'value_error.missing' };
			const [msg, type] = TYPE_MESSAGES[String(raw.expected)] ?? [issue.message, 'type_error'];
			return { loc, msg, type };
		}
		case 'too_small':
		case 'too_big': {
			const kind = String(raw.type ?? raw.origin);
			const limit = raw.minimum ?? raw.maximum;
			const small = issue.code === 'too_small';
			if (kind === 'number') {
				const op = small ? 'greater than or equal to' : 'less than or equal to';
				const type = small ? 'value_error.number.not_ge' : 'value_error.number.not_le';
				return {
					loc,
					msg: `ensure this value is ${op} ${String(limit)}`,
					type,
					ctx: { limit_value: limit },
				};
			}
			const unit = UNIT_WORDS[kind] ?? 'items';
			const base = kind === 'string' ? 'value_error.any_str' : 'value_error.list';
			const suffix =
				kind === 'string'
					? small
						? 'min_length'
						: 'max_length'
					: small
						? 'min_items'
						: 'max_items';
			const bound = small ? 'at least' : 'at most';
			return {
				loc,
				msg: `ensure this value has ${bound} ${String(limit)} ${unit}`,
				type: `${base}.${suffix}`,
				ctx: { limit_value: limit },
			};
		}
		default: {
			const options = (raw.options ?? raw.values) as unknown[] | undefined;
			if (Array.isArray(options)) {
				const permitted = options.map((v) => `'${String(v)}'`).join(', ');
				return {
					loc,
					msg: `value is not a valid enumeration member; permitted: ${permitted}`,
					type: 'type_error.enum',
					ctx: { enum_values: options },
				};
			}
			return { loc, msg: issue.message, type: 'value_error' };
		}
	}
}

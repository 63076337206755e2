import { createHash } from 'node:crypto';

import { zipArchive } from '../binaries';
import { domainSchema, type JsonSchema } from '../domains';
import { HttpError, invalid, isoNow, missing, notFound } from '../http';
import { boolParam, enumParam, intParam } from '../query';
import { ok, type Router } from '../router';
import { SkillCreateSchema, SkillLookupSchema, SkillUpdateSchema, validate } from '../schemas';
import { hex, newId, type EmulatorState, type SkillRecord } from '../state';
import { findSkill } from './shared';

const ORDER_BY = ['created_at', 'updated_at', 'name'] as const;

/** Skill versions look like `20260326-a481daf0` (reference §9). */
export const skillVersion = (at = Date.now()) =>
	`${new Date(at).toISOString().slice(0, 10).replace(/-/g, '')}-${hex(8)}`;

const slug = (text: string) =>
	text
		.toLowerCase()
		.replace(/[^a-z0-9]+/g, '-')
		.replace(/^-|-$/g, '')
		.split('-')
		.slice(0, 4)
		.join('-') || 'skill';

interface SkillFields {
	name: string;
	description: string;
	instructions: string;
	json_schema?: JsonSchema | null;
	is_public?: boolean;
	version?: string;
	/** The uploaded zip, when the skill came from a file; otherwise one is generated. */
	bundle?: Buffer;
	contentHash?: string;
}

export function addSkill(state: EmulatorState, fields: SkillFields): SkillRecord {
	const files: Record<string, string> = {
		'SKILL.md': `---\nname: ${fields.name}\ndescription: ${fields.description}\n---\n${fields.instructions}\n`,
	};
	if (fields.json_schema) files['schema.json'] = JSON.stringify(fields.json_schema, null, 2);
	const bundle = fields.bundle ?? zipArchive(files);
	const now = Date.now();
	const skill: SkillRecord = {
		id: newId(),
		name: fields.name,
		description: fields.description,
		skill_version: fields.version ?? skillVersion(now),
		createdAt: now,
		updatedAt: now,
		is_public: fields.is_public ?? false,
		contentHash: fields.contentHash ?? createHash('sha256').update(bundle).digest('hex'),
		json_schema: fields.json_schema ?? null,
		bundle,
	};
	state.skills.push(skill);
	state.blobs.set(`skill-${skill.id}`, { contentType: 'application/zip', data: bundle });
	return skill;
}

const skillInfo = (skill: SkillRecord) => ({
	id: skill.id,
	name: skill.name,
	description: skill.description,
	skill_version: skill.skill_version,
	created_at: isoNow(skill.createdAt),
	updated_at: isoNow(skill.updatedAt),
	status: 'completed',
	is_public: skill.is_public,
});

function sortKey(skill: SkillRecord, orderBy: (typeof ORDER_BY)[number]): string | number {
	if (orderBy === 'name') return skill.name;
	return orderBy === 'created_at' ? skill.createdAt : skill.updatedAt;
}

export function registerSkills(router: Router): void {
	router
		.get('/skills', ({ app, query }) => {
			const limit = intParam(query, 'limit', { default: 25, ge: 1, le: 1000 });
			const offset = intParam(query, 'offset', { default: 0, ge: 0 });
			const orderBy = enumParam(query, 'order_by', ORDER_BY, 'created_at');
			const descending = boolParam(query, 'descending', true);
			const grouped = boolParam(query, 'grouped', false);
			// Insertion order breaks ties, so equal timestamps still sort newest-last before reversing.
			let skills = app.state.skills
				.map((skill, index) => ({ skill, index }))
				.sort((a, b) => {
					const ka = sortKey(a.skill, orderBy);
					const kb = sortKey(b.skill, orderBy);
					return ka < kb ? -1 : ka > kb ? 1 : a.index - b.index;
				})
				.map(({ skill }) => skill);
			if (descending) skills.reverse();
			if (grouped)
				skills = skills.filter((skill) => findSkill(app.state, { name: skill.name }) === skill);
			return ok(skills.slice(offset, offset + limit).map(skillInfo));
		})
		.post('/skills/lookup', ({ app, body }) => {
			const input = validate(SkillLookupSchema, body);
			const version = input.skill_version ?? input.version ?? undefined;
			const skill = findSkill(app.state, { name: input.name, version });
			if (!skill) throw notFound('Skill');
			return ok(skillInfo(skill));
		})
		.post('/skills/create', ({ app, body }) => {
			const input = validate(SkillCreateSchema, body);
			const sources = (['file_id', 'prompt', 'session_id'] as const).filter((key) => input[key]);
			if (sources.length !== 1) {
				throw invalid(['body'], 'Exactly one of file_id, prompt or session_id must be provided');
			}
			let fields: SkillFields;
			let content: string;
			if (input.file_id) {
				if (!input.name) throw missing(['body', 'name']);
				if (!input.description) throw missing(['body', 'description']);
				const file = app.state.uploadedFile(input.file_id);
				if (!file) throw notFound('File');
				const instructions = `Instructions from ${file.filename}.`;
				fields = {
					name: input.name,
					description: input.description,
					instructions,
					bundle: file.data ?? undefined,
				};
				content = `file:${file.md5}`;
			} else if (input.prompt) {
				fields = {
					name: input.name || slug(input.prompt),
					description: input.description || input.prompt.slice(0, 255),
					instructions: input.prompt,
					json_schema: input.json_schema,
				};
				content = `prompt:${JSON.stringify([input.prompt, input.json_schema ?? null])}`;
			} else {
				const session = app.state.sessions.get(input.session_id ?? '');
				if (!session) throw new HttpError(404, 'Session not found');
				fields = {
					name: input.name || slug(session.firstUserText),
					description: input.description || `Built from chat session ${session.id}`,
					instructions: `Replay of: ${session.firstUserText}`,
				};
				content = `session:${session.id}:${session.turns}`;
			}
			// Content is deduplicated by hash, as on the server.
			const contentHash = createHash('sha256').update(content).digest('hex');
			const existing = app.state.skills.find((s) => s.contentHash === contentHash);
			if (existing) return ok(skillInfo(existing));
			return ok(
				skillInfo(addSkill(app.state, { ...fields, is_public: input.is_public, contentHash })),
			);
		})
		.get('/skills/:id', ({ app, params }) => {
			const skill = app.state.skills.find((s) => s.id === params.id);
			if (!skill) throw notFound('Skill');
			return ok(skillInfo(skill));
		})
		.post('/skills/:id/update', ({ app, params, body }) => {
			const input = validate(SkillUpdateSchema, body);
			const current = app.state.skills.find((s) => s.id === params.id);
			if (!current) throw notFound('Skill');
			const file = input.file_id ? app.state.uploadedFile(input.file_id) : undefined;
			if (input.file_id && !file) throw notFound('File');
			const description = input.description ?? current.description;
			const next = addSkill(app.state, {
				name: current.name,
				description,
				instructions: `Updated ${current.name}.`,
				json_schema: current.json_schema,
				is_public: current.is_public,
				bundle: file?.data ?? undefined,
			});
			return ok(skillInfo(next));
		})
		.get('/skills/:id/download', ({ app, params }) => {
			const skill = app.state.skills.find((s) => s.id === params.id);
			if (!skill) throw notFound('Skill');
			return ok({ download_url: app.state.blobUrl(`skill-${skill.id}`), expires_in: 3600 });
		});
}

export function seedSkills(state: EmulatorState): void {
	addSkill(state, {
		name: 'invoice-extraction',
		description: 'Extract vendor, line items, and totals from invoices',
		instructions: '# Invoice Extraction\nExtract the invoice id, customer, items and totals.',
		json_schema: domainSchema('document.invoice'),
		version: '20260326-a481daf0',
	});
	addSkill(state, {
		name: 'receipt-extraction',
		description: 'Extract vendor, line items, and totals from receipt images',
		instructions: '# Receipt Extraction\nExtract merchant, items and totals.',
		json_schema: domainSchema('document.receipt'),
		version: '20260219-0c0ffee1',
	});
}

import { invalid, missing, notFound } from '../http';
import { enumError } from '../query';
import type { Usage } from '../jobs';
import type { AgentSkill } from '../schemas';
import type { EmulatorState, SkillRecord } from '../state';

/** Any prompt, filename or URL containing this word makes the job fail (reference §11.4). */
export const FAIL_WORD = 'emulator-fail';

export const mentionsFailure = (text: string | null | undefined) =>
	!!text && text.includes(FAIL_WORD);

export function usage(
	elements: number | null,
	elementType: string | null,
	credits: number,
	steps: number | null = null,
): Usage {
	return {
		elements_processed: elements,
		element_type: elementType,
		credits_used: credits,
		steps,
		message: null,
		duration_seconds: 0,
	};
}

/** Latest version of a skill by id or name, or a pinned `skill_version`. */
export function findSkill(
	state: EmulatorState,
	key: { id?: string; name?: string; version?: string },
): SkillRecord | undefined {
	if (key.id) {
		const byId = state.skills.find((s) => s.id === key.id);
		if (byId) return byId;
	}
	const name = key.name ?? key.id;
	const versions = state.skills.filter((s) => s.name === name);
	if (!key.version || key.version === 'latest') return versions[versions.length - 1];
	return versions.find((s) => s.skill_version === key.version);
}

/**
 * Applies the AgentSkill rules of reference §5.6 and returns the stored skills referenced.
 * Inline skills are accepted but not persisted, so they resolve to nothing.
 */
export function resolveSkills(
	state: EmulatorState,
	skills: AgentSkill[] | null | undefined,
	loc: Array<string | number>,
): SkillRecord[] {
	const resolved: SkillRecord[] = [];
	(skills ?? []).forEach((skill, index) => {
		const at = [...loc, index];
		if (skill.type === 'inline') {
			if (!skill.source?.data && !skill.bundle) throw missing([...at, 'source', 'data']);
			if (skill.skill_id || skill.skill_name) {
				throw invalid(at, 'inline skills must not set skill_id or skill_name');
			}
			return;
		}
		if (!skill.skill_id && !skill.skill_name) {
			throw invalid(at, 'At least one of skill_id or skill_name is required');
		}
		const found = findSkill(state, {
			id: skill.skill_id ?? undefined,
			name: skill.skill_name ?? undefined,
			version: skill.skill_version ?? skill.version ?? undefined,
		});
		if (!found) throw notFound('Skill');
		resolved.push(found);
	});
	return resolved;
}

/** Output when no schema constrains it: says what was received, so tests can assert on it. */
export function genericOutput(
	label: string,
	details: Record<string, unknown>,
): Record<string, unknown> {
	return { summary: `Emulated result for ${label}.`, ...details };
}

export const PART_TYPES = [
	'text',
	'image_url',
	'video_url',
	'audio_url',
	'file_url',
	'input_file',
] as const;

export interface CheckedPart {
	type: string;
	/** Set when a referenced file or URL carries the fail marker. */
	failure: string | null;
}

/** Validates one MessageContent part (reference §5.3 and §6); referenced files must exist. */
export function checkContentPart(
	state: EmulatorState,
	part: Record<string, unknown>,
	loc: Array<string | number>,
): CheckedPart {
	const type = part.type;
	if (typeof type !== 'string' || !(PART_TYPES as readonly string[]).includes(type)) {
		throw enumError([...loc, 'type'], PART_TYPES);
	}
	if (type === 'text') {
		if (typeof part.text !== 'string') throw missing([...loc, 'text']);
		return { type, failure: null };
	}
	if (type === 'input_file' && typeof part.file_id === 'string') {
		const file = state.uploadedFile(part.file_id);
		if (!file) throw notFound('File');
		return {
			type,
			failure: mentionsFailure(file.filename)
				? `file ${file.filename} is marked ${FAIL_WORD}`
				: null,
		};
	}
	const holder = (type === 'input_file' ? part.file_url : part[type]) as
		| { url?: unknown }
		| undefined;
	if (typeof holder?.url !== 'string') {
		throw missing(type === 'input_file' ? [...loc, 'file_id'] : [...loc, type, 'url']);
	}
	return {
		type,
		failure: mentionsFailure(holder.url) ? `${type} URL contains ${FAIL_WORD}` : null,
	};
}

export const isPart = (value: unknown): value is Record<string, unknown> =>
	value !== null &&
	typeof value === 'object' &&
	!Array.isArray(value) &&
	typeof (value as { type?: unknown }).type === 'string';

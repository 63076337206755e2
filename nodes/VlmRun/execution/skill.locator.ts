import type {
	IDataObject,
	IExecuteFunctions,
	INodeParameterResourceLocator,
	INodeProperties,
} from 'n8n-workflow';

import { describeFiles, selectBinaryFields, type InputFile } from '../shared/binary';
import { inputError } from '../shared/errors';
import { extensionOf } from '../shared/media';
import { lookupSkill } from '../shared/skills';
import { apiRequest } from '../shared/transport';

export const skillLocatorProperty: INodeProperties = {
	displayName: 'Skill',
	name: 'skill',
	type: 'resourceLocator',
	default: { mode: 'list', value: '' },
	required: true,
	modes: [
		{
			displayName: 'From List',
			name: 'list',
			type: 'list',
			typeOptions: { searchListMethod: 'searchSkills', searchable: true },
		},
		{
			displayName: 'By Name',
			name: 'name',
			type: 'string',
			placeholder: 'e.g. invoice-extraction',
		},
		{
			displayName: 'By ID',
			name: 'id',
			type: 'string',
			placeholder: 'e.g. 9b2f4c1e-7a3d-4e5f-8a9b-0c1d2e3f4a5b',
		},
	],
};

export const skillVersionProperty: INodeProperties = {
	displayName: 'Version',
	name: 'skillVersion',
	type: 'string',
	default: '',
	placeholder: 'e.g. 20260326-a481daf0',
	description:
		'A pinned version when the skill is picked by name; leave empty for the latest version',
};

export const bundleFieldProperty: INodeProperties = {
	displayName: 'Input Binary Field',
	name: 'binaryPropertyName',
	type: 'string',
	default: 'data',
	required: true,
	hint: 'The binary field holding the skill bundle (.zip with a SKILL.md at its root)',
};

export interface SkillTarget {
	by: 'id' | 'name';
	value: string;
	version?: string;
}

/** Reads the skill locator without any network call. */
export function readSkillTarget(ctx: IExecuteFunctions, i: number): SkillTarget {
	const locator = ctx.getNodeParameter('skill', i) as INodeParameterResourceLocator;
	const value = String(locator?.value ?? '').trim();
	if (!value) {
		throw inputError(
			ctx.getNode(),
			i,
			'No skill is selected',
			'Pick a skill from the list, or enter its name or ID.',
		);
	}
	const version = String(ctx.getNodeParameter('skillVersion', i, '') ?? '').trim() || undefined;
	return { by: locator.mode === 'id' ? 'id' : 'name', value, version };
}

/** The SkillInfo of the target: GET by ID, or a lookup by name and version. */
export async function resolveSkill(
	ctx: IExecuteFunctions,
	i: number,
	target: SkillTarget,
): Promise<IDataObject> {
	if (target.by === 'name') return await lookupSkill(ctx, i, target.value, target.version);
	return (await apiRequest(ctx, {
		method: 'GET',
		path: `/skills/${encodeURIComponent(target.value)}`,
		itemIndex: i,
		resource: 'skill',
		names: { skill: target.value },
	})) as IDataObject;
}

const ZIP_TYPES = ['application/zip', 'application/x-zip-compressed', 'application/x-zip'];

/** The skill bundle of the item, checked to be a .zip before anything is uploaded. */
export async function readBundle(ctx: IExecuteFunctions, i: number): Promise<InputFile> {
	const field = ctx.getNodeParameter('binaryPropertyName', i) as string;
	const [file] = await describeFiles(ctx, i, selectBinaryFields(ctx, i, 'fields', field));
	if (file.size === 0) {
		throw inputError(
			ctx.getNode(),
			i,
			`The skill bundle "${file.fileName}" in binary field "${file.property}" is empty`,
			'The previous node produced a file with no content. Check where the file comes from.',
		);
	}
	if (!ZIP_TYPES.includes(file.mimeType) && extensionOf(file.fileName) !== 'zip') {
		throw inputError(
			ctx.getNode(),
			i,
			`The file "${file.fileName}" is not a skill bundle`,
			'A skill bundle is a .zip of a folder with a SKILL.md at its root. Compress the folder first, e.g. with the Compression node.',
		);
	}
	return file;
}

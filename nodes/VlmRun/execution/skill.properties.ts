import { updateDisplayOptions } from 'n8n-workflow';
import type { INodeProperties } from 'n8n-workflow';

import { outputSchemaProperties, promptProperty } from './config';
import { bundleFieldProperty } from './skill.locator';

const DESCRIPTION_HINT = 'What the skill does, in at most 255 characters';

export const createSkillProperties: INodeProperties[] = [
	{
		displayName: 'Create From',
		name: 'skillSource',
		type: 'options',
		options: [
			{
				name: 'Prompt',
				value: 'prompt',
				description: 'VLM Run writes the SKILL.md (and schema) from a description',
			},
			{
				name: 'Skill Bundle',
				value: 'bundle',
				description: 'A .zip of a skill folder with a SKILL.md',
			},
			{
				name: 'Chat Session',
				value: 'session',
				description: 'What was worked out in a VLM Run chat session',
			},
		],
		default: 'prompt',
	},
	...updateDisplayOptions({ show: { skillSource: ['prompt'] } }, [
		{
			...promptProperty,
			placeholder: 'e.g. Extract vendor, line items and totals from receipts',
			description: 'What the skill should do',
		},
		...outputSchemaProperties,
	]),
	{ ...bundleFieldProperty, displayOptions: { show: { skillSource: ['bundle'] } } },
	{
		displayName: 'Session ID',
		name: 'sessionId',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. {{ $json.vlmrun.sessionId }}',
		displayOptions: { show: { skillSource: ['session'] } },
	},
	{
		displayName: 'Name',
		name: 'skillName',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. receipt-extraction',
		displayOptions: { show: { skillSource: ['bundle'] } },
	},
	{
		displayName: 'Description',
		name: 'skillDescription',
		type: 'string',
		default: '',
		required: true,
		description: DESCRIPTION_HINT,
		displayOptions: { show: { skillSource: ['bundle'] } },
	},
	{
		displayName: 'Name',
		name: 'skillName',
		type: 'string',
		default: '',
		placeholder: 'e.g. receipt-extraction',
		description: 'Optional; VLM Run names the skill when empty',
		displayOptions: { show: { skillSource: ['prompt', 'session'] } },
	},
	{
		displayName: 'Description',
		name: 'skillDescription',
		type: 'string',
		default: '',
		description: `Optional; ${DESCRIPTION_HINT.toLowerCase()}`,
		displayOptions: { show: { skillSource: ['prompt', 'session'] } },
	},
];

import type { IExecuteFunctions } from 'n8n-workflow';

import { inputError } from './errors';

/** Reads a text parameter that must not be empty, failing with the item and a hint before any request. */
export function requiredText(
	ctx: IExecuteFunctions,
	itemIndex: number,
	name: string,
	label: string,
	hint: string,
): string {
	const value = String(ctx.getNodeParameter(name, itemIndex, '') ?? '').trim();
	if (!value)
		throw inputError(
			ctx.getNode(),
			itemIndex,
			`The parameter "${label}" is empty (item ${itemIndex})`,
			hint,
		);
	return value;
}

export function isHttpUrl(value: string): boolean {
	try {
		const { protocol } = new URL(value);
		return protocol === 'http:' || protocol === 'https:';
	} catch {
		return false;
	}
}

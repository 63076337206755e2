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
	if (!value) throw inputError(ctx.getNode(), itemIndex, `The parameter "${label}" is empty`, hint);
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

// Checked in our code, not with a `regex` validation on the field: n8n evaluates those with a
// 250 ms limit, which a busy worker exceeds, failing the execution with a timeout.
const DOMAIN_NAME = /^[a-z0-9-]+\.[a-z0-9.-]+$/;

/** A domain name as VLM Run spells it (e.g. document.invoice), or an input error saying what one looks like. */
export function checkDomain(ctx: IExecuteFunctions, itemIndex: number, domain: string): string {
	if (DOMAIN_NAME.test(domain)) return domain;
	throw inputError(
		ctx.getNode(),
		itemIndex,
		`"${domain}" is not a VLM Run domain name`,
		'A domain is a category and a name in lower case, separated by a dot, e.g. document.invoice or image.caption. Pick one from the list.',
	);
}

import { NodeOperationError } from 'n8n-workflow';
import type { IDataObject, IExecuteFunctions, IWebhookFunctions } from 'n8n-workflow';

/*
 * The "Needs Review If" condition is written against the extracted item ({{ $json.total > 10000 }}),
 * but n8n evaluates a node's expressions against its input item. The node therefore reads the
 * expression unevaluated and has n8n evaluate it with every `$json` replaced by the extracted item
 * written out as a literal, so the condition runs in n8n's own expression sandbox with all its
 * functions, on any n8n version.
 */

const JSON_REFERENCE = /(?<![\w$.])\$json\b/g;

/**
 * The item as a JavaScript literal that survives n8n's template handling: one key per line so that
 * no "}}" closes the expression early, braces inside strings escaped for the same reason, and no
 * ".constructor" that n8n's guard against constructor access would reject.
 */
export function itemLiteral(json: IDataObject): string {
	const text = JSON.stringify(json, null, 1);
	let out = '';
	let inString = false;
	for (let i = 0; i < text.length; i++) {
		const char = text[i];
		if (inString && char === '\\') {
			out += char + text[++i];
			continue;
		}
		if (char === '"') inString = !inString;
		out +=
			inString && (char === '{' || char === '}') ? `\\u00${char.charCodeAt(0).toString(16)}` : char;
	}
	return `(${out.replace(/\.(\s*constructor)/g, '\\u002e$1')})`;
}

export function conditionText(raw: string): string {
	return raw.startsWith('=') ? raw.slice(1) : raw;
}

/** True when the condition holds for the extracted item, i.e. the item needs a person's review. */
export function evaluateCondition(
	ctx: IExecuteFunctions | IWebhookFunctions,
	itemIndex: number,
	raw: string,
	json: IDataObject,
): boolean {
	const expression = conditionText(raw);
	const literal = itemLiteral(json);
	let result: unknown;
	try {
		result = ctx.evaluateExpression(
			expression.replace(JSON_REFERENCE, () => literal),
			itemIndex,
		);
	} catch (error) {
		throw new NodeOperationError(
			ctx.getNode(),
			`The review condition "${expression}" could not be evaluated: ${(error as Error).message}`,
			{
				itemIndex,
				description:
					'Fix the expression in Review Rules > Needs Review If. In it, $json is the extracted item, e.g. {{ $json.total > 10000 }}.',
			},
		);
	}
	if (result === true || result === 'true') return true;
	if (result === false || result === 'false' || result === null || result === undefined)
		return false;
	throw new NodeOperationError(
		ctx.getNode(),
		`The review condition "${expression}" gave ${JSON.stringify(result)}, not true or false`,
		{
			itemIndex,
			description:
				'Write a comparison that is true when the item needs review, e.g. {{ $json.total > 10000 }}.',
		},
	);
}

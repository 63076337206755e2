import { HttpError, unprocessable } from './http';

export type Query = Record<string, string>;

interface IntBounds {
	default: number;
	ge?: number;
	le?: number;
}

/** Query parsing with pydantic v1 wording, so clients see the same 422 texts as FastAPI sends. */
export function intParam(query: Query, name: string, bounds: IntBounds): number {
	const raw = query[name];
	if (raw === undefined || raw === '') return bounds.default;
	const loc = ['query', name];
	if (!/^-?\d+$/.test(raw.trim())) {
		throw unprocessable([{ loc, msg: 'value is not a valid integer', type: 'type_error.integer' }]);
	}
	const value = Number(raw);
	if (bounds.ge !== undefined && value < bounds.ge) {
		throw unprocessable([
			{
				loc,
				msg: `ensure this value is greater than or equal to ${bounds.ge}`,
				type: 'value_error.number.not_ge',
				ctx: { limit_value: bounds.ge },
			},
		]);
	}
	if (bounds.le !== undefined && value > bounds.le) {
		throw unprocessable([
			{
				loc,
				msg: `ensure this value is less than or equal to ${bounds.le}`,
				type: 'value_error.number.not_le',
				ctx: { limit_value: bounds.le },
			},
		]);
	}
	return value;
}

const TRUE_WORDS = ['1', 'true', 'on', 'yes', 't', 'y'];
const FALSE_WORDS = ['0', 'false', 'off', 'no', 'f', 'n'];

export function boolParam(
	query: Query,
	name: string,
	fallback: boolean,
	locRoot = 'query',
): boolean {
	const raw = query[name];
	if (raw === undefined || raw === '') return fallback;
	const word = raw.trim().toLowerCase();
	if (TRUE_WORDS.includes(word)) return true;
	if (FALSE_WORDS.includes(word)) return false;
	throw unprocessable([
		{
			loc: [locRoot, name],
			msg: 'value could not be parsed to a boolean',
			type: 'type_error.bool',
		},
	]);
}

export function enumParam<T extends string>(
	query: Query,
	name: string,
	allowed: readonly T[],
	fallback: T,
): T {
	const raw = query[name];
	if (raw === undefined || raw === '') return fallback;
	if ((allowed as readonly string[]).includes(raw)) return raw as T;
	throw enumError(['query', name], allowed);
}

export function enumError(loc: Array<string | number>, allowed: readonly string[]): HttpError {
	return unprocessable([
		{
			loc,
			msg: `value is not a valid enumeration member; permitted: ${allowed.map((v) => `'${v}'`).join(', ')}`,
			type: 'type_error.enum',
			ctx: { enum_values: [...allowed] },
		},
	]);
}

/** skip/limit pagination shared by /files, /predictions and /agent/executions. */
export function paginate<T>(items: T[], query: Query): T[] {
	const skip = intParam(query, 'skip', { default: 0, ge: 0 });
	const limit = intParam(query, 'limit', { default: 10, ge: 1, le: 1000 });
	return items.slice(skip, skip + limit);
}

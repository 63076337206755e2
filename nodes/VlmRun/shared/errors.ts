import { NodeApiError, NodeOperationError } from 'n8n-workflow';
import type { INode, JsonObject } from 'n8n-workflow';

export interface ApiFailure {
	status: number;
	body: unknown;
	method: string;
	path: string;
	itemIndex?: number;
	resource?: string;
	/** The names or IDs the call is about, by kind (e.g. { domain: 'document.invoice' }), for a 404. */
	names?: Record<string, string>;
}

/**
 * A response body as text or JSON. Downloads (artifacts, skill bundles) arrive as bytes, and
 * VLM Run's JSON error inside them is read like any other.
 */
export function decodeBody(body: unknown): unknown {
	let bytes: Buffer | undefined;
	if (Buffer.isBuffer(body)) bytes = body;
	else if (body instanceof ArrayBuffer) bytes = Buffer.from(body);
	else if (ArrayBuffer.isView(body))
		bytes = Buffer.from(body.buffer, body.byteOffset, body.byteLength);
	if (!bytes) return body;
	const text = bytes.toString('utf8');
	try {
		return JSON.parse(text) as unknown;
	} catch {
		return text;
	}
}

/** Renders VLM Run's FastAPI `detail` (a string, or a list of validation errors) as plain text. */
export function renderDetail(body: unknown): string | undefined {
	if (!body || typeof body !== 'object') {
		return typeof body === 'string' && body.trim() !== '' ? body.trim().slice(0, 500) : undefined;
	}
	const record = body as Record<string, unknown>;
	const detail = record.detail ?? record.message ?? record.error;
	if (typeof detail === 'string') return detail;
	if (Array.isArray(detail)) {
		return detail
			.map((entry) => {
				if (!entry || typeof entry !== 'object') return String(entry);
				const { loc, msg } = entry as { loc?: unknown; msg?: unknown };
				const field = Array.isArray(loc) ? loc.filter((part) => part !== 'body').join('.') : '';
				return field ? `${field}: ${String(msg)}` : String(msg);
			})
			.join('; ');
	}
	if (detail && typeof detail === 'object') return JSON.stringify(detail);
	return undefined;
}

// A 404 on a call that names several things (a generate call names a file and a domain) is
// about whichever one VLM Run's detail names, e.g. "Domain not found".
function missingThing(failure: ApiFailure): string {
	const named = /^([A-Za-z][A-Za-z ]{0,30}) not found\b/.exec(renderDetail(failure.body) ?? '');
	return named ? named[1].toLowerCase() : (failure.resource ?? 'resource');
}

function headline(failure: ApiFailure): { message: string; fix: string } {
	const what = failure.status === 404 ? missingThing(failure) : (failure.resource ?? 'resource');
	const name = failure.names?.[what];
	switch (failure.status) {
		case 401:
		case 403:
			return {
				message: 'VLM Run rejected the API key',
				fix: 'Check the API key and the Base URL in the VLM Run API credential.',
			};
		case 402:
			return {
				message: 'The VLM Run account has no credits left',
				fix: 'Add credits or upgrade the plan in the VLM Run dashboard, then run the workflow again.',
			};
		case 404:
			return {
				message: name
					? `The ${what} "${name}" was not found on VLM Run`
					: `The ${what} was not found on VLM Run`,
				fix:
					what === 'domain'
						? 'Check the domain name, or pick one from the list of domains.'
						: `Check the ${what} ID (and that it belongs to the account of this API key).`,
			};
		case 422:
		case 400:
			return {
				message: 'VLM Run did not accept the request',
				fix: 'Fix the parameters named below and run again.',
			};
		case 413:
			return {
				message: 'The request is too large for VLM Run',
				fix: 'Send a smaller or compressed file, split the document, or pass a public link instead (Input: URLs).',
			};
		case 429:
			return {
				message: 'VLM Run is rate limiting this account',
				fix: 'The node already waited and retried. Lower Max Concurrent Requests, spread the items over time, or ask VLM Run for a higher limit.',
			};
		default:
			return failure.status >= 500
				? {
						message: `VLM Run had a server problem (HTTP ${failure.status})`,
						fix: 'This is usually temporary. Run the workflow again, or enable Retry On Fail in the node settings.',
					}
				: {
						message: `VLM Run answered HTTP ${failure.status}`,
						fix: 'Check the node parameters.',
					};
	}
}

/** Turns a VLM Run error response into a NodeApiError whose message says what happened and whose description says how to fix it. */
export function apiError(node: INode, received: ApiFailure): NodeApiError {
	const failure = { ...received, body: decodeBody(received.body) };
	const { message, fix } = headline(failure);
	const detail = renderDetail(failure.body);
	const description = [
		fix,
		detail ? `VLM Run said: ${detail}` : undefined,
		`(${failure.method} ${failure.path}, HTTP ${failure.status})`,
	]
		.filter(Boolean)
		.join(' ');
	const body =
		failure.body && typeof failure.body === 'object'
			? (failure.body as JsonObject)
			: ({ detail: detail ?? '' } as JsonObject);
	return new NodeApiError(node, body, {
		message,
		description,
		httpCode: String(failure.status),
		itemIndex: failure.itemIndex,
	});
}

/** An error for invalid node input, raised before anything is sent to VLM Run. */
export function inputError(
	node: INode,
	itemIndex: number,
	message: string,
	description: string,
): NodeOperationError {
	return new NodeOperationError(node, message, { itemIndex, description });
}

import { apiError, renderDetail } from '../../../nodes/VlmRun/shared/errors';
import { testNode } from '../fakeContext';

describe('renderDetail', () => {
	it('renders a string detail', () => {
		expect(renderDetail({ detail: 'Invalid file type' })).toBe('Invalid file type');
	});

	it('renders FastAPI validation lists as field: message', () => {
		expect(
			renderDetail({
				detail: [
					{ loc: ['body', 'file_id'], msg: 'field required', type: 'value_error.missing' },
					{ loc: ['body', 'config', 'detail'], msg: 'unexpected value', type: 'value_error' },
				],
			}),
		).toBe('file_id: field required; config.detail: unexpected value');
	});

	it('returns undefined when there is nothing to say', () => {
		expect(renderDetail({})).toBeUndefined();
		expect(renderDetail(null)).toBeUndefined();
	});
});

describe('apiError', () => {
	const base = { method: 'POST', path: '/document/generate', itemIndex: 2 };

	it('says what happened and how to fix it, with VLM Run detail, code and item', () => {
		const error = apiError(testNode, {
			...base,
			status: 422,
			body: { detail: [{ loc: ['body', 'domain'], msg: 'field required' }] },
		});
		expect(error.message).toBe('VLM Run did not accept the request');
		expect(error.description).toContain('VLM Run said: domain: field required');
		expect(error.description).toContain('HTTP 422');
		expect(error.httpCode).toBe('422');
		expect(error.context.itemIndex).toBe(2);
	});

	it.each([
		[401, 'VLM Run rejected the API key', 'Check the API key and the Base URL'],
		[402, 'The VLM Run account has no credits left', 'Add credits'],
		[429, 'VLM Run is rate limiting this account', 'Lower Max Concurrent Requests'],
		[503, 'VLM Run had a server problem (HTTP 503)', 'usually temporary'],
	])('maps HTTP %i', (status, message, fix) => {
		const error = apiError(testNode, { ...base, status, body: { detail: 'x' } });
		expect(error.message).toBe(message);
		expect(error.description).toContain(fix);
	});

	it('names what VLM Run says is missing when a call names several things', () => {
		const error = apiError(testNode, {
			...base,
			status: 404,
			body: { detail: 'Domain not found' },
			resource: 'file',
			names: { domain: 'document.nope', file: 'file-1' },
		});
		expect(error.message).toBe('The domain "document.nope" was not found on VLM Run');
		expect(error.description).toMatch(/^Check the domain name, or pick one from the list/);
	});

	it('keeps the detail of an error that arrived as bytes (a download)', () => {
		const bytes = new TextEncoder().encode(JSON.stringify({ detail: 'Artifact not found' }));
		const error = apiError(testNode, {
			...base,
			status: 404,
			body: bytes.buffer,
			resource: 'artifact',
			names: { artifact: 'img_abc123' },
		});
		expect(error.message).toBe('The artifact "img_abc123" was not found on VLM Run');
		expect(error.description).toContain('VLM Run said: Artifact not found');
	});

	it('keeps a plain-text error that arrived as bytes', () => {
		const error = apiError(testNode, {
			...base,
			status: 500,
			body: Buffer.from('upstream storage timeout'),
		});
		expect(error.description).toContain('VLM Run said: upstream storage timeout');
	});

	it('names the missing resource on 404', () => {
		const error = apiError(testNode, {
			...base,
			status: 404,
			body: { detail: 'Prediction not found' },
			resource: 'prediction',
		});
		expect(error.message).toBe('The prediction was not found on VLM Run');
		expect(error.description).toContain('Prediction not found');
	});
});

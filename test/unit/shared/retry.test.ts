import {
	DEFAULT_RETRY_POLICY,
	findErrorCode,
	isRetryable,
	parseRetryAfter,
	retryDelay,
} from '../../../nodes/VlmRun/shared/retry';

describe('isRetryable', () => {
	it.each([429, 500, 502, 503, 504])('retries a read that got %i', (status) => {
		expect(isRetryable('read', { status })).toBe(true);
	});

	it.each([400, 401, 402, 404, 422, 501])('does not retry a read that got %i', (status) => {
		expect(isRetryable('read', { status })).toBe(false);
	});

	it('retries a job-creating call only on 429', () => {
		expect(isRetryable('create', { status: 429 })).toBe(true);
		for (const status of [500, 502, 503, 504])
			expect(isRetryable('create', { status })).toBe(false);
	});

	it('retries a job-creating call after a connection that never opened, never after one that may have delivered it', () => {
		expect(isRetryable('create', { errorCode: 'ECONNREFUSED' })).toBe(true);
		expect(isRetryable('create', { errorCode: 'ENOTFOUND' })).toBe(true);
		expect(isRetryable('create', { errorCode: 'ECONNRESET' })).toBe(false);
		expect(isRetryable('create', { errorCode: 'ETIMEDOUT' })).toBe(false);
		expect(isRetryable('create', { errorCode: 'ECONNABORTED' })).toBe(false);
	});

	it('retries a read after any connection failure', () => {
		expect(isRetryable('read', { errorCode: 'ECONNRESET' })).toBe(true);
		expect(isRetryable('read', { errorCode: 'ETIMEDOUT' })).toBe(true);
	});
});

describe('parseRetryAfter', () => {
	it('reads seconds', () => {
		expect(parseRetryAfter('3')).toBe(3000);
		expect(parseRetryAfter('0.5')).toBe(500);
	});

	it('reads an HTTP date relative to now', () => {
		const now = Date.parse('2026-01-01T00:00:00Z');
		expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:07 GMT', now)).toBe(7000);
		expect(parseRetryAfter('Wed, 31 Dec 2025 23:59:00 GMT', now)).toBe(0);
	});

	it('ignores absent and garbage values', () => {
		expect(parseRetryAfter(undefined)).toBeUndefined();
		expect(parseRetryAfter('')).toBeUndefined();
		expect(parseRetryAfter('soon')).toBeUndefined();
	});
});

describe('retryDelay', () => {
	const policy = DEFAULT_RETRY_POLICY;

	it('grows exponentially with jitter between half and the full step', () => {
		expect(retryDelay(1, policy, undefined, () => 0)).toBe(policy.baseDelayMs / 2);
		expect(retryDelay(1, policy, undefined, () => 1)).toBe(policy.baseDelayMs);
		expect(retryDelay(3, policy, undefined, () => 1)).toBe(policy.baseDelayMs * 4);
	});

	it('never exceeds the cap', () => {
		expect(retryDelay(30, policy, undefined, () => 1)).toBe(policy.maxDelayMs);
	});

	it('waits at least what Retry-After asks, within the cap', () => {
		expect(retryDelay(1, policy, 4000, () => 0)).toBe(4000);
		expect(retryDelay(1, policy, 10 * 60_000, () => 0)).toBe(policy.maxDelayMs);
	});
});

describe('findErrorCode', () => {
	it('finds a code in the cause chain', () => {
		const root = Object.assign(new Error('socket'), { code: 'ECONNRESET' });
		expect(findErrorCode({ message: 'wrapped', cause: { cause: root } })).toBe('ECONNRESET');
	});

	it('ignores codes that are not errno names', () => {
		expect(findErrorCode({ code: 404 })).toBeUndefined();
		expect(findErrorCode(new Error('plain'))).toBeUndefined();
	});
});

import { createHmac } from 'node:crypto';

import { verifySignature } from '../../../nodes/VlmRun/shared/signature';

// The reference's test vector (vlmrun-api.md §7): exact body bytes, no trailing newline.
const SIGNER = 'test_webhook_secret_12345';
const BODY = '{"id":"pred_123","status":"completed","response":{"data":"test"}}';
const HEADER = 'sha256=9cf4ae2f706ed597319ff9d4d671a58e5dac788f699ae6606c3bf8bd9539c086';

describe('verifySignature', () => {
	it('accepts the reference test vector, from a string or from the raw bytes', () => {
		expect(verifySignature(BODY, HEADER, SIGNER)).toBe(true);
		expect(verifySignature(Buffer.from(BODY, 'utf8'), HEADER, SIGNER)).toBe(true);
	});

	it('accepts the digest in uppercase hex (the prefix stays lowercase)', () => {
		const upper = `sha256=${HEADER.slice('sha256='.length).toUpperCase()}`;
		expect(verifySignature(BODY, upper, SIGNER)).toBe(true);
	});

	it('rejects a tampered body, even one that parses to the same JSON', () => {
		expect(verifySignature(BODY.replace('pred_123', 'pred_124'), HEADER, SIGNER)).toBe(false);
		expect(verifySignature(`${BODY}\n`, HEADER, SIGNER)).toBe(false);
		expect(verifySignature(JSON.stringify(JSON.parse(BODY), null, 1), HEADER, SIGNER)).toBe(false);
	});

	it('rejects a signature made with another secret', () => {
		const other = `sha256=${createHmac('sha256', 'another_secret').update(BODY).digest('hex')}`;
		expect(verifySignature(BODY, other, SIGNER)).toBe(false);
		expect(verifySignature(BODY, HEADER, 'test_webhook_secret_1234')).toBe(false);
	});

	it('rejects a wrong or differently cased prefix, and a bare digest', () => {
		const digest = HEADER.slice('sha256='.length);
		for (const header of [
			`SHA256=${digest}`,
			`sha1=${digest}`,
			`sha256:${digest}`,
			` sha256=${digest}`,
			digest,
		]) {
			expect(verifySignature(BODY, header, SIGNER)).toBe(false);
		}
	});

	it('rejects a missing header, a header list and an empty secret', () => {
		expect(verifySignature(BODY, undefined, SIGNER)).toBe(false);
		expect(verifySignature(BODY, '', SIGNER)).toBe(false);
		expect(verifySignature(BODY, [HEADER], SIGNER)).toBe(false);
		expect(verifySignature(BODY, HEADER, '')).toBe(false);
	});

	it('rejects bad hex and wrong lengths without throwing', () => {
		const digest = HEADER.slice('sha256='.length);
		for (const bad of [
			'sha256=',
			`sha256=${digest.slice(0, 63)}`,
			`sha256=${digest}0`,
			`sha256=${digest}00`,
			`sha256=${digest.slice(0, 62)}zz`,
			`sha256=${digest.slice(0, 32)}`,
			`sha256=${'g'.repeat(64)}`,
		]) {
			expect(() => verifySignature(BODY, bad, SIGNER)).not.toThrow();
			expect(verifySignature(BODY, bad, SIGNER)).toBe(false);
		}
	});
});

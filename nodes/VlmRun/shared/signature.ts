import { createHmac, timingSafeEqual } from 'crypto';

/** The header VLM Run signs callbacks with, lower-cased as Node's HTTP server presents it. */
export const SIGNATURE_HEADER = 'x-vlmrun-signature';

const PREFIX = 'sha256=';
const SHA256_HEX = /^[0-9a-f]{64}$/i;

/**
 * Checks an `X-VLMRun-Signature` header against the raw request body. The digest is compared as
 * bytes in constant time, so the hex may be in either case; the `sha256=` prefix must be exact.
 * A missing secret, a missing or malformed header, or a wrong digest all give false.
 */
export function verifySignature(
	rawBody: Buffer | string,
	header: string | string[] | undefined,
	secret: string,
): boolean {
	if (!secret || typeof header !== 'string' || !header.startsWith(PREFIX)) return false;
	const received = header.slice(PREFIX.length);
	if (!SHA256_HEX.test(received)) return false;
	const expected = createHmac('sha256', secret).update(rawBody).digest();
	return timingSafeEqual(Buffer.from(received, 'hex'), expected);
}

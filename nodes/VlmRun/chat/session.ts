import { createHash } from 'crypto';

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

// Fixed forever: changing it would move every existing named conversation to a new VLM Run session.
const SESSION_NAMESPACE = '3f1d8a52-6c0e-4b7a-9e25-7d4c1b9f0a63';

export function isUuid(value: string): boolean {
	return UUID_PATTERN.test(value);
}

/** A name-based (version 5, SHA-1) UUID as RFC 4122 §4.3 defines it. */
export function nameBasedUuid(namespace: string, name: string): string {
	const hash = createHash('sha1')
		.update(Buffer.from(namespace.replace(/-/g, ''), 'hex'))
		.update(Buffer.from(name, 'utf8'))
		.digest();
	const bytes = hash.subarray(0, 16);
	bytes[6] = (bytes[6] & 0x0f) | 0x50;
	bytes[8] = (bytes[8] & 0x3f) | 0x80;
	const hex = bytes.toString('hex');
	return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * VLM Run keys sessions by UUID. A UUID (such as the Chat Trigger's) is used as is; any other
 * session key (a phone number, a ticket id) always maps to the same UUID, so its history is kept.
 */
export function toSessionUuid(sessionKey: string): string | undefined {
	const key = sessionKey.trim();
	if (key === '') return undefined;
	return isUuid(key) ? key : nameBasedUuid(SESSION_NAMESPACE, key);
}

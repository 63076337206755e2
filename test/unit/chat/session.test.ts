import { isUuid, nameBasedUuid, toSessionUuid } from '../../../nodes/VlmRun/chat/session';

const DNS_NAMESPACE = '6ba7b810-9dad-11d1-80b4-00c04fd430c8';

describe('nameBasedUuid', () => {
	it('matches the RFC 4122 version 5 vectors (DNS namespace)', () => {
		expect(nameBasedUuid(DNS_NAMESPACE, 'www.example.com')).toBe(
			'2ed6657d-e927-568b-95e1-2665a8aea6a2',
		);
		expect(nameBasedUuid(DNS_NAMESPACE, 'python.org')).toBe('886313e1-3b8a-5372-9b90-0c9aee199e5d');
	});

	it('sets the version and variant bits', () => {
		const uuid = nameBasedUuid(DNS_NAMESPACE, 'anything');
		expect(uuid[14]).toBe('5');
		expect(['8', '9', 'a', 'b']).toContain(uuid[19]);
	});
});

describe('toSessionUuid', () => {
	it('keeps a UUID exactly as given', () => {
		expect(toSessionUuid('550e8400-e29b-41d4-a716-446655440000')).toBe(
			'550e8400-e29b-41d4-a716-446655440000',
		);
		expect(toSessionUuid('550E8400-E29B-41D4-A716-446655440000')).toBe(
			'550E8400-E29B-41D4-A716-446655440000',
		);
	});

	it('maps any other key to the same UUID every time, and different keys to different UUIDs', () => {
		const first = toSessionUuid('customer-42');
		expect(first).toBeDefined();
		expect(isUuid(first as string)).toBe(true);
		expect(toSessionUuid('customer-42')).toBe(first);
		expect(toSessionUuid('  customer-42 ')).toBe(first);
		expect(toSessionUuid('customer-43')).not.toBe(first);
		expect(toSessionUuid('+49 170 1234567')).toMatch(
			/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
		);
	});

	it('treats an empty key as no session', () => {
		expect(toSessionUuid('')).toBeUndefined();
		expect(toSessionUuid('   ')).toBeUndefined();
	});
});

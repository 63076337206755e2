import { HttpError } from './http';

/** Requests per minute with a burst, per API key; null switches the limit off. */
export interface RateLimit {
	perMinute: number;
	burst: number;
	/** Whether a 429 says when to come back; the real header is unconfirmed (reference §9). */
	retryAfter: boolean;
}

interface Bucket {
	tokens: number;
	at: number;
}

/**
 * A token bucket per API key, the usual shape of an API gateway's limit: `burst` requests at
 * once, then one every 60 / perMinute seconds. A refused request takes no token.
 */
export class RateLimiter {
	private readonly buckets = new Map<string, Bucket>();

	private limit: RateLimit | null = null;

	configure(limit: RateLimit | null): void {
		this.limit = limit;
		this.buckets.clear();
	}

	/** Takes a token for the key or throws the 429 VLM Run would answer. */
	take(key: string, now = Date.now()): void {
		const limit = this.limit;
		if (!limit) return;
		const perMs = limit.perMinute / 60_000;
		const bucket = this.buckets.get(key) ?? { tokens: limit.burst, at: now };
		bucket.tokens = Math.min(limit.burst, bucket.tokens + (now - bucket.at) * perMs);
		bucket.at = now;
		this.buckets.set(key, bucket);
		if (bucket.tokens >= 1) {
			bucket.tokens -= 1;
			return;
		}
		const waitSeconds = Math.max(1, Math.ceil((1 - bucket.tokens) / perMs / 1000));
		throw new HttpError(
			429,
			'Rate limit exceeded',
			limit.retryAfter ? { 'Retry-After': String(waitSeconds) } : {},
		);
	}
}

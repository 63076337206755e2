/* eslint-disable @n8n/community-nodes/no-restricted-imports */
import { STATUS_CODES } from 'node:http';

import { pathMatches } from './http';
import type { FaultMix, FaultSpec } from './types';

export type FaultAction =
	| { kind: 'respond'; status: number; body: unknown; headers: Record<string, string> }
	| { kind: 'reset' }
	| { kind: 'malformed'; status: number };

export interface FaultDecision {
	delayMs: number;
	action: FaultAction | null;
}

const DETAILS: Record<number, string> = {
	429: 'Rate limit exceeded',
	500: 'Internal server error',
};

export const errorDetail = (status: number) => DETAILS[status] ?? STATUS_CODES[status] ?? 'Error';

/** Looks like the start of a real answer, then stops mid-string: exercises JSON.parse failures. */
export const MALFORMED_BODY = '{"id":"6f1c1c3e-1b4e-4c2a-9d1e-7a0b","status":"compl';

/** mulberry32: tiny, seedable, and good enough to spread faults evenly. */
function seededRandom(seed: number): () => number {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

interface ScriptedFault extends FaultSpec {
	remaining: number;
}

export class FaultInjector {
	private scripted: ScriptedFault[] = [];
	private mix: FaultMix | null = null;
	private random: () => number = Math.random;
	private getCount = 0;
	private malformedAtGet: number | null = null;

	add(spec: FaultSpec): void {
		this.scripted.push({ ...spec, remaining: spec.count ?? 1 });
	}

	clear(): void {
		this.scripted = [];
	}

	setMix(mix: FaultMix | null): void {
		this.mix = mix;
		this.getCount = 0;
		this.random = mix ? seededRandom(mix.seed) : Math.random;
		// The malformed GET is picked from the seed rather than fixed, yet stays reproducible.
		this.malformedAtGet = mix?.malformedOnce ? 1 + Math.floor(this.random() * 5) : null;
	}

	/** Called for job creations; `rateJobFail` shares the seeded stream with request faults. */
	shouldFailJob(): boolean {
		const rate = this.mix?.rateJobFail ?? 0;
		return rate > 0 && this.random() < rate;
	}

	decide(method: string, path: string, isApi: boolean): FaultDecision | null {
		const scripted = this.scripted.find(
			(f) => (!f.method || f.method.toUpperCase() === method) && pathMatches(f.path, path),
		);
		if (scripted) {
			scripted.remaining -= 1;
			if (scripted.remaining <= 0) this.scripted = this.scripted.filter((f) => f !== scripted);
			return { delayMs: scripted.delayMs ?? 0, action: scriptedAction(scripted, method) };
		}
		return isApi && this.mix ? this.fromMix(this.mix, method) : null;
	}

	private fromMix(mix: FaultMix, method: string): FaultDecision | null {
		const read = method === 'GET' || method === 'HEAD' || method === 'DELETE';
		// Every applicable draw is taken on every call, so one decision never shifts the next.
		const r429 = mix.rate429 ? this.random() : 1;
		const r503 = read && mix.rate503Reads ? this.random() : 1;
		const rReset = method === 'GET' && mix.rateResetReads ? this.random() : 1;
		if (method === 'GET') this.getCount += 1;
		const retryAfter = { 'Retry-After': String(mix.retryAfterSeconds ?? 1) };
		if (r429 < (mix.rate429 ?? 0)) return respond(429, retryAfter);
		if (r503 < (mix.rate503Reads ?? 0)) return respond(503, retryAfter);
		if (rReset < (mix.rateResetReads ?? 0)) return { delayMs: 0, action: { kind: 'reset' } };
		if (method === 'GET' && this.malformedAtGet !== null && this.getCount >= this.malformedAtGet) {
			this.malformedAtGet = null;
			return { delayMs: 0, action: { kind: 'malformed', status: 200 } };
		}
		return null;
	}
}

function respond(status: number, headers: Record<string, string>): FaultDecision {
	return {
		delayMs: 0,
		action: { kind: 'respond', status, body: { detail: errorDetail(status) }, headers },
	};
}

function scriptedAction(fault: FaultSpec, method: string): FaultAction | null {
	if (fault.reset) return { kind: 'reset' };
	if (fault.malformed) return { kind: 'malformed', status: method === 'POST' ? 201 : 200 };
	if (fault.status === undefined) return null;
	const headers: Record<string, string> = fault.retryAfter
		? { 'Retry-After': fault.retryAfter }
		: {};
	return {
		kind: 'respond',
		status: fault.status,
		body: fault.body ?? { detail: errorDetail(fault.status) },
		headers,
	};
}

import { invalid, isoNow, notFound } from '../http';
import { enumParam, intParam } from '../query';
import { ok, type Router } from '../router';
import { FeedbackSchema, validate } from '../schemas';
import { newId, type EmulatorState } from '../state';
import type { JobEngine } from '../jobs';

/* Feedback (reference §8): one entity id per submission; unknown entities are 404s. */

const ENTITY_KEYS = {
	request: 'request_id',
	agent_execution: 'agent_execution_id',
	chat: 'chat_id',
} as const;
type EntityType = keyof typeof ENTITY_KEYS;

function entityExists(
	state: EmulatorState,
	jobs: JobEngine,
	type: EntityType,
	id: string,
): boolean {
	if (type === 'request') return jobs.get('prediction', id) !== undefined;
	if (type === 'agent_execution') return jobs.get('execution', id) !== undefined;
	return state.sessions.has(id);
}

const NOT_FOUND: Record<EntityType, string> = {
	request: 'Prediction',
	agent_execution: 'Execution',
	chat: 'Chat',
};

export function registerFeedback(router: Router): void {
	router
		.post('/feedback/submit', ({ app, body }) => {
			const input = validate(FeedbackSchema, body);
			const given = (Object.keys(ENTITY_KEYS) as EntityType[]).filter(
				(type) => input[ENTITY_KEYS[type]],
			);
			if (given.length !== 1) {
				throw invalid(
					['body'],
					'Exactly one of request_id, agent_execution_id or chat_id must be provided',
				);
			}
			if ((input.response ?? null) === null && (input.notes ?? null) === null) {
				throw invalid(['body'], 'At least one of response or notes must be provided');
			}
			const type = given[0];
			const id = input[ENTITY_KEYS[type]] as string;
			if (!entityExists(app.state, app.jobs, type, id)) throw notFound(NOT_FOUND[type]);
			const item = {
				id: newId(),
				[ENTITY_KEYS[type]]: id,
				created_at: isoNow(),
				response: input.response ?? null,
				notes: input.notes ?? null,
			};
			app.state.feedback.set(id, [...(app.state.feedback.get(id) ?? []), item]);
			return ok({ id: item.id, [ENTITY_KEYS[type]]: id, created_at: item.created_at });
		})
		.get('/feedback/:id', ({ app, params, query }) => {
			const type = enumParam(query, 'type', Object.keys(ENTITY_KEYS) as EntityType[], 'request');
			const limit = intParam(query, 'limit', { default: 10, ge: 1, le: 1000 });
			const offset = intParam(query, 'offset', { default: 0, ge: 0 });
			if (!entityExists(app.state, app.jobs, type, params.id)) throw notFound(NOT_FOUND[type]);
			const items = (app.state.feedback.get(params.id) ?? []).slice(offset, offset + limit);
			return ok({ [ENTITY_KEYS[type]]: params.id, items });
		});
}

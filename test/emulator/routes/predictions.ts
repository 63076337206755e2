import { notFound } from '../http';
import type { JobKind } from '../jobs';
import { paginate } from '../query';
import { ok, type Router } from '../router';

/* Read side of the async lifecycle: predictions (§4.3) and agent executions (§5.4). */

function registerJobReads(router: Router, listPath: string, kind: JobKind, thing: string): void {
	router
		// A list is a read of every job it returns: in polls mode it is a step for each.
		.get(listPath, ({ app, query }) =>
			ok(
				paginate(app.jobs.list(kind), query).map((job) => {
					app.jobs.observe(job);
					return app.jobs.view(job);
				}),
			),
		)
		.get(`${listPath}/:id`, ({ app, params }) => {
			const job = app.jobs.get(kind, params.id);
			if (!job) throw notFound(thing);
			app.jobs.observe(job);
			return ok(app.jobs.view(job));
		});
}

export function registerPredictions(router: Router): void {
	registerJobReads(router, '/predictions', 'prediction', 'Prediction');
	registerJobReads(router, '/agent/executions', 'execution', 'Execution');
}

// /v1/job/query and /v1/job/task/query (contract 5.6, 5.9); the rest of /v1/job comes with the scheduler.
import type Router from '@koa/router';
import { queryJobs, recognisedJobFilters } from '../../../projections/jobs/query.js';
import { queryTasks } from '../../../projections/tasks/query.js';
import { ok } from '../envelope.js';
import { notFound } from '../errors.js';
import type { EdgeDeps } from '../edgeDeps.js';
import { postJson } from '../route.js';

export function jobRoutes(router: Router, deps: EdgeDeps): void {
  postJson(router, '/job/query', deps, (body) => {
    // Listing every job is deliberately impossible: at least one recognised filter is required.
    if (recognisedJobFilters(body).length === 0) throw notFound('find job failed');
    const rows = queryJobs(deps.views, body);
    if (rows.length === 0) throw notFound('find job failed');
    return ok({ data: rows });
  });

  postJson(router, '/job/task/query', deps, (body) => {
    const rows = queryTasks(deps.views, body);
    if (rows.length === 0) throw notFound('find task failed');
    return ok({ data: rows });
  });
}

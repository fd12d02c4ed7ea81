// /v1/job/query, /v1/job/update and /v1/job/task/query (contract 5.6, 5.7, 5.9); the rest of /v1/job comes with the scheduler.
import type Router from '@koa/router';
import { queryJobs, recognisedJobFilters } from '../../../projections/jobs/query.js';
import { queryTasks } from '../../../projections/tasks/query.js';
import { UpdateJobNotes } from '../../app/commands.js';
import { ok } from '../envelope.js';
import { badRequest, notFound } from '../errors.js';
import type { EdgeDeps } from '../edgeDeps.js';
import { postJson } from '../route.js';
import { name, optionalString } from '../validate.js';

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

  postJson(router, '/job/update', deps, async (body) => {
    // FATE indexes the body directly, so a missing key answers its quoted name.
    for (const key of ['job_id', 'role', 'party_id']) if (body[key] === undefined) throw badRequest(`'${key}'`);
    const notes = optionalString(body, 'notes') ?? '';
    const { updated } = await deps.commands.execute(new UpdateJobNotes(name(body, 'job_id'), name(body, 'role'), name(body, 'party_id'), notes));
    if (!updated) throw notFound('find job failed');
    return ok();
  });
}

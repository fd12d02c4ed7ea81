// /v1/job/submit, stop, query, update, config and task/query (contract 5.4–5.9).; the rest of /v1/job comes with the scheduler.
import type Router from '@koa/router';
import { queryJobs, recognisedJobFilters } from '../../../projections/jobs/query.js';
import { queryTasks } from '../../../projections/tasks/query.js';
import { StopJob, SubmitJob, UpdateJobNotes } from '../../app/commands.js';
import { jobFilePaths } from '../../app/jobFiles.js';
import { ok } from '../envelope.js';
import { badRequest, notFound } from '../errors.js';
import type { EdgeDeps } from '../edgeDeps.js';
import { postJson } from '../route.js';
import type { Limits } from '../../config.js';
import { queryViews } from '../asOf.js';
import { name, optionalString, requiredArgumentsMessage, requireKeys } from '../validate.js';

/** A job bigger than this node accepts is refused before anything is planned or recorded. */
function checkJobSize(dsl: unknown, conf: object, limits: Pick<Limits, 'maxDslComponents' | 'maxPartiesPerJob'>): void {
  const components = (dsl as { components?: unknown } | null)?.components;
  const n = components !== null && typeof components === 'object' ? Object.keys(components).length : 0;
  if (n > limits.maxDslComponents) throw badRequest(`job_dsl has ${n} components, more than this node accepts (maxDslComponents ${limits.maxDslComponents})`);
  const roles = (conf as { role?: unknown }).role;
  const parties = roles !== null && typeof roles === 'object' ? Object.values(roles).reduce((sum: number, ids) => sum + (Array.isArray(ids) ? ids.length : 0), 0) : 0;
  if (parties > limits.maxPartiesPerJob) throw badRequest(`job_runtime_conf.role lists ${parties} parties, more than this node accepts (maxPartiesPerJob ${limits.maxPartiesPerJob})`);
}

export function jobRoutes(router: Router, deps: EdgeDeps): void {
  postJson(router, '/job/submit', deps, async (body) => {
    const conf = body.job_runtime_conf;
    if (conf === undefined || conf === null || typeof conf !== 'object' || Array.isArray(conf)) {
      throw badRequest(conf === undefined || conf === null ? requiredArgumentsMessage(['job_runtime_conf'], []) : requiredArgumentsMessage([], ['job_runtime_conf=<object>']));
    }
    checkJobSize(body.job_dsl, conf, deps.config.limits);
    const jobId = deps.nextJobId();
    const { modelId, modelVersion } = await deps.commands.execute(new SubmitJob(jobId, body.job_dsl ?? {}, conf));
    return ok({
      jobId,
      data: {
        ...jobFilePaths(deps.config.dataDir, jobId),
        model_info: { model_id: modelId, model_version: modelVersion },
      },
    });
  });

  postJson(router, '/job/stop', deps, async (body) => {
    requireKeys(body, ['job_id']);
    const jobId = name(body, 'job_id');
    const { outcome } = await deps.commands.execute(new StopJob(jobId));
    if (outcome === 'unknown') throw badRequest(`can not found job: ${jobId}`);
    return { retcode: 0, retmsg: outcome };
  });

  postJson(router, '/job/config', deps, (body) => {
    if (recognisedJobFilters(body).length === 0) throw notFound('find job failed');
    const row = queryJobs(deps.views, body)[0];
    if (!row) throw notFound('find job failed');
    const conf = JSON.parse(String(row.f_runtime_conf)) as { job_parameters?: { model_id?: string; model_version?: string } };
    return ok({
      data: {
        job_id: row.f_job_id, dsl: JSON.parse(String(row.f_dsl)), runtime_conf: conf,
        train_runtime_conf: JSON.parse(String(row.f_train_runtime_conf)),
        model_info: { model_id: conf.job_parameters?.model_id, model_version: conf.job_parameters?.model_version },
      },
    });
  });

  // `as_of` (a log position or ISO time): the answer as it was then (src/api/asOf.ts).
  postJson(router, '/job/query', deps, async (body) => {
    // Listing every job is deliberately impossible: at least one recognised filter is required.
    if (recognisedJobFilters(body).length === 0) throw notFound('find job failed');
    const rows = await queryViews(deps, body, queryJobs);
    if (rows.length === 0) throw notFound('find job failed');
    return ok({ data: rows });
  });

  postJson(router, '/job/task/query', deps, async (body) => {
    const rows = await queryViews(deps, body, queryTasks);
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

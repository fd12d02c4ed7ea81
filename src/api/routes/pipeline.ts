// /v1/pipeline/dag/dependency (contract 5.18): the component DAG of a stored job (job_id) or of an
// inline DSL + runtime conf, seen from one role/party: order, dependencies, modules, need_run.
import type Router from '@koa/router';
import { queryJobs } from '../../../projections/jobs/query.js';
import { cloneObject, isPlainObject, own, setOwn } from '../../domain/dsl/json.js';
import { dagDependency, planJob, type JobPlan } from '../../domain/dsl/plan.js';
import { ok } from '../envelope.js';
import { badRequest } from '../errors.js';
import type { EdgeDeps } from '../edgeDeps.js';
import { postJson } from '../route.js';
import { planStoredJob } from '../trackingScope.js';
import { requireKeys } from '../validate.js';

export function pipelineRoutes(router: Router, deps: EdgeDeps): void {
  postJson(router, '/pipeline/dag/dependency', deps, (body) => {
    requireKeys(body, ['role', 'party_id']);
    const plan = body.job_id ? storedPlan(deps, body.job_id) : inlinePlan(deps, body);
    const partyId = typeof body.party_id === 'number' ? body.party_id : String(body.party_id);
    const dependency = dagDependency(plan, String(body.role), partyId);
    if (!dependency.ok) throw badRequest(dependency.message);
    // FATE answers a falsy dependency with retcode 101 and an empty (hence omitted) retmsg.
    if (dependency.data.component_list.length === 0) return { retcode: 101, retmsg: '' };
    return ok({ data: dependency.data });
  });
}

function storedPlan(deps: EdgeDeps, jobId: unknown): JobPlan {
  const id = typeof jobId === 'string' || typeof jobId === 'number' ? String(jobId) : JSON.stringify(jobId);
  const row = queryJobs(deps.views, { job_id: id })[0];
  if (!row) throw badRequest(`query job ${id} failed`);
  return planStoredJob(row);
}

/**
 * FATE only parses an inline DSL/conf here, it does not submit it: the work mode is not checked
 * against the server's (a missing one is taken as the server's, so the DAG can still be derived).
 */
function inlinePlan(deps: EdgeDeps, body: Record<string, unknown>): JobPlan {
  const dsl = body.job_dsl ?? {};
  let conf: unknown = body.job_runtime_conf ?? {};
  let serverWorkMode = deps.config.workMode;
  if (isPlainObject(conf)) {
    const jobParameters = own(conf, 'job_parameters');
    const workMode = own(jobParameters, 'work_mode');
    if (workMode === 0 || workMode === 1) serverWorkMode = workMode;
    else if (jobParameters === undefined || isPlainObject(jobParameters)) {
      const patched = isPlainObject(jobParameters) ? cloneObject(jobParameters) : {};
      setOwn(patched, 'work_mode', serverWorkMode);
      const copy = cloneObject(conf);
      setOwn(copy, 'job_parameters', patched);
      conf = copy;
    }
  }
  const train = body.job_train_runtime_conf;
  const outcome = planJob(dsl, conf, {
    jobId: 'dag_dependency',
    serverWorkMode,
    defaultTimeoutSeconds: deps.config.jobTimeoutSeconds,
    ...(isPlainObject(train) && Object.keys(train).length ? { trainRuntimeConf: train } : {}),
  });
  if (!outcome.ok) throw badRequest(outcome.message);
  return outcome.plan;
}

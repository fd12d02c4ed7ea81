// FATE 1.4.5's job endpoints beyond the contract (fate_flow/apps/job_app.py): data/view/query,
// stop/do, clean, clean/queue — same envelopes and retcodes as FATE's.
import type Router from '@koa/router';
import { queryDataViews, recognisedDataViewFilters } from '../../../projections/dataView/query.js';
import { CleanJob, CleanQueue, StopJob } from '../../app/commands.js';
import { ok } from '../envelope.js';
import { badRequest, notFound } from '../errors.js';
import type { EdgeDeps } from '../edgeDeps.js';
import { postJson } from '../route.js';
import { name, optionalString, requireKeys } from '../validate.js';

export function jobAdminRoutes(router: Router, deps: EdgeDeps): void {
  // FATE filters t_data_view by every f_<key> of the body. As for /v1/job/query, fedflow wants at
  // least one recognised filter: listing every output table of every job is not a query.
  postJson(router, '/job/data/view/query', deps, (body) => {
    if (recognisedDataViewFilters(body).length === 0) throw notFound('find data view failed');
    const rows = queryDataViews(deps.views, body);
    if (rows.length === 0) throw notFound('find data view failed');
    return ok({ data: rows });
  });

  // FATE's initiator calls stop/do on each party; here one node stops the job on every party it
  // hosts (and, in cluster mode, asks the initiator), exactly as /v1/job/stop does.
  postJson(router, '/job/stop/do', deps, async (body) => {
    requireKeys(body, ['job_id']);
    const jobId = name(body, 'job_id');
    const { outcome } = await deps.commands.execute(new StopJob(jobId));
    if (outcome === 'unknown') throw badRequest(`can not found job: ${jobId}`);
    return { retcode: 0, retmsg: outcome };
  });

  // FATE: job_id required (check_config in its client), role / party_id / component_name narrow.
  postJson(router, '/job/clean', deps, async (body) => {
    requireKeys(body, ['job_id']);
    const filter = {
      jobId: name(body, 'job_id'),
      ...(optionalString(body, 'role') !== undefined ? { role: optionalString(body, 'role')! } : {}),
      ...(optionalString(body, 'party_id') !== undefined ? { partyId: optionalString(body, 'party_id')! } : {}),
      ...(optionalString(body, 'component_name') !== undefined ? { componentName: optionalString(body, 'component_name')! } : {}),
    };
    const { found, tables } = await deps.commands.execute(new CleanJob(filter));
    if (!found) throw notFound('find task failed');
    // FATE answers bare success; the deleted tables are fedflow's addition.
    return ok({ data: tables.length ? { tables } : undefined });
  });

  postJson(router, '/job/clean/queue', deps, async () => {
    const { canceled } = await deps.commands.execute(new CleanQueue());
    // FATE answers bare success; the canceled job ids are fedflow's addition (omitted when none).
    return ok({ data: canceled.length ? { job_ids: canceled } : undefined });
  });
}

// /v1/tracking/component/metric/all (contract 5.10, 5.14): enough to read the upload/download
// `data_access` metric; the other tracking endpoints come with the scheduler.
import type Router from '@koa/router';
import { queryJobs } from '../../../projections/jobs/query.js';
import { allMetrics } from '../../../projections/tracking/query.js';
import { ok } from '../envelope.js';
import { badRequest } from '../errors.js';
import type { EdgeDeps } from '../edgeDeps.js';
import { postJson } from '../route.js';
import { name, requireKeys } from '../validate.js';

export function trackingRoutes(router: Router, deps: EdgeDeps): void {
  postJson(router, '/tracking/component/metric/all', deps, (body) => {
    requireKeys(body, ['job_id', 'component_name']);
    const jobId = name(body, 'job_id');
    const componentName = name(body, 'component_name');
    let { role, party_id } = body as { role?: unknown; party_id?: unknown };
    if (role === undefined && party_id === undefined) {
      const initiator = queryJobs(deps.views, { job_id: jobId, is_initiator: 1 })[0];
      role = initiator?.f_role;
      party_id = initiator?.f_initiator_party_id;
    }
    if (role === undefined) throw badRequest("'role'");
    if (party_id === undefined) throw badRequest("'party_id'");
    const data = allMetrics(deps.views, { jobId, componentName, role: String(role), partyId: String(party_id) });
    return Object.keys(data).length ? ok({ data }) : { retcode: 0, retmsg: 'no data' };
  });
}

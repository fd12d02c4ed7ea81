// POST /v1/tracking/component/metric/delete (FATE 1.4.5's tracking_app): a job's metrics, narrowed
// by component_name, role, party_id, metric_namespace, metric_name, are deleted — as events (see
// DeleteMetricsHandler). FATE answers the SQL it ran as data; fedflow answers the same statement
// against its one metric table.
import type Router from '@koa/router';
import { DeleteMetrics, type MetricFilter } from '../../app/commands.js';
import { T_METRIC } from '../../../projections/tracking/schema.js';
import { ok } from '../envelope.js';
import { badRequest } from '../errors.js';
import type { EdgeDeps } from '../edgeDeps.js';
import { postJson } from '../route.js';
import { name } from '../validate.js';

const FILTERS = [
  ['component_name', 'componentName'],
  ['role', 'role'],
  ['party_id', 'partyId'],
  ['metric_namespace', 'namespace'],
  ['metric_name', 'name'],
] as const;
/** Columns of FATE's TrackingMetric that fedflow's filter does not narrow by: refused rather than ignored. */
const UNSUPPORTED = ['task_id', 'key', 'value', 'type', 'create_time', 'update_time'];

export function trackingAdminRoutes(router: Router, deps: EdgeDeps): void {
  postJson(router, '/tracking/component/metric/delete', deps, async (body) => {
    if (body.model !== undefined && body.job_id === undefined) {
      throw badRequest('deleting a whole day of metrics ("model") is not supported by fedflow: give job_id (and optionally component_name, role, party_id, metric_namespace, metric_name)');
    }
    if (body.job_id === undefined || body.job_id === null) throw badRequest("'job_id'");
    const unsupported = UNSUPPORTED.filter((k) => body[k] !== undefined);
    if (unsupported.length) throw badRequest(`metric/delete cannot filter by ${unsupported.join(', ')}; use component_name, role, party_id, metric_namespace, metric_name`);
    const filter: { -readonly [K in keyof MetricFilter]: MetricFilter[K] } = { jobId: name(body, 'job_id') };
    let sql = `delete from ${T_METRIC} where f_job_id="${filter.jobId}"`;
    for (const [key, field] of FILTERS) {
      if (body[key] === undefined || body[key] === null) continue;
      filter[field] = name(body, key);
      sql += ` and f_${key}="${filter[field]}"`;
    }
    await deps.commands.execute(new DeleteMetrics(filter));
    return ok({ data: sql });
  });
}

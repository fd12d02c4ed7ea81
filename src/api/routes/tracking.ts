// /v1/tracking/* (contract 5.10–5.17, 9): read-only answers from the views (t_job, metrics,
// component outputs) and, for output/data, the first rows of the output table.
import type Router from '@koa/router';
import { queryJobs, type JobRow } from '../../../projections/jobs/query.js';
import { outputData, outputModel } from '../../../projections/outputs/query.js';
import { allMetrics, metricNames, metricSeries } from '../../../projections/tracking/query.js';
import { isPlainObject, own, setOwn } from '../../domain/dsl/json.js';
import { componentPlan, partyPlan } from '../../domain/dsl/plan.js';
import { ok, type Envelope } from '../envelope.js';
import { badRequest, notFound } from '../errors.js';
import type { EdgeDeps } from '../edgeDeps.js';
import { postJson } from '../route.js';
import { componentScope, jobScope, planStoredJob, type ComponentScope } from '../trackingScope.js';
import { name, requireKeys, toInt } from '../validate.js';

const NO_DATA: Envelope = { retcode: 0, retmsg: 'no data' };
/** FATE reads at most this many rows of an output table for output/data. */
export const OUTPUT_DATA_ROWS = 100;

export function trackingRoutes(router: Router, deps: EdgeDeps): void {
  postJson(router, '/tracking/job/data_view', deps, (body) => {
    const scope = jobScope(deps.views, body);
    const row = queryJobs(deps.views, { job_id: scope.jobId, role: scope.role, party_id: scope.partyId })[0];
    if (!row) throw notFound('error');
    return ok({ data: jobView(row) });
  });

  postJson(router, '/tracking/component/metrics', deps, (body) => {
    const data = metricNames(deps.views, componentScope(deps.views, body));
    return Object.keys(data).length ? ok({ data }) : NO_DATA;
  });

  postJson(router, '/tracking/component/metric_data', deps, (body) => {
    const scope = componentScope(deps.views, body);
    requireKeys(body, ['metric_namespace', 'metric_name']);
    const series = metricSeries(deps.views, scope, name(body, 'metric_namespace'), name(body, 'metric_name'));
    // FATE's meta object always has name and metric_type, so the answer is never "no data".
    const { name: metaName = null, metric_type = null, ...extra } = series.meta;
    return ok({ data: series.data, meta: { name: metaName, metric_type, ...extra } });
  });

  postJson(router, '/tracking/component/metric/all', deps, (body) => {
    const data = allMetrics(deps.views, componentScope(deps.views, body));
    return Object.keys(data).length ? ok({ data }) : NO_DATA;
  });

  postJson(router, '/tracking/component/parameters', deps, (body) => {
    const scope = componentScope(deps.views, body);
    const row = queryJobs(deps.views, { job_id: scope.jobId })[0];
    if (!row) throw notFound('can not found this job');
    const plan = planStoredJob(row);
    const component = componentPlan(plan, scope.componentName);
    if (!component) throw badRequest(`component ${scope.componentName} is not in the dsl of job ${scope.jobId}`);
    if (toInt(scope.partyId) === undefined) throw badRequest(`invalid literal for int() with base 10: '${scope.partyId}'`);
    const party = partyPlan(component, scope.role, scope.partyId);
    if (!party) return { retcode: 0, retmsg: 'can not found this component parameters' };
    const data: Record<string, unknown> = { module: own(party.bundle, 'module') ?? component.module };
    for (const [key, value] of Object.entries(party.bundle)) if (key.endsWith('Param')) setOwn(data, key, value);
    return ok({ data });
  });

  postJson(router, '/tracking/component/output/model', deps, (body) => {
    const model = outputModel(deps.views, componentScope(deps.views, body));
    if (!model) return NO_DATA;
    let param: Record<string, unknown> | undefined;
    let meta: Record<string, unknown> | undefined;
    for (const [bufferName, buffer] of Object.entries(model.buffers)) {
      if (bufferName.endsWith('Param')) param = buffer;
      if (bufferName.endsWith('Meta')) meta = buffer;
    }
    if (!param || Object.keys(param).length === 0) return NO_DATA;
    return ok({ data: param, meta: { ...(meta ? { meta_data: meta } : {}), module_name: model.module } });
  });

  postJson(router, '/tracking/component/output/data', deps, (body) => {
    const output = componentOutput(deps, componentScope(deps.views, body));
    if (!output || !deps.tables.exists(output.location)) return NO_DATA;
    const data: unknown[][] = [];
    let labelled = false;
    for (const [key, value] of deps.tables.read(output.location, { limit: OUTPUT_DATA_ROWS })) {
      const row = outputRow(key, value);
      labelled ||= row.labelled;
      data.push(row.cells);
    }
    if (data.length === 0) return NO_DATA;
    return ok({ data, meta: { header: outputHeader(output.schema, labelled), total: output.count } });
  });

  postJson(router, '/tracking/component/output/data/table', deps, (body) => {
    const output = componentOutput(deps, componentScope(deps.views, body));
    if (!output) throw badRequest('No found table, please check if the parameters are correct');
    return ok({ data: { table_name: output.tableName, table_namespace: output.tableNamespace } });
  });
}

/** The component's output data of the scope; 100 when the job or the component is unknown (5.17). */
function componentOutput(deps: EdgeDeps, scope: ComponentScope) {
  const row = queryJobs(deps.views, { job_id: scope.jobId })[0];
  if (!row) throw badRequest('can not get dag parser, please check if the parameters are correct');
  const components = own(parseJson(row.f_dsl), 'components');
  if (!isPlainObject(components) || !Object.prototype.hasOwnProperty.call(components, scope.componentName)) {
    throw badRequest('can not found component, please check if the parameters are correct');
  }
  return outputData(deps.views, scope);
}

/** An output-table value as a row: Instance → [key, label?, ...features]; list → [key, ...list]; else [key, value]. */
export function outputRow(key: string, stored: string): { cells: unknown[]; labelled: boolean } {
  let value: unknown;
  try {
    value = JSON.parse(stored);
  } catch {
    value = stored;
  }
  if (isPlainObject(value) && Array.isArray(value.features)) {
    const labelled = value.label !== undefined && value.label !== null;
    return { cells: [key, ...(labelled ? [value.label] : []), ...value.features], labelled };
  }
  if (Array.isArray(value)) return { cells: [key, ...value], labelled: false };
  return { cells: [key, value], labelled: false };
}

/** FATE's get_component_output_data_meta: sid name, the label name when rows have labels, the features. */
export function outputHeader(schema: Record<string, unknown>, labelled: boolean): unknown[] {
  const header: unknown[] = [typeof schema.sid_name === 'string' ? schema.sid_name : 'sid'];
  if (labelled) header.push(schema.label_name ?? null);
  header.push(...headerOf(schema.header));
  return header;
}

function headerOf(header: unknown): unknown[] {
  if (Array.isArray(header)) return header;
  if (typeof header === 'string' && header !== '') return header.split(',').map((h) => h.trim());
  return [];
}

function parseJson(text: unknown): unknown {
  try {
    return JSON.parse(String(text));
  } catch {
    return undefined;
  }
}

/**
 * The job view of 5.11, computed from the party's t_job row: partner = every other (role, party);
 * roles = all of them for the initiator, else only this party; dataset = each visible party's
 * `args.data` tables as `<namespace>.<name>`; model_summary as FATE shows it (the job-view row).
 */
export function jobView(row: JobRow): Record<string, unknown> {
  const role = String(row.f_role);
  const partyId = String(row.f_party_id);
  const isInitiator = Number(row.f_is_initiator) === 1;
  const roles = parseJson(row.f_roles);
  const conf = parseJson(row.f_runtime_conf);
  const partner: Record<string, unknown[]> = {};
  const shown: Record<string, unknown[]> = {};
  for (const [r, parties] of Object.entries(isPlainObject(roles) ? roles : {})) {
    const ids = Array.isArray(parties) ? parties : [];
    if (isInitiator || r === role) setOwn(shown, r, ids.filter((p) => isInitiator || String(p) === partyId));
    const others = r === role ? ids.filter((p) => String(p) !== partyId) : ids;
    if (r !== role || others.length) setOwn(partner, r, others);
  }
  const dataset: Record<string, Record<string, Record<string, string>>> = {};
  const roleParameters = own(conf, 'role_parameters');
  for (const [r, params] of Object.entries(isPlainObject(roleParameters) ? roleParameters : {})) {
    if (!isInitiator && r !== role) continue;
    const data = own(own(params, 'args'), 'data');
    const ids = own(roles, r);
    if (!isPlainObject(data) || !Array.isArray(ids)) continue;
    ids.forEach((p, index) => {
      if (!isInitiator && String(p) !== partyId) return;
      const tables: Record<string, string> = {};
      for (const [key, list] of Object.entries(data)) {
        const table = Array.isArray(list) ? list[index] : undefined;
        if (isPlainObject(table)) setOwn(tables, key, `${String(table.namespace)}.${String(table.name)}`);
      }
      if (!Object.prototype.hasOwnProperty.call(dataset, r)) setOwn(dataset, r, {});
      setOwn(dataset[r]!, String(p), tables);
    });
  }
  return { partner, dataset, roles: shown, model_summary: { job: { job_view: {} } } };
}

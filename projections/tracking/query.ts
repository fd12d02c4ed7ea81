import type { Database } from 'better-sqlite3';
import { T_METRIC } from './schema.js';

export interface MetricScope {
  jobId: string;
  componentName: string;
  role: string;
  partyId: string;
}

export interface MetricSeries {
  data: [unknown, unknown][];
  meta: Record<string, unknown>;
}

/** Every series of a component: namespace → name → {data sorted by key, meta (last value per key)}. */
export function allMetrics(db: Database, scope: MetricScope): Record<string, Record<string, MetricSeries>> {
  const rows = db
    .prepare(
      `SELECT f_metric_namespace ns, f_metric_name name, f_key k, f_value v, f_type t FROM ${T_METRIC}
       WHERE f_job_id = ? AND f_component_name = ? AND f_role = ? AND CAST(f_party_id AS TEXT) = ? ORDER BY f_id`,
    )
    .all(scope.jobId, scope.componentName, scope.role, String(scope.partyId)) as { ns: string; name: string; k: string; v: string; t: number }[];
  const out: Record<string, Record<string, MetricSeries>> = {};
  for (const r of rows) {
    const series = ((out[r.ns] ??= {})[r.name] ??= { data: [], meta: {} });
    const key = JSON.parse(r.k) as unknown;
    const value = JSON.parse(r.v) as unknown;
    if (r.t === 1) series.data.push([key, value]);
    else series.meta[String(key)] = value;
  }
  for (const names of Object.values(out)) {
    for (const s of Object.values(names)) s.data.sort((a, b) => compareKeys(a[0], b[0]));
  }
  return out;
}

function compareKeys(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0;
}

/** The (namespace → names) index of a component's metrics (5.12): distinct pairs, first-logged order. */
export function metricNames(db: Database, scope: MetricScope): Record<string, string[]> {
  const rows = db
    .prepare(
      `SELECT f_metric_namespace ns, f_metric_name name, MIN(f_id) first FROM ${T_METRIC}
       WHERE f_job_id = ? AND f_component_name = ? AND f_role = ? AND CAST(f_party_id AS TEXT) = ?
       GROUP BY f_metric_namespace, f_metric_name ORDER BY first`,
    )
    .all(scope.jobId, scope.componentName, scope.role, String(scope.partyId)) as { ns: string; name: string }[];
  const out: Record<string, string[]> = {};
  for (const r of rows) (out[r.ns] ??= []).push(r.name);
  return out;
}

/** One series (5.13): data points sorted by key and the meta items (last value per key); empty when none. */
export function metricSeries(db: Database, scope: MetricScope, namespace: string, name: string): MetricSeries {
  const rows = db
    .prepare(
      `SELECT f_key k, f_value v, f_type t FROM ${T_METRIC}
       WHERE f_job_id = ? AND f_component_name = ? AND f_role = ? AND CAST(f_party_id AS TEXT) = ?
         AND f_metric_namespace = ? AND f_metric_name = ? ORDER BY f_id`,
    )
    .all(scope.jobId, scope.componentName, scope.role, String(scope.partyId), namespace, name) as { k: string; v: string; t: number }[];
  const series: MetricSeries = { data: [], meta: {} };
  for (const r of rows) {
    const key = JSON.parse(r.k) as unknown;
    const value = JSON.parse(r.v) as unknown;
    if (r.t === 1) series.data.push([key, value]);
    else if (r.t === 0) series.meta[String(key)] = value;
  }
  series.data.sort((a, b) => compareKeys(a[0], b[0]));
  return series;
}

// The MetricsDeleted events a metric filter calls for: one per (role, party) of the job that has
// matching metrics in the view (a party without any gets none). Shared by metric/delete and job/clean.
import type { Database } from 'better-sqlite3';
import { T_METRIC } from '../../projections/tracking/schema.js';
import { trackingStreamId, type TrackingEvent } from '../domain/tracking/events.js';
import type { StreamAppend } from '../store/eventStore.js';
import type { MetricFilter } from './commands.js';

export function metricDeletions(db: Database, filter: MetricFilter, at: number): StreamAppend[] {
  const clauses = ['f_job_id = ?'];
  const args: string[] = [filter.jobId];
  const add = (column: string, value: string | undefined) => {
    if (value === undefined) return;
    clauses.push(`${column} = ?`);
    args.push(value);
  };
  add('f_component_name', filter.componentName);
  add('f_role', filter.role);
  add('f_party_id', filter.partyId);
  add('f_metric_namespace', filter.namespace);
  add('f_metric_name', filter.name);
  const parties = db
    .prepare(`SELECT DISTINCT f_role AS role, f_party_id AS partyId FROM ${T_METRIC} WHERE ${clauses.join(' AND ')} ORDER BY f_role, f_party_id`)
    .all(...args) as { role: string; partyId: string }[];
  return parties.map(({ role, partyId }) => {
    const data: Extract<TrackingEvent, { type: 'MetricsDeleted' }>['data'] = {
      jobId: filter.jobId, role, partyId, at,
      ...(filter.componentName !== undefined ? { componentName: filter.componentName } : {}),
      ...(filter.namespace !== undefined ? { namespace: filter.namespace } : {}),
      ...(filter.name !== undefined ? { name: filter.name } : {}),
    };
    return { streamId: trackingStreamId(filter.jobId, role, partyId), events: [{ type: 'MetricsDeleted', data }] };
  });
}

/** Appends in one transaction where the store can, else stream by stream; the last position, if any. */
export async function appendAll(store: { appendToStream: (id: string, events: StreamAppend['events']) => Promise<{ position: bigint }>; appendToStreams?: (a: readonly StreamAppend[]) => Promise<{ position: bigint }[]> }, appends: readonly StreamAppend[]): Promise<bigint | undefined> {
  if (appends.length === 0) return undefined;
  if (store.appendToStreams) return (await store.appendToStreams(appends)).at(-1)?.position;
  let position: bigint | undefined;
  for (const a of appends) position = (await store.appendToStream(a.streamId, a.events)).position;
  return position;
}

import type { TrackingEvent } from '../../src/domain/tracking/events.js';
import type { Projection, RowOp } from '../rowOps.js';
import { T_METRIC, trackingSchema } from './schema.js';

type MetricEvent = Extract<TrackingEvent, { type: 'MetricDataLogged' | 'MetricMetaLogged' }>;

function project(event: MetricEvent): RowOp[] {
  const d = event.data;
  const base = {
    f_job_id: d.jobId, f_component_name: d.componentName, f_task_id: d.taskId, f_role: d.role, f_party_id: d.partyId,
    f_metric_namespace: d.namespace, f_metric_name: d.name, f_create_time: d.at, f_update_time: d.at,
  };
  if (event.type === 'MetricDataLogged') {
    return event.data.points.map(([k, v]) => ({ op: 'insert', table: T_METRIC, row: { ...base, f_key: JSON.stringify(k), f_value: JSON.stringify(v), f_type: 1 } }));
  }
  return Object.entries(event.data.meta).map(([k, v]) => ({ op: 'insert', table: T_METRIC, row: { ...base, f_key: JSON.stringify(k), f_value: JSON.stringify(v), f_type: 0 } }));
}

function deleted(event: Extract<TrackingEvent, { type: 'MetricsDeleted' }>): RowOp[] {
  const d = event.data;
  const where: Record<string, string> = { f_job_id: d.jobId, f_role: d.role, f_party_id: d.partyId };
  if (d.componentName !== undefined) where.f_component_name = d.componentName;
  if (d.namespace !== undefined) where.f_metric_namespace = d.namespace;
  if (d.name !== undefined) where.f_metric_name = d.name;
  return [{ op: 'delete', table: T_METRIC, where }];
}

export const trackingProjection: Projection = {
  name: 'tracking',
  schema: trackingSchema,
  tables: [T_METRIC],
  project: (event) => {
    if (event.type === 'MetricDataLogged' || event.type === 'MetricMetaLogged') return project(event as unknown as MetricEvent);
    if (event.type === 'MetricsDeleted') return deleted(event as unknown as Extract<TrackingEvent, { type: 'MetricsDeleted' }>);
    return [];
  },
};

import type { TrackingEvent } from '../../src/domain/tracking/events.js';
import type { Projection, RowOp } from '../rowOps.js';
import { outputsSchema, T_OUTPUT_DATA, T_OUTPUT_MODEL } from './schema.js';

type OutputEvent = Extract<TrackingEvent, { type: 'OutputDataRecorded' | 'OutputModelRecorded' }>;

function project(event: OutputEvent): RowOp[] {
  const d = event.data;
  const key = { f_job_id: d.jobId, f_component_name: d.componentName, f_task_id: d.taskId, f_role: d.role, f_party_id: d.partyId, f_create_time: d.at };
  if (event.type === 'OutputDataRecorded') {
    const o = event.data;
    return [{ op: 'upsert', table: T_OUTPUT_DATA, row: { ...key, f_data_name: o.dataName, f_table_namespace: o.tableNamespace, f_table_name: o.tableName, f_location: o.location, f_count: o.count, f_schema: JSON.stringify(o.schema) } }];
  }
  const m = event.data;
  return [{ op: 'upsert', table: T_OUTPUT_MODEL, row: { ...key, f_module: m.module, f_alias: m.alias, f_buffers: JSON.stringify(m.buffers) } }];
}

export const outputsProjection: Projection = {
  name: 'outputs',
  schema: outputsSchema,
  tables: [T_OUTPUT_DATA, T_OUTPUT_MODEL],
  project: (event) => {
    if (event.type === 'OutputDataRecorded' || event.type === 'OutputModelRecorded') return project(event as unknown as OutputEvent);
    if (event.type !== 'OutputsCleaned') return [];
    const d = (event as unknown as Extract<TrackingEvent, { type: 'OutputsCleaned' }>).data;
    return [{ op: 'delete', table: T_OUTPUT_DATA, where: { f_job_id: d.jobId, f_component_name: d.componentName, f_role: d.role, f_party_id: d.partyId } }];
  },
};

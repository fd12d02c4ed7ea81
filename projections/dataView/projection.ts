import type { TrackingEvent } from '../../src/domain/tracking/events.js';
import type { Projection, RowOp } from '../rowOps.js';
import { dataViewSchema, T_DATA_VIEW } from './schema.js';

function project(event: Extract<TrackingEvent, { type: 'DataViewRecorded' }>): RowOp[] {
  const d = event.data;
  return [{
    op: 'upsert',
    table: T_DATA_VIEW,
    row: {
      f_job_id: d.jobId, f_role: d.role, f_party_id: d.partyId, f_table_name: d.tableName, f_table_namespace: d.tableNamespace,
      f_component_name: d.componentName, f_create_time: d.at, f_update_time: d.at, f_table_count_upload: d.countUpload,
      f_table_count_actual: d.countActual, f_partition: d.partition, f_task_id: d.taskId, f_type: null, f_ttl: 0,
      f_party_model_id: null, f_model_version: null, f_size: 0, f_description: '', f_tag: '',
    },
  }];
}

/** A component's output table is a data view too, as FATE's tracker records it (job/data/view/query, table/delete by job). */
function outputView(event: Extract<TrackingEvent, { type: 'OutputDataRecorded' }>): RowOp[] {
  const d = event.data;
  return project({
    type: 'DataViewRecorded',
    data: { jobId: d.jobId, componentName: d.componentName, taskId: d.taskId, role: d.role, partyId: d.partyId, tableName: d.tableName, tableNamespace: d.tableNamespace, countUpload: d.count, countActual: d.count, partition: 1, at: d.at },
  });
}

export const dataViewProjection: Projection = {
  name: 'dataView',
  schema: dataViewSchema,
  tables: [T_DATA_VIEW],
  project: (event) => {
    if (event.type === 'DataViewRecorded') return project(event as unknown as Extract<TrackingEvent, { type: 'DataViewRecorded' }>);
    if (event.type === 'OutputDataRecorded') return outputView(event as unknown as Extract<TrackingEvent, { type: 'OutputDataRecorded' }>);
    if (event.type !== 'OutputsCleaned') return [];
    const d = (event as unknown as Extract<TrackingEvent, { type: 'OutputsCleaned' }>).data;
    return [{ op: 'delete', table: T_DATA_VIEW, where: { f_job_id: d.jobId, f_component_name: d.componentName, f_role: d.role, f_party_id: d.partyId } }];
  },
};

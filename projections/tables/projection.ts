import { TABLE_EVENT_TYPES, type TableEvent } from '../../src/domain/table/events.js';
import type { Projection, RowOp } from '../rowOps.js';
import { T_TABLE, tableSchema } from './schema.js';

function project(event: TableEvent): RowOp[] {
  const where = { f_namespace: event.data.namespace, f_name: event.data.name };
  switch (event.type) {
    case 'TableCreated':
      return [{
        op: 'insert',
        table: T_TABLE,
        row: { ...where, f_location: null, f_partition: event.data.partition, f_count: 0, f_count_upload: 0, f_meta: '{}', f_job_id: event.data.jobId, f_create_time: event.data.at, f_update_time: event.data.at },
      }];
    case 'TableDataLoaded': {
      const d = event.data;
      return [{
        op: 'update',
        table: T_TABLE,
        where,
        set: { f_location: d.location, f_partition: d.partition, f_count: d.countActual, f_count_upload: d.countUpload, f_meta: JSON.stringify(d.meta), f_job_id: d.jobId, f_update_time: d.at },
      }];
    }
    case 'TableDeleted':
      return [{ op: 'delete', table: T_TABLE, where }];
  }
}

const HANDLED = new Set<string>(TABLE_EVENT_TYPES);

export const tablesProjection: Projection = {
  name: 'tables',
  schema: tableSchema,
  tables: [T_TABLE],
  project: (event) => (HANDLED.has(event.type) ? project(event as unknown as TableEvent) : []),
};

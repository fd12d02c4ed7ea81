import type { Database } from 'better-sqlite3';
import { prepared } from '../filters.js';
import { T_OUTPUT_DATA, T_OUTPUT_MODEL } from './schema.js';

export interface OutputScope {
  jobId: string;
  componentName: string;
  role: string;
  partyId: string;
}

export interface OutputData {
  dataName: string;
  tableNamespace: string;
  tableName: string;
  location: string;
  count: number;
  schema: Record<string, unknown>;
}

export interface OutputModel {
  module: string;
  alias: string;
  buffers: Record<string, Record<string, unknown>>;
}

const WHERE = 'f_job_id = ? AND f_component_name = ? AND f_role = ? AND f_party_id = ?';
const args = (s: OutputScope) => [s.jobId, s.componentName, s.role, String(s.partyId)];

export function outputData(db: Database, scope: OutputScope): OutputData | undefined {
  const r = prepared(db, `SELECT * FROM ${T_OUTPUT_DATA} WHERE ${WHERE}`).get(...args(scope)) as Record<string, unknown> | undefined;
  return r && {
    dataName: r.f_data_name as string, tableNamespace: r.f_table_namespace as string, tableName: r.f_table_name as string,
    location: r.f_location as string, count: r.f_count as number, schema: JSON.parse(r.f_schema as string) as Record<string, unknown>,
  };
}

export function outputModel(db: Database, scope: OutputScope): OutputModel | undefined {
  const r = prepared(db, `SELECT * FROM ${T_OUTPUT_MODEL} WHERE ${WHERE}`).get(...args(scope)) as Record<string, unknown> | undefined;
  return r && { module: r.f_module as string, alias: r.f_alias as string, buffers: JSON.parse(r.f_buffers as string) as OutputModel['buffers'] };
}

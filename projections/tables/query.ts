import type { Database } from 'better-sqlite3';
import { prepared } from '../filters.js';
import { T_TABLE } from './schema.js';

export interface TableView {
  namespace: string;
  name: string;
  location: string | null;
  partition: number;
  count: number;
  countUpload: number;
  meta: Record<string, unknown>;
  jobId: string;
}

export function getTable(db: Database, namespace: string, name: string): TableView | undefined {
  const r = prepared(db, `SELECT * FROM ${T_TABLE} WHERE f_namespace = ? AND f_name = ?`).get(namespace, name) as Record<string, unknown> | undefined;
  return r && toView(r);
}

/** Every location a live table points at: the table store keeps these and drops the rest. */
export function liveLocations(db: Database): Set<string> {
  const rows = prepared(db, `SELECT f_location FROM ${T_TABLE} WHERE f_location IS NOT NULL`).all() as { f_location: string }[];
  return new Set(rows.map((r) => r.f_location));
}

function toView(r: Record<string, unknown>): TableView {
  return {
    namespace: r.f_namespace as string,
    name: r.f_name as string,
    location: r.f_location as string | null,
    partition: r.f_partition as number,
    count: r.f_count as number,
    countUpload: r.f_count_upload as number,
    meta: JSON.parse(r.f_meta as string) as Record<string, unknown>,
    jobId: r.f_job_id as string,
  };
}

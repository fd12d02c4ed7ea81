import type { Database } from 'better-sqlite3';
import { selectWhere } from '../filters.js';
import { T_TASK, TASK_COLUMNS } from './schema.js';

export type TaskRow = Record<(typeof TASK_COLUMNS)[number], string | number | null>;

/** Unlike job/query, an empty filter lists every task (contract 5.9). */
export function queryTasks(db: Database, filters: Record<string, unknown>): TaskRow[] {
  return selectWhere(db, T_TASK, TASK_COLUMNS, filters, 'seq') as TaskRow[];
}

/** Successful upload tasks, newest first (upload history). */
export function successfulUploadTasks(db: Database, jobId: string | undefined, limit: number | undefined): TaskRow[] {
  const filters: Record<string, unknown> = { component_name: 'upload_0', status: 'success' };
  if (jobId !== undefined) filters.job_id = jobId;
  return selectWhere(db, T_TASK, TASK_COLUMNS, filters, 'seq DESC', limit) as TaskRow[];
}

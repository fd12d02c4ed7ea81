import type { Database } from 'better-sqlite3';
import { prepared, selectWhere } from '../filters.js';
import { JOB_COLUMNS, T_JOB } from './schema.js';

export type JobRow = Record<(typeof JOB_COLUMNS)[number], string | number | null>;

/** Rows matching every recognised filter (names without the f_ prefix); unknown keys are ignored. */
export function queryJobs(db: Database, filters: Record<string, unknown>): JobRow[] {
  return selectWhere(db, T_JOB, JOB_COLUMNS, filters, 'seq') as JobRow[];
}

/** How many filters of the request name a t_job column (job/query refuses zero). */
export function recognisedJobFilters(filters: Record<string, unknown>): string[] {
  return Object.keys(filters).filter((k) => (JOB_COLUMNS as readonly string[]).includes(`f_${k}`) && k !== 'reason');
}

export function jobsInStatus(db: Database, statuses: readonly string[]): JobRow[] {
  const marks = statuses.map(() => '?').join(',');
  return prepared(db, `SELECT ${JOB_COLUMNS.join(',')} FROM ${T_JOB} WHERE f_status IN (${marks}) ORDER BY seq`).all(...statuses) as JobRow[];
}

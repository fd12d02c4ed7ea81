import type { Database } from 'better-sqlite3';
import { selectWhere } from '../filters.js';
import { DATA_VIEW_COLUMNS, T_DATA_VIEW } from './schema.js';

export type DataViewRow = Record<(typeof DATA_VIEW_COLUMNS)[number], string | number | null>;

export function queryDataViews(db: Database, filters: Record<string, unknown>): DataViewRow[] {
  return selectWhere(db, T_DATA_VIEW, DATA_VIEW_COLUMNS, filters, 'seq') as DataViewRow[];
}

/** Recognised data-view filters of a request (table/delete by job needs at least one). */
export function recognisedDataViewFilters(filters: Record<string, unknown>): string[] {
  return Object.keys(filters).filter((k) => (DATA_VIEW_COLUMNS as readonly string[]).includes(`f_${k}`));
}

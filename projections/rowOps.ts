// Projections are pure: for an event they return row operations; the runner executes them.
import type { RecordedEvent } from '../src/store/eventStore.js';

export type Cell = string | number | null;
export type Row = Record<string, Cell>;

export type RowOp =
  /** INSERT OR REPLACE of a whole row. */
  | { readonly op: 'upsert'; readonly table: string; readonly row: Row }
  /** INSERT; a row with the same key is an error (an event applied twice must be skipped by the checkpoint). */
  | { readonly op: 'insert'; readonly table: string; readonly row: Row }
  | { readonly op: 'update'; readonly table: string; readonly where: Row; readonly set: Row }
  | { readonly op: 'delete'; readonly table: string; readonly where: Row };

export interface Projection {
  readonly name: string;
  /** CREATE TABLE / CREATE INDEX statements; the tables are dropped on rebuild. */
  readonly schema: readonly string[];
  readonly tables: readonly string[];
  project(event: RecordedEvent): readonly RowOp[];
}

/** JSON columns are stored as strings, exactly as FATE's rows expose them. */
export const json = (value: unknown): string => JSON.stringify(value ?? {});

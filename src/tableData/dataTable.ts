// The table data every layer shares: a table's schema and its rows, and a row as DataIO makes it.
// Components read and write these; the table store (src/store/tables) and the computing API
// (src/compute) keep and read them, which is why they live below src/components.

import type { InstanceColumns } from './columns.js';

/** A dense sample as DataIO produces it. */
export interface Instance {
  readonly features: number[];
  readonly label?: number;
}

/** Output schema of a table, as FATE shows it (`schema` in the table metas). */
export interface Schema {
  /** Feature (or value) column names. */
  readonly header: string[];
  /** Name of the id column, e.g. `id`. */
  readonly sid_name: string;
  readonly label_name?: string;
}

/**
 * A table a component reads or writes, in key order. Uploaded tables arrive as
 * `DataTable<string>` (the CSV rest-of-line) with schema from their metas
 * (header split on ',', sid_name = the uploaded sid); DataIO and later produce `DataTable<Instance>`;
 * predicting components produce rows `[label, predict_result, predict_score, predict_detail, type]`.
 */
export interface DataTable<V = unknown> {
  readonly schema: Schema;
  readonly rows: [key: string, value: V][];
  /**
   * The same instances as typed columns, when the table was read or built that way (columns.ts):
   * a component that works on columns uses them and never touches `rows`, which are then built
   * only if someone asks. Never set by hand: `columnarTable()` makes such a table.
   */
  readonly columns?: InstanceColumns;
}

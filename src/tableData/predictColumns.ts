// A predict table (FATE's rows [label, predict_result, predict_score, predict_detail, type]) as typed
// columns (issue 17): a model's predictions of a million rows were a million arrays, each with a
// detail object, written as a million JSON texts and parsed back by Evaluation. Here they are the
// keys, three Float64Array columns and the type; predict_detail is derived from the score (binary)
// or kept as one probability column per class (one-vs-rest). The same pattern as columns.ts: the
// columns are a non-enumerable property, `rows` are built on first use, for code that wants rows.
import type { DataTable, Schema } from './dataTable.js';

export interface PredictColumns {
  readonly keys: readonly string[];
  /** The rows' labels; null when the predicted table has none (the rows show null). */
  readonly labels: Float64Array | null;
  readonly results: Float64Array;
  readonly scores: Float64Array;
  /** binary: predict_detail is {"0": 1 − score, "1": score}; classes: {class: probability} in class order. */
  readonly detail: { readonly kind: 'binary' } | { readonly kind: 'classes'; readonly classes: readonly string[]; readonly probs: readonly Float64Array[] };
  /** The type column (train, validate, predict …), one for the whole table. */
  readonly type: string;
  /**
   * Rows show the values as a JSON text of them reads back (NaN and ±Infinity null, -0 as 0): set on
   * columns read from a stored table, whose readers got exactly that when predictions were JSON.
   */
  readonly asJson?: boolean;
}

/** FATE's columns of a predict table, after the id. */
export const PREDICT_HEADER: readonly string[] = ['label', 'predict_result', 'predict_score', 'predict_detail', 'type'];

/** The schema of a predict table whose ids are in column `sidName`. */
export function predictSchema(sidName: string): Schema {
  return { header: [...PREDICT_HEADER], sid_name: sidName };
}

const PREDICT_COLUMNS = 'predictColumns';
const ROWS_BUILT = Symbol('predictRowsBuilt');

type PredictRow = [string, unknown[]];

/** A DataTable backed by predict columns: `rows` built on first use (and kept). */
export function predictTable(schema: Schema, columns: PredictColumns): DataTable {
  let rows: PredictRow[] | undefined;
  const table = {
    schema,
    get rows(): PredictRow[] {
      return (rows ??= predictRowsOf(columns));
    },
  };
  Object.defineProperty(table, PREDICT_COLUMNS, { value: columns, enumerable: false });
  Object.defineProperty(table, ROWS_BUILT, { get: () => rows !== undefined, enumerable: false });
  return table;
}

/** The predict columns of a table whose rows were never handed out (so could not have been changed). */
export function predictColumnsOf(table: DataTable): PredictColumns | undefined {
  const t = table as DataTable & { [PREDICT_COLUMNS]?: PredictColumns; [ROWS_BUILT]?: boolean };
  return t[PREDICT_COLUMNS] && t[ROWS_BUILT] === false ? t[PREDICT_COLUMNS] : undefined;
}

/** Rows [from, to) as FATE's rows (values as JSON gives them back when `c.asJson`). */
export function predictRowsOf(c: PredictColumns, from = 0, to = c.keys.length): PredictRow[] {
  const asJson = c.asJson === true;
  const out = new Array<PredictRow>(Math.max(0, to - from));
  const num = asJson ? jsonNumber : (v: number) => v;
  const detail = c.detail;
  for (let r = from; r < to; r++) {
    const s = c.scores[r]!;
    let d: Record<string, unknown>;
    if (detail.kind === 'binary') d = { '0': num(1 - s), '1': num(s) };
    else {
      d = {};
      for (let k = 0; k < detail.classes.length; k++) d[detail.classes[k]!] = num(detail.probs[k]![r]!);
    }
    const label = c.labels ? num(c.labels[r]!) : null;
    out[r - from] = [c.keys[r]!, [label, num(c.results[r]!), num(s), d, c.type]];
  }
  return out;
}

/** A number as JSON.parse(JSON.stringify(v)) gives it back. */
export function jsonNumber(v: number): number | null {
  return Number.isFinite(v) ? (v === 0 ? 0 : v) : null;
}

// A party's data as typed feature columns (issue 17), for HeteroLR, HeteroLinR and HeteroPoisson
// (and RowsById for HeteroSecureBoost): mini-batches, W·x and gradients run over the Float64Array
// columns of the table (columns.ts), never over `table.rows` — a columnar table of a million rows
// would otherwise build a million row objects. Row tables (tests, small jobs) are converted by
// `columnsOf`, so there is one code path.
//
// Every sum is taken in the order the row code took it (per row: 0, then w_0·x_0, w_1·x_1, … in
// feature order), so scores, gradients and models are the same numbers to the last bit.
import { partitionedTableOf } from '../../compute/compute.js';
import { columnsOf, type InstanceColumns } from '../../tableData/columns.js';
import type { DataTable, Instance } from '../../tableData/dataTable.js';
import { type IdList, PackedIds } from '../../tableData/packedIds.js';
import { rowSourceOf, type RowSource } from './rowSource.js';

/** The table's columns, checked against its header. */
export function lrColumns(table: DataTable<Instance>, who = 'HeteroLR'): InstanceColumns {
  const cols = columnsOf(table);
  const width = table.schema.header.length;
  if (!cols) {
    // Rows that are not instances of one width: name the first that differs from the first row.
    const rows = table.rows;
    const first = rows[0]![1];
    for (const [key, inst] of rows) {
      if (!Array.isArray(inst?.features) || inst.features.length !== first.features?.length || inst.features.some((v) => typeof v !== 'number')) {
        throw new Error(`${who}: row ${JSON.stringify(key)} has no numeric features of width ${width}`);
      }
      if ((typeof inst.label === 'number') !== (typeof first.label === 'number')) throw new Error(`${who}: row ${JSON.stringify(key)} has no label`);
    }
    throw new Error(`${who}: the rows are not instances of one shape`);
  }
  // A stored table's width from its metadata: `features` would load the whole table (rowSource.ts).
  const have = partitionedTableOf(cols)?.width ?? cols.features.length;
  if (cols.keys.length > 0 && have !== width) {
    throw new Error(`${who}: the rows have ${have} features, the header names ${width}`);
  }
  return cols;
}

/** The guest's labels: sorted distinct classes; binary fits need 0/1. */
export function classesOfColumns(cols: InstanceColumns, who = 'HeteroLR'): number[] {
  const n = cols.keys.length;
  if (n === 0) return [];
  const labels = cols.labels;
  if (!labels) throw new Error(`${who}: row ${JSON.stringify(cols.keys[0])} has no label`);
  const set = new Set<number>();
  for (let r = 0; r < n; r++) {
    const l = labels[r]!;
    if (Number.isNaN(l)) throw new Error(`${who}: row ${JSON.stringify(cols.keys[r])} has no label`);
    set.add(l);
  }
  const classes = [...set].sort((a, b) => a - b);
  if (classes.length <= 2 && classes.some((c) => c !== 0 && c !== 1)) {
    throw new Error(`${who}: binary labels must be 0/1, got ${classes.join(', ')}`);
  }
  return classes;
}

/** Rows [from, to) of every feature column (views, no copy), plus a column of ones when `intercept`. */
export function rangeColumns(features: readonly Float64Array[], from: number, to: number, intercept: boolean): Float64Array[] {
  const out = features.map((col) => col.subarray(from, to));
  if (intercept) out.push(new Float64Array(to - from).fill(1));
  return out;
}

/** The rows at `index` (in that order) of every feature column, plus a column of ones when `intercept`. */
export function gatherColumns(features: readonly Float64Array[], index: Int32Array, intercept: boolean): Float64Array[] {
  const n = index.length;
  const out = features.map((col) => {
    const c = new Float64Array(n);
    for (let i = 0; i < n; i++) c[i] = col[index[i]!]!;
    return c;
  });
  if (intercept) out.push(new Float64Array(n).fill(1));
  return out;
}

/**
 * Per row W·x over the first `features.length` weights (a column of ones is not among `features`):
 * column by column into one accumulator per row, which adds the same terms in the same order as a
 * per-row loop, while reading each column once in memory order.
 */
export function dotColumns(w: readonly number[], features: readonly Float64Array[], n: number, into?: Float64Array): Float64Array {
  // `into`: a caller's scratch of n values, reused step after step (zeroed here: the same sums).
  const out = into ? into.fill(0) : new Float64Array(n);
  for (let j = 0; j < features.length; j++) {
    const col = features[j]!;
    const wj = w[j]!;
    for (let i = 0; i < n; i++) out[i] += wj * col[i]!;
  }
  return out;
}

/**
 * A party's rows by id, for the ids another party names (a host's batches, its partial scores).
 * Ids named in the table's own order (the usual case: both parties' intersected tables are in key
 * order) are a range of the columns and need no index; otherwise a Map of every id is built once.
 */
export class RowsById {
  private byKey: Map<string, number> | null = null;
  /** Where the last range ended: the next batch usually starts there. */
  private next = 0;
  /** The rows' features a range at a time (read from storage for a big stored table: rowSource.ts). */
  readonly source: RowSource;

  constructor(
    readonly columns: InstanceColumns,
    private readonly who = 'HeteroLR',
  ) {
    this.source = rowSourceOf(columns);
  }

  /**
   * The rows named by `keys` as a range of the source to read at each use (`from`), when they are a
   * run of this table's ids and the source is read from storage; else their feature columns now
   * (as {@link features}).
   */
  batchOf(keys: IdList): { readonly from: number; readonly features: null } | { readonly from: -1; readonly features: Float64Array[] } {
    if (!this.source.stable) {
      const start = this.rangeStart(keys);
      if (start >= 0) {
        this.next = start + keys.length;
        return { from: start, features: null };
      }
    }
    return { from: -1, features: this.features(keys) };
  }

  /** Per model w: W·x of the rows named by `keys` (dotColumns's sums; read a piece at a time from storage). */
  dots(keys: IdList, coefs: readonly (readonly number[])[]): Float64Array[] {
    if (!this.source.stable) {
      const start = this.rangeStart(keys);
      if (start >= 0) {
        this.next = start + keys.length;
        return coefs.map((w) => this.source.dot(w, start, start + keys.length));
      }
    }
    const features = this.features(keys);
    return coefs.map((w) => dotColumns(w, features, keys.length));
  }

  /**
   * The feature columns of the rows named by `keys`, in that order (+ ones when `intercept`). The
   * ids may be packed (packedIds.ts): a run of this table's ids is recognised in place, without a
   * string per id.
   */
  features(keys: IdList, intercept = false): Float64Array[] {
    const start = this.rangeStart(keys);
    if (start >= 0) {
      this.next = start + keys.length;
      return rangeColumns(this.columns.features, start, start + keys.length, intercept);
    }
    return gatherColumns(this.columns.features, this.indexes(keys instanceof PackedIds ? keys.toArray() : keys), intercept);
  }

  /**
   * Where the ids `keys` stand among rows [from, to) of this table, relative to `from`, when they are
   * in the table's order there (an sqn sample of a batch); undefined when they are not. A walk over
   * the run: no index of every id (and no read of a big stored table's values).
   */
  positionsIn(keys: readonly string[], from: number, to: number): Int32Array | undefined {
    const own = this.columns.keys;
    const out = new Int32Array(keys.length);
    let r = from;
    for (let i = 0; i < keys.length; i++) {
      while (r < to && own[r] !== keys[i]) r++;
      if (r === to) return undefined;
      out[i] = r++ - from;
    }
    return out;
  }

  /** Row indexes of `keys`; throws naming the first unknown id. */
  indexes(keys: readonly string[]): Int32Array {
    const byKey = (this.byKey ??= new Map(this.columns.keys.map((k, i) => [k, i])));
    const out = new Int32Array(keys.length);
    for (let i = 0; i < keys.length; i++) {
      const r = byKey.get(keys[i]!);
      if (r === undefined) throw new Error(`${this.who}: host has no row for id ${JSON.stringify(keys[i])} (intersect first)`);
      out[i] = r;
    }
    return out;
  }

  /** The start of `keys` as a run of this table's ids, or -1. */
  private rangeStart(keys: IdList): number {
    const own = this.columns.keys;
    const n = keys.length;
    if (n === 0) return this.next <= own.length ? this.next : 0;
    for (const start of [this.next, 0]) {
      if (start + n > own.length) continue;
      let i = 0;
      if (keys instanceof PackedIds) while (i < n && keys.equals(i, own[start + i]!)) i++;
      else while (i < n && own[start + i] === keys[i]) i++;
      if (i === n) return start;
    }
    return -1;
  }
}

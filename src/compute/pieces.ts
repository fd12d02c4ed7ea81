// A stored partitioned table read in the calling thread, rows [from, to) at a time (issue 17): the
// streaming half of the computing API (compute.ts PartitionedTable's `rows`, `labels`,
// `forEachPiece`). Components run on their party's own worker thread, so a piece read here costs no
// thread hop: each partition file is read into this thread's scratch buffer
// (`readPartitionColumnsTransient`) and the asked rows copied into buffers the caller reuses, so a
// table of ten million rows is never whole in memory. The output writer reads a stored table's kept
// rows through the same functions.
import { float64Column, readPartitionColumnsTransient, type ColumnarMeta } from '../store/tables/columnarTable.js';

/** Where lazily read columns come from: the input table and its rows (ascending; all when undefined). */
export interface StoredRows {
  readonly dir: string;
  readonly meta: ColumnarMeta;
  readonly rows: Int32Array | undefined;
  /** Applied in place to the feature columns of every piece read (columns.ts `mapStoredFeatures`). */
  readonly mapFeatures?: (features: Float64Array[]) => void;
}

/** Where {@link readStoredRows} may put its rows: one array per feature (and labels), each at least `to - from` long. */
export interface StoredRowsBuffers {
  readonly features: readonly Float64Array[];
  readonly labels?: Float64Array;
}

/** Reusable row buffers and how many rows they hold. */
export interface SizedRowBuffers extends StoredRowsBuffers {
  readonly size: number;
}

/**
 * Buffers for `n` rows of `width` features (and labels when `labelled`): `held` itself when it is big
 * enough, else new ones of at least `n` and `held`'s size (a reader going through a table reuses the
 * same memory: fresh pages are what costs at 10M rows).
 */
export function rowBuffers(width: number, labelled: boolean, n: number, held?: SizedRowBuffers): SizedRowBuffers {
  if (held && held.size >= n) return held;
  const size = Math.max(n, held?.size ?? 0);
  return {
    size,
    features: Array.from({ length: width }, () => new Float64Array(size)),
    ...(labelled ? { labels: new Float64Array(size) } : {}),
  };
}

/**
 * Rows [from, to) of the source's rows, read from its partition files: features and labels. Into
 * `into` when given (the result is views of its first `to - from` values: a reader that goes through a
 * table in pieces reuses the same memory, issue 17), else into new arrays.
 */
export function readStoredRows(source: StoredRows, from: number, to: number, into?: StoredRowsBuffers): { features: Float64Array[]; labels?: Float64Array } {
  const { dir, meta, rows } = source;
  const width = meta.width ?? 0;
  const n = to - from;
  const features = Array.from({ length: width }, (_, c) => (into ? into.features[c]!.subarray(0, n) : new Float64Array(n)));
  const labels = meta.labelled ? (into?.labels ? into.labels.subarray(0, n) : new Float64Array(n)) : undefined;
  const first = meta.labelled ? 2 : 1;
  // Partition p holds input rows [starts[p], starts[p + 1]); the rows asked for ascend, so each
  // partition is read once (the one in hand is kept until a row past it is asked for).
  const starts = partitionStarts(meta);
  if (!rows) {
    // Every row in order: each partition's part of [from, to) copied column by column.
    for (let q = partitionOf(starts, Math.min(from, starts[starts.length - 1]! - 1)); n > 0 && q < meta.partitionRows.length && starts[q]! < to; q++) {
      const data = readPartitionColumnsTransient(dir, q);
      const lo = Math.max(from, starts[q]!);
      const hi = Math.min(to, starts[q + 1]!);
      const local = (column: Float64Array) => column.subarray(lo - starts[q]!, hi - starts[q]!);
      for (let c = 0; c < width; c++) features[c]!.set(local(float64Column(data[first + c]!)), lo - from);
      if (labels) labels.set(local(float64Column(data[1]!)), lo - from);
    }
    source.mapFeatures?.(features);
    return { features, ...(labels ? { labels } : {}) };
  }
  // The rows asked for, a partition's run at a time, gathered column by column (one column's
  // values and one output array in hand at a time: a row at a time touched every column per row).
  for (let i = 0; i < n; ) {
    const p = partitionOf(starts, rows[from + i]!);
    const lo = starts[p]!;
    const hi = starts[p + 1]!;
    let end = i + 1;
    while (end < n && rows[from + end]! >= lo && rows[from + end]! < hi) end++;
    const data = readPartitionColumnsTransient(dir, p);
    for (let c = 0; c < width; c++) gather(float64Column(data[first + c]!), features[c]!, rows, from, i, end, lo);
    if (labels) gather(float64Column(data[1]!), labels, rows, from, i, end, lo);
    i = end;
  }
  source.mapFeatures?.(features);
  return { features, ...(labels ? { labels } : {}) };
}

/** out[i] = column[rows[from + i] - base] for i in [i0, i1). */
function gather(column: Float64Array, out: Float64Array, rows: Int32Array, from: number, i0: number, i1: number, base: number): void {
  for (let i = i0; i < i1; i++) out[i] = column[rows[from + i]! - base]!;
}

/** The source's labels alone (the features are not copied); undefined when it is not labelled. */
export function readStoredLabels(source: StoredRows): Float64Array | undefined {
  const { dir, meta, rows } = source;
  if (!meta.labelled) return undefined;
  const starts = partitionStarts(meta);
  const n = rows ? rows.length : meta.count;
  const out = new Float64Array(n);
  let p = -1;
  let column: Float64Array = new Float64Array(0);
  for (let i = 0; i < n; i++) {
    const r = rows ? rows[i]! : i;
    if (p < 0 || r >= starts[p + 1]! || r < starts[p]!) {
      p = partitionOf(starts, r);
      column = float64Column(readPartitionColumnsTransient(dir, p)[1]!);
    }
    out[i] = column[r - starts[p]!]!;
  }
  return out;
}

/** Where each partition's rows start, and the row count last: partition p holds rows [starts[p], starts[p + 1]). */
export function partitionStarts(meta: ColumnarMeta): number[] {
  const starts = [0];
  for (const count of meta.partitionRows) starts.push(starts[starts.length - 1]! + count);
  return starts;
}

/** The partition that holds row r. */
export function partitionOf(starts: readonly number[], r: number): number {
  let lo = 0;
  let hi = starts.length - 2;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid]! <= r) lo = mid;
    else hi = mid - 1;
  }
  if (!(r >= starts[lo]! && r < starts[lo + 1]!)) throw new Error(`row ${r} is past the table's ${starts[starts.length - 1]} rows`);
  return lo;
}

/** Rows per piece when a stored table is gone through whole (the store's partition size). */
export const PIECE_ROWS = 1 << 17;

/** A piece of a stored table: its feature columns (and labels) for rows [from, to). */
export interface Piece {
  readonly from: number;
  readonly to: number;
  readonly features: readonly Float64Array[];
  readonly labels?: Float64Array;
}

/**
 * Every row of the source in order, `pieceRows` at a time, each piece read into the same buffers
 * (valid until the next piece: `visit` must not keep them).
 */
export function forEachPiece(source: StoredRows, visit: (piece: Piece) => void, pieceRows = PIECE_ROWS): void {
  const count = source.rows ? source.rows.length : source.meta.count;
  const into = rowBuffers(source.meta.width ?? 0, source.meta.labelled === true, Math.min(count, pieceRows));
  for (let from = 0; from < count; from += pieceRows) {
    const to = Math.min(count, from + pieceRows);
    visit({ from, to, ...readStoredRows(source, from, to, into) });
  }
}

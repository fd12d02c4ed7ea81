// A big stored instance table's columns, read lazily (issue 17). The keys, and the feature and
// label columns, only when a component first asks for them (a component that passes the keys on
// never makes their strings: the writer copies their bytes, `readStoredKeys`). A component that keeps a
// subset of the rows without reading any value (Intersection) takes them with `takeUnloaded`
// (columns.ts), and the output writer then copies the kept rows from the input's partition files
// to the output's a partition at a time: the table's features are never whole in memory for that
// step (at 10M rows × 20 features, 1.6 GB per party that Intersection used to load only to write
// back 90 % of it).
//
// Only tables too big for a task worker to hand to the next task in memory (RecentOutputs'
// limit) are read this way: the next task reads them back from their files anyway, and smaller
// tables keep the plain path (one read of each partition, no second one for the values).
import type { InstanceColumns } from '../../components/columns.js';
import { KEYS_UNREAD, MAP_STORED, ROW_COUNT, STORED_ROWS, TAKE_UNLOADED, type StoredRowsReader } from '../../components/columns.js';
import type { Data, Utf8 } from 'apache-arrow';
import { arrow, decodeUtf8Column, float64Column, readColumnarMeta, readPartitionColumnsTransient, type ColumnarMeta } from './columnarTable.js';

/** Where lazily read columns come from: the input table and its rows (ascending; all when undefined). */
export interface StoredRows {
  readonly dir: string;
  readonly meta: ColumnarMeta;
  readonly rows: Int32Array | undefined;
  /** Applied in place to the feature columns of every piece read (columns.ts `mapStoredFeatures`). */
  readonly mapFeatures?: (features: Float64Array[]) => void;
}

const SOURCE = Symbol('storedRows');

/**
 * An instances table's columns with the values read on first use, and the keys too (their strings
 * are made when `keys` is first read: a component that passes them on never makes them); undefined
 * for any other kind.
 */
export function storedColumns(dir: string): InstanceColumns | undefined {
  const meta = readColumnarMeta(dir);
  if (meta.kind !== 'instances') return undefined;
  let total = 0;
  for (const count of meta.partitionRows) total += count;
  if (total !== meta.count) throw new Error(`${dir}: its partitions hold ${total} rows, its count is ${meta.count}`);
  const readKeys = (): string[] => {
    const keys = new Array<string>(meta.count);
    let at = 0;
    for (let p = 0; p < meta.partitionRows.length; p++) {
      const part = decodeUtf8Column(readPartitionColumnsTransient(dir, p)[0]!);
      if (at + part.length > meta.count) throw new Error(`${dir}: its partitions hold more rows than its count ${meta.count}`);
      for (let r = 0; r < part.length; r++) keys[at + r] = part[r]!;
      at += part.length;
    }
    if (at !== meta.count) throw new Error(`${dir}: its partitions hold ${at} rows, its count is ${meta.count}`);
    return keys;
  };
  return lazyColumns(readKeys, meta.count, { dir, meta, rows: undefined });
}

/**
 * The source of columns whose keys were never read (the writer then copies their bytes from the
 * source's partitions, {@link readStoredKeys}), else undefined.
 */
export function unreadKeysSource(columns: InstanceColumns): StoredRows | undefined {
  return (columns as { [KEYS_UNREAD]?: () => StoredRows | undefined })[KEYS_UNREAD]?.();
}

/** Rows [from, to) of the source's keys as a Utf8 column: their bytes copied, no string made. */
export function readStoredKeys(source: StoredRows, from: number, to: number): Data<Utf8> {
  const { dir, meta, rows } = source;
  const n = to - from;
  const starts = [0];
  for (const count of meta.partitionRows) starts.push(starts[starts.length - 1]! + count);
  const offsets = new Int32Array(n + 1);
  // Bytes copied one by one into a buffer grown by doubling (ids are short: no view or slice per row).
  let out = new Uint8Array(Math.max(16, n * 12));
  let length = 0;
  let p = -1;
  let partOffsets: Int32Array = new Int32Array(0);
  let partBytes: Uint8Array = new Uint8Array(0);
  for (let i = 0; i < n; i++) {
    const r = rows ? rows[from + i]! : from + i;
    if (p < 0 || r >= starts[p + 1]! || r < starts[p]!) {
      p = partitionOf(starts, r);
      const data = readPartitionColumnsTransient(dir, p)[0]!;
      partOffsets = (data.valueOffsets as Int32Array).subarray(data.offset, data.offset + data.length + 1);
      partBytes = data.values as Uint8Array;
    }
    const local = r - starts[p]!;
    const a = partOffsets[local]!;
    const b = partOffsets[local + 1]!;
    if (length + (b - a) > out.length) {
      const grown = new Uint8Array(Math.max(out.length * 2, length + (b - a)));
      grown.set(out.subarray(0, length));
      out = grown;
    }
    for (let k = a; k < b; k++) out[length++] = partBytes[k]!;
    offsets[i + 1] = length;
  }
  const { Utf8, makeData } = arrow();
  return makeData({ type: new Utf8(), length: n, nullCount: 0, valueOffsets: offsets, data: out.subarray(0, length) });
}

/**
 * The source of columns whose values were never read (the writer then copies them file to file),
 * else undefined.
 */
export function unloadedSource(columns: InstanceColumns): StoredRows | undefined {
  return (columns as { [SOURCE]?: () => StoredRows | undefined })[SOURCE]?.();
}

/** Where {@link readStoredRows} may put its rows: one array per feature (and labels), each at least `to - from` long. */
export interface StoredRowsBuffers {
  readonly features: readonly Float64Array[];
  readonly labels?: Float64Array;
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
  const starts = [0];
  for (const count of meta.partitionRows) starts.push(starts[starts.length - 1]! + count);
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
  let p = -1;
  let columns: Float64Array[] = [];
  let labelColumn: Float64Array | undefined;
  for (let i = 0; i < n; i++) {
    const r = rows[from + i]!;
    if (p < 0 || r >= starts[p + 1]! || r < starts[p]!) {
      p = partitionOf(starts, r);
      const data = readPartitionColumnsTransient(dir, p);
      columns = Array.from({ length: width }, (_, c) => float64Column(data[first + c]!));
      labelColumn = meta.labelled ? float64Column(data[1]!) : undefined;
    }
    const local = r - starts[p]!;
    for (let c = 0; c < width; c++) features[c]![i] = columns[c]![local]!;
    if (labels) labels[i] = labelColumn![local]!;
  }
  source.mapFeatures?.(features);
  return { features, ...(labels ? { labels } : {}) };
}

/** The source's labels alone (the features are not copied); undefined when it is not labelled. */
export function readStoredLabels(source: StoredRows): Float64Array | undefined {
  const { dir, meta, rows } = source;
  if (!meta.labelled) return undefined;
  const starts = [0];
  for (const count of meta.partitionRows) starts.push(starts[starts.length - 1]! + count);
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

function partitionOf(starts: readonly number[], r: number): number {
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

/**
 * Columns of `keys` whose values are `source`'s rows, read on first use of `features` or `labels`
 * (then kept). `[TAKE_UNLOADED]` keeps a subset without reading them; `[SOURCE]` names the source
 * while nothing was read.
 */
function lazyColumns(keysOf: readonly string[] | (() => string[]), count: number, source: StoredRows): InstanceColumns {
  let values: { features: Float64Array[]; labels?: Float64Array } | undefined;
  let keys = typeof keysOf === 'function' ? undefined : keysOf;
  const keysNow = (): readonly string[] => (keys ??= (keysOf as () => string[])());
  const load = () => (values ??= readStoredRows(source, 0, count));
  const columns = {} as { keys: readonly string[]; features: Float64Array[]; labels?: Float64Array; labelFirst?: boolean };
  Object.defineProperty(columns, 'keys', { get: keysNow, enumerable: true });
  Object.defineProperty(columns, 'features', { get: () => load().features, enumerable: true });
  if (source.meta.labelled) Object.defineProperty(columns, 'labels', { get: () => load().labels, enumerable: true });
  if (source.meta.labelFirst) columns.labelFirst = true;
  Object.defineProperty(columns, ROW_COUNT, { value: count, enumerable: false });
  Object.defineProperty(columns, KEYS_UNREAD, { value: () => (keys ? undefined : source), enumerable: false });
  Object.defineProperty(columns, SOURCE, { value: () => (values ? undefined : source), enumerable: false });
  const reader: StoredRowsReader = {
    width: source.meta.width ?? 0,
    labelled: source.meta.labelled === true,
    rows: (from, to, into) => readStoredRows(source, from, to, into),
    labels: () => readStoredLabels(source),
  };
  Object.defineProperty(columns, STORED_ROWS, { value: () => (values ? undefined : reader), enumerable: false });
  Object.defineProperty(columns, MAP_STORED, {
    enumerable: false,
    value: (map: (features: Float64Array[]) => void, labelFirst: boolean): InstanceColumns | undefined => {
      if (values) return undefined;
      const before = source.mapFeatures;
      const mapFeatures = before ? (features: Float64Array[]) => (before(features), map(features)) : map;
      const { labelFirst: _, ...meta } = source.meta;
      return lazyColumns(keys ?? keysOf, count, { ...source, meta: labelFirst ? { ...meta, labelFirst: true } : meta, mapFeatures });
    },
  });
  Object.defineProperty(columns, TAKE_UNLOADED, {
    enumerable: false,
    value: (indexes: Int32Array): InstanceColumns | undefined => {
      if (values) return undefined;
      const all = keysNow();
      const taken = new Array<string>(indexes.length);
      const rows = new Int32Array(indexes.length);
      for (let i = 0; i < indexes.length; i++) {
        taken[i] = all[indexes[i]!]!;
        rows[i] = source.rows ? source.rows[indexes[i]!]! : indexes[i]!;
      }
      return lazyColumns(taken, taken.length, { ...source, rows });
    },
  });
  return columns;
}

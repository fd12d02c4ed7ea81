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
import { KEYS_PACKED, KEYS_UNREAD, MAP_STORED, ROW_COUNT, STORED_ROWS, TAKE_UNLOADED, type StoredRowsReader } from '../../components/columns.js';
import type { Data, Utf8 } from 'apache-arrow';
import { knownJoinedIds, type PackedStrings } from '../../components/packedIds.js';
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
  return lazyColumns(undefined, meta.count, { dir, meta, rows: undefined });
}

/** Past this many bytes the keys are decoded one by one (V8 refuses strings over ~2^29 characters; lineFile.ts stops at 2^28 too). */
const JOIN_MAX_BYTES = 2 ** 28;

/**
 * The source's keys (at its rows) as one string: their bytes with '\n' between them, decoded once.
 * Undefined when a key holds a '\n' or the keys are too long for one string. What the raw
 * Intersection reads its own ids from (packedIds.ts PackedIds: compared where they stand, no string
 * per key, issue 17) and what the keys are split from when a component asks for them: decoding and
 * then joining 10M key strings cost more than the rows' growth (a string per key on a heap that
 * holds them all, and the join again for the send).
 */
function joinedKeysOf(source: StoredRows, count: number): string | undefined {
  const copied = copyKeyBytes(source, 0, count, { separated: true, maxBytes: JOIN_MAX_BYTES });
  return copied && keyDecoder.decode(copied.subarray(0, Math.max(0, copied.length - 1)));
}

/**
 * Rows [from, to) of the source's key bytes, copied one by one into a buffer grown by doubling
 * (partition reads are transient: their views die at the next read; ids are short: no view or
 * slice per row). `separated`: a '\n' after each key, and undefined when a key holds one.
 * `offsets`: where each key ends is written at [i + 1]. Undefined past `maxBytes`.
 */
function copyKeyBytes(source: StoredRows, from: number, to: number, how: { readonly separated: boolean; readonly maxBytes: number; readonly offsets?: Int32Array }): Uint8Array | undefined {
  const { dir, meta, rows } = source;
  const { separated, maxBytes, offsets } = how;
  const starts = [0];
  for (const n of meta.partitionRows) starts.push(starts[starts.length - 1]! + n);
  const n = to - from;
  let out = new Uint8Array(Math.max(16, Math.min(maxBytes, n * 12)));
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
    const need = length + (b - a) + (separated ? 1 : 0);
    if (need > out.length) {
      if (need > maxBytes) return undefined;
      const grown = new Uint8Array(Math.min(maxBytes, Math.max(out.length * 2, need)));
      grown.set(out.subarray(0, length));
      out = grown;
    }
    if (separated) {
      for (let k = a; k < b; k++) {
        const byte = partBytes[k]!;
        if (byte === 0x0a) return undefined;
        out[length++] = byte;
      }
      out[length++] = 0x0a;
    } else {
      for (let k = a; k < b; k++) out[length++] = partBytes[k]!;
      offsets![i + 1] = length;
    }
  }
  return out.subarray(0, length);
}

// ignoreBOM: a key that begins with U+FEFF keeps it (the stream's start is a key's start, not a file's).
const keyDecoder = new TextDecoder('utf-8', { ignoreBOM: true });

/** The source's keys as strings: split from their join (then recorded as their join), else decoded one by one. */
function keysOfSource(source: StoredRows, count: number, joined: string | undefined): string[] {
  if (count === 0) return [];
  if (joined !== undefined) {
    const keys = joined.split('\n');
    if (keys.length !== count) throw new Error(`${source.dir}: ${keys.length} keys read for ${count} rows`);
    knownJoinedIds(keys, joined);
    return keys;
  }
  return decodeUtf8Column(readStoredKeys(source, 0, count));
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
  const n = to - from;
  const offsets = new Int32Array(n + 1);
  const data = copyKeyBytes(source, from, to, { separated: false, maxBytes: Number.MAX_SAFE_INTEGER, offsets })!;
  const { Utf8, makeData } = arrow();
  return makeData({ type: new Utf8(), length: n, nullCount: 0, valueOffsets: offsets, data });
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

let rowsLoadedWhole = 0;

/**
 * How many rows lazily read columns have loaded whole in this thread (their `features` or `labels`
 * read): what the streamed paths (HeteroLR's batches, validation, folds and sqn samples) must keep
 * at 0; tests read it before and after a run.
 */
export const storedRowsLoadedWhole = (): number => rowsLoadedWhole;

/**
 * Columns of `keys` whose values are `source`'s rows, read on first use of `features` or `labels`
 * (then kept). `[TAKE_UNLOADED]` keeps a subset without reading them; `[SOURCE]` names the source
 * while nothing was read.
 */
function lazyColumns(keysOf: readonly string[] | undefined, count: number, source: StoredRows, keysAreSources = false): InstanceColumns {
  let values: { features: Float64Array[]; labels?: Float64Array } | undefined;
  let keys = keysOf;
  // The keys' join, read once (null: they cannot be joined); keys read later are split from it.
  let joined: string | null | undefined;
  const joinedNow = (): string | undefined => (joined === undefined ? (joined = joinedKeysOf(source, count) ?? null) : joined) ?? undefined;
  const keysNow = (): readonly string[] => (keys ??= keysOfSource(source, count, joinedNow()));
  const load = () => {
    if (!values) rowsLoadedWhole += count;
    return (values ??= readStoredRows(source, 0, count));
  };
  const columns = {} as { keys: readonly string[]; features: Float64Array[]; labels?: Float64Array; labelFirst?: boolean };
  Object.defineProperty(columns, 'keys', { get: keysNow, enumerable: true });
  Object.defineProperty(columns, 'features', { get: () => load().features, enumerable: true });
  if (source.meta.labelled) Object.defineProperty(columns, 'labels', { get: () => load().labels, enumerable: true });
  if (source.meta.labelFirst) columns.labelFirst = true;
  Object.defineProperty(columns, ROW_COUNT, { value: count, enumerable: false });
  Object.defineProperty(columns, KEYS_PACKED, {
    enumerable: false,
    value: (): PackedStrings | undefined => {
      if (keys || count === 0) return undefined;
      const all = joinedNow();
      return all === undefined ? undefined : { fedflowPackedStrings: all, count };
    },
  });
  // keysAreSources: the keys were read, but they are the source's at its rows (ascending), so the
  // writer may still copy their bytes and trust their order and uniqueness (TAKE_UNLOADED below).
  Object.defineProperty(columns, KEYS_UNREAD, { value: () => (keys && !keysAreSources ? undefined : source), enumerable: false });
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
      return lazyColumns(keys ?? keysOf, count, { ...source, meta: labelFirst ? { ...meta, labelFirst: true } : meta, mapFeatures }, keysAreSources);
    },
  });
  Object.defineProperty(columns, TAKE_UNLOADED, {
    enumerable: false,
    value: (indexes: Int32Array): InstanceColumns | undefined => {
      if (values) return undefined;
      // Keys never read stay unread: the taken ones are read from the source at their rows if asked.
      // (Rows taken out of order are not in key order: their keys are read, so the writer sorts them.)
      const rows = new Int32Array(indexes.length);
      let ascending = true;
      for (let i = 0; i < indexes.length; i++) {
        rows[i] = source.rows ? source.rows[indexes[i]!]! : indexes[i]!;
        if (i > 0 && rows[i]! <= rows[i - 1]!) ascending = false;
      }
      const all = keys ?? (ascending ? undefined : keysNow());
      let taken: string[] | undefined;
      if (all) {
        taken = new Array<string>(indexes.length);
        for (let i = 0; i < indexes.length; i++) taken[i] = all[indexes[i]!]!;
      }
      // Rows of a stored table (key order, unique keys: its writer checked) taken in ascending order
      // are in key order and unique too: the output writer copies their keys' bytes and skips its
      // sort check and duplicate check (issue 17: two passes of string comparisons over 9M keys).
      return lazyColumns(taken, indexes.length, { ...source, rows }, ascending);
    },
  });
  return columns;
}

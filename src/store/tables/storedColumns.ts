// A big stored instance table's columns, read lazily (issue 17). The keys, and the feature and
// label columns, only when a component first asks for them (a component that passes the keys on
// never makes their strings: the writer copies their bytes, `readStoredKeys`). A component that keeps a
// subset of the rows without reading any value (Intersection) takes them with `takeUnloaded`
// (columns.ts; components reach it, and the packed keys, through compute.ts `PartitionedTable`:
// `take`, `packedKeys`), and the output writer then copies the kept rows from the input's partition files
// to the output's a partition at a time: the table's features are never whole in memory for that
// step (at 10M rows × 20 features, 1.6 GB per party that Intersection used to load only to write
// back 90 % of it).
//
// Only tables too big for a task worker to hand to the next task in memory (RecentOutputs'
// limit) are read this way: the next task reads them back from their files anyway, and smaller
// tables keep the plain path (one read of each partition, no second one for the values).
import type { InstanceColumns } from '../../tableData/columns.js';
import { KEYS_PACKED, KEYS_UNREAD, MAP_STORED, ROW_COUNT, STORED_ROWS, TAKE_UNLOADED } from '../../tableData/columns.js';
import type { Data, Utf8 } from 'apache-arrow';
import { knownJoinedIds, type PackedStrings } from '../../tableData/packedIds.js';
import { partitionOf, partitionStarts, readStoredRows, type StoredRows } from '../../compute/pieces.js';
import { arrow, decodeUtf8Column, readColumnarMeta, readPartitionColumnsTransient } from './columnarTable.js';

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
  const starts = partitionStarts(meta);
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
  // The stored rows, for the computing API to read a piece at a time (compute.ts `partitionedTableOf`).
  Object.defineProperty(columns, STORED_ROWS, { value: () => (values ? undefined : source), enumerable: false });
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

// Large component output tables as partitioned columnar files: a directory `<location>.arrow/`
// holding `table.json` (format, row count, partitions, the kind of values) and one Apache Arrow IPC
// file per partition, `part-00000.arrow`, … Partitions are consecutive ranges of the table's key
// order, so reading them in turn gives the rows in key order (what every reader of a table expects),
// and a partition can be read alone: the tracking endpoint's first 100 rows read one partition, and
// a map over partitions reads each in its own thread.
//
// Columns: `key` (Utf8), then for plain instances ({features, label?}, what DataIO and most
// components produce) `label` (Float64) when labelled and one Float64 column per feature — typed,
// NaN / ±Infinity / -0 kept exactly, no row objects and no text in the file. Any other values are
// one `json` column (Utf8 JSON text: NaN reads back as null, exactly as the SQLite JSON tables did).
//
// Why Arrow IPC (see README "Big tables"): a column is a contiguous buffer, so writing is one copy
// of each Float64Array and reading is zero-copy (the column is a view of the file's bytes); the
// format is the field's standard, read by DuckDB, Polars, pandas and Spark without conversion;
// today's packed file (v8 serialize) is as fast for a small table but must be read whole and is
// readable only by Node; SQLite with JSON values costs a JSON text per row both ways plus a unique
// index (measured in bench/outputTable.bench.ts).
//
// Atomic: the partitions are written in `<location>.arrow.tmp` and the directory is renamed at the
// end; the table is invisible until its event is recorded (a crash leaves an orphan that start-up
// removes, like every table file). Not fsynced (as the packed files are not): a table is the
// output of a task that is rerun if its node dies.
//
// Written without joining: Arrow's `tableToIPC` concatenates a file's messages and column buffers
// into one new buffer before it can be written (a partition of 131,072 rows × 21 columns is a
// 22 MB copy into fresh, page-faulting memory, ~1.1 s over the three wide tables of the 1M-row
// bench); `writeArrowFile` runs the same RecordBatchFileWriter but collects its chunks (small
// headers, padding and views of the columns' own Float64Arrays) and hands them to one writev, so
// the files are byte for byte tableToIPC's (tested) with no copy in JavaScript.
import { closeSync, existsSync, fstatSync, mkdirSync, openSync, readFileSync, readSync, renameSync, rmSync, writeFileSync, writevSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Data, Field, RecordBatch, Utf8 } from 'apache-arrow';
import { DEFAULT_PARTITION_ROWS, partitionBounds, rowCountOf, rowRangesOf, type InstanceColumns } from '../../tableData/columns.js';
import { predictPartition, type PredictMeta } from './predictTableFile.js';
import { readStoredRows } from '../../compute/pieces.js';
import { readStoredKeys, unloadedSource, unreadKeysSource } from './storedColumns.js';
import { predictRowsOf, type PredictColumns } from '../../tableData/predictColumns.js';

/**
 * apache-arrow, loaded on first use: importing it takes ~0.4 s, and every task worker imports the
 * table store while most jobs never write a table this large (a stop sent during that import would
 * wait for it).
 */
let arrowModule: typeof import('apache-arrow') | undefined;
export const arrow = (): typeof import('apache-arrow') => (arrowModule ??= createRequire(import.meta.url)('apache-arrow') as typeof import('apache-arrow'));

export const COLUMNAR_SUFFIX = '.arrow';
export const FORMAT = 'fedflow.columnar-table.v1';
/** Rows per partition when the writer is not told a partition count (where a table is cut: columns.ts partitionBounds). */
export { DEFAULT_PARTITION_ROWS };

type Row = readonly [key: string, value: unknown];

export interface ColumnarMeta {
  readonly format: typeof FORMAT;
  readonly count: number;
  /** Rows of each partition, in key order. */
  readonly partitionRows: number[];
  /** `instances`: key, [label], f0..f{width-1}; `json`: key, json; `predict`: predictTableFile.ts. */
  readonly kind: 'instances' | 'json' | 'predict';
  readonly predict?: PredictMeta;
  readonly width?: number;
  readonly labelled?: boolean;
  /** The label key came first in the instance objects (kept, so their JSON text is the same). */
  readonly labelFirst?: boolean;
}

/** One partition's columns (typed; no row objects). */
export interface ColumnarPartition {
  readonly keys: string[];
  /** kind `instances`: column c of row r is features[c][r]. */
  readonly features?: Float64Array[];
  readonly labels?: Float64Array;
  /** kind `json`: the value text of each row. */
  readonly json?: string[];
  /** kind `predict`: the partition's predict columns. */
  readonly predict?: PredictColumns;
}

export const partitionFile = (dir: string, index: number): string => join(dir, `part-${String(index).padStart(5, '0')}.arrow`);

/**
 * Writes `rows` (already in key order, keys unique: the caller checks) as `partitions` partitions
 * (default: one per DEFAULT_PARTITION_ROWS rows). The directory must not exist yet. Rows of plain
 * instances are turned into columns a partition at a time (the same files writeColumnarColumns writes).
 */
export function writeColumnarTable(dir: string, rows: readonly Row[], partitions?: number): ColumnarMeta {
  const shape = instanceShape(rows);
  if (!shape) return writePartitions(dir, rows.length, partitions, { kind: 'json' }, (from, to) => jsonBatch(rows, from, to));
  return writePartitions(dir, rows.length, partitions, instancesKind(shape.width, shape.labelled, shape.labelFirst), (from, to) => instanceBatch(rowColumns(rows, from, to, shape), 0, to - from));
}

/**
 * Writes instance columns (already in key order, keys unique: the caller checks) as partitions:
 * each partition's columns are views of the given ones, so nothing is copied but into the file.
 */
export function writeColumnarColumns(dir: string, columns: InstanceColumns, partitions?: number): ColumnarMeta {
  // Values never read from the input table (storedColumns.ts): copied file to file, a partition's
  // rows at a time, so they are never whole in memory.
  const source = unloadedSource(columns);
  // Keys never read from the input table: their bytes copied from its partitions (no string per row).
  const keySource = unreadKeysSource(columns);
  const keyData = keySource ? (from: number, to: number) => readStoredKeys(keySource, from, to) : undefined;
  if (source) {
    const count = rowCountOf(columns);
    const kind = instancesKind(source.meta.width ?? 0, source.meta.labelled === true, columns.labelFirst === true);
    // One set of partition-sized buffers for all partitions (each batch is written before the next
    // is read): no fresh memory per partition (see `scratch` on why that matters with big heaps).
    let into: { size: number; features: Float64Array[]; labels?: Float64Array } | undefined;
    return writePartitions(dir, count, partitions, kind, (from, to) => {
      if (!into || into.size < to - from) {
        const size = Math.max(to - from, Math.min(count, DEFAULT_PARTITION_ROWS));
        into = { size, features: Array.from({ length: source.meta.width ?? 0 }, () => new Float64Array(size)), ...(source.meta.labelled ? { labels: new Float64Array(size) } : {}) };
      }
      const values = readStoredRows(source, from, to, into);
      const keys = keyData ? [] : columns.keys.slice(from, to);
      return instanceBatch({ keys, ...values }, 0, to - from, keyData?.(from, to));
    });
  }
  // Values made a range at a time (DataIO over a big upload): each partition's made as it is written.
  const ranges = rowRangesOf(columns);
  if (ranges) {
    const kind = instancesKind(ranges.width, ranges.labelled, columns.labelFirst === true);
    ranges.cut(partitionBounds(rowCountOf(columns), partitions));
    return writePartitions(dir, rowCountOf(columns), partitions, kind, (from, to) => {
      const values = ranges.rows(from, to);
      return instanceBatch({ keys: [], ...values }, 0, to - from, keyData?.(from, to) ?? utf8Data(columns.keys, from, to));
    });
  }
  const { features, labels } = columns;
  return writePartitions(dir, rowCountOf(columns), partitions, instancesKind(features.length, labels !== undefined, columns.labelFirst === true), (from, to) => instanceBatch(columns, from, to, keyData?.(from, to)));
}

export type KindMeta = Pick<ColumnarMeta, 'kind' | 'width' | 'labelled' | 'labelFirst' | 'predict'>;

export const instancesKind = (width: number, labelled: boolean, labelFirst: boolean): KindMeta =>
  ({ kind: 'instances', width, labelled, ...(labelled && labelFirst ? { labelFirst: true } : {}) });

/** The shared writer: `count` rows cut in consecutive partitions, each made a record batch by `batch`, atomically. */
export function writePartitions(
  dir: string,
  count: number,
  partitions: number | undefined,
  kind: KindMeta,
  batch: (from: number, to: number) => RecordBatch,
  writeFile: (path: string, batch: RecordBatch) => void = writeArrowFile, // bench:output-tables compares writers
): ColumnarMeta {
  const { tmp, bounds } = startTable(dir, count, partitions);
  try {
    for (let p = 0; p + 1 < bounds.length; p++) writeFile(partitionFile(tmp, p), batch(bounds[p]!, bounds[p + 1]!));
    return finishTable(dir, tmp, count, bounds, kind);
  } catch (error) {
    rmSync(tmp, { recursive: true, force: true });
    throw error;
  }
}

/**
 * writeColumnarColumns for columns whose maker writes its partitions' files itself, on worker
 * threads (columns.ts RowRanges.writeFiles: DataIO with partition workers): the same directory,
 * files and `table.json`, atomically; any other columns are written by writeColumnarColumns.
 */
export async function writeColumnarColumnsOnWorkers(dir: string, columns: InstanceColumns, partitions?: number): Promise<ColumnarMeta> {
  const ranges = rowRangesOf(columns);
  if (!ranges?.writeFiles || unloadedSource(columns) || unreadKeysSource(columns)) return writeColumnarColumns(dir, columns, partitions);
  const count = rowCountOf(columns);
  const kind = instancesKind(ranges.width, ranges.labelled, columns.labelFirst === true);
  const { tmp, bounds } = startTable(dir, count, partitions);
  try {
    ranges.cut(bounds);
    await ranges.writeFiles((p) => partitionFile(tmp, p), (from, to) => {
      const keys = utf8Data(columns.keys, from, to);
      return { offsets: keys.valueOffsets, bytes: keys.values };
    });
    return finishTable(dir, tmp, count, bounds, kind);
  } catch (error) {
    rmSync(tmp, { recursive: true, force: true });
    throw error;
  }
}

/** A new table's temporary directory (`<dir>.tmp`, emptied) and its cut. */
function startTable(dir: string, count: number, partitions: number | undefined): { tmp: string; bounds: number[] } {
  if (existsSync(dir)) throw new Error(`table ${dir} already exists`);
  const bounds = partitionBounds(count, partitions);
  const tmp = `${dir}.tmp`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  return { tmp, bounds };
}

/** `table.json` written and the table renamed into place, once its partitions are. */
function finishTable(dir: string, tmp: string, count: number, bounds: readonly number[], kind: KindMeta): ColumnarMeta {
  const partitionRows: number[] = [];
  for (let p = 0; p + 1 < bounds.length; p++) partitionRows.push(bounds[p + 1]! - bounds[p]!);
  const meta: ColumnarMeta = { format: FORMAT, count, partitionRows, ...kind };
  writeFileSync(join(tmp, 'table.json'), JSON.stringify(meta));
  renameSync(tmp, dir);
  return meta;
}

/**
 * One record batch as an Arrow IPC file at `path` (which must not exist): the bytes of
 * `tableToIPC(new Table([batch]), 'file')`, written from the writer's chunks by writev.
 */
export function writeArrowFile(path: string, batch: RecordBatch): void {
  const sink = new (chunkSink())();
  const writer = new (arrow().RecordBatchFileWriter)();
  writer.reset(sink);
  writer.write(batch);
  writer.finish();
  const fd = openSync(path, 'wx');
  try {
    writeAll(fd, sink.chunks);
  } finally {
    closeSync(fd);
  }
}

/** writev of every chunk, again after a short write (libuv loops over IOV_MAX itself; this is the belt). */
function writeAll(fd: number, chunks: Uint8Array[]): void {
  let total = 0;
  for (const c of chunks) total += c.byteLength;
  let written = writevSync(fd, chunks);
  while (written < total) {
    // Drop the chunks already written, cut the first one that was written in part.
    let skip = written;
    let i = 0;
    while (i < chunks.length && chunks[i]!.byteLength <= skip) skip -= chunks[i++]!.byteLength;
    chunks = chunks.slice(i);
    chunks[0] = chunks[0]!.subarray(skip);
    total -= written;
    written = writevSync(fd, chunks);
    if (written === 0) throw new Error('writev wrote nothing');
  }
}

interface ChunkSink {
  readonly chunks: Uint8Array[];
}

/**
 * The writer's sink, a subclass of its own AsyncByteQueue (the writer accepts only that): keeps
 * each chunk as given (the writer passes views of the column buffers, never copies) instead of
 * queueing it for a reader. Made on first use, as arrow is loaded.
 */
let chunkSinkClass: (new () => InstanceType<typeof import('apache-arrow').AsyncByteQueue> & ChunkSink) | undefined;
function chunkSink() {
  return (chunkSinkClass ??= class extends arrow().AsyncByteQueue implements ChunkSink {
    readonly chunks: Uint8Array[] = [];
    override write(value: Uint8Array): void {
      if (value.byteLength > 0) this.chunks.push(value);
    }
    override close(): void {}
  });
}

export function readColumnarMeta(dir: string): ColumnarMeta {
  const meta = JSON.parse(readFileSync(join(dir, 'table.json'), 'utf8')) as ColumnarMeta;
  if (meta?.format !== FORMAT || !Array.isArray(meta.partitionRows)) throw new Error(`${dir} is not a columnar table (${FORMAT})`);
  return meta;
}

/** One partition's columns, zero-copy views of the file's bytes where the alignment allows. */
export function readColumnarPartition(dir: string, meta: ColumnarMeta, index: number): ColumnarPartition {
  const columns = readPartitionColumns(dir, index);
  const keys = decodeUtf8Column(columns[0]!);
  if (meta.kind === 'predict') return { keys, predict: predictPartition(meta, keys, columns) };
  if (meta.kind === 'json') return { keys, json: decodeUtf8Column(columns[1]!) };
  const first = meta.labelled ? 2 : 1;
  const features: Float64Array[] = [];
  for (let c = 0; c < (meta.width ?? 0); c++) features.push(float64Column(columns[first + c]!));
  return { keys, features, ...(meta.labelled ? { labels: float64Column(columns[1]!) } : {}) };
}

/** A partition file's Arrow columns (the key column first), nothing decoded. */
export function readPartitionColumns(dir: string, index: number): readonly Data[] {
  const table = arrow().tableFromIPC(readFileSync(partitionFile(dir, index)));
  if (table.batches.length !== 1) throw new Error(`${partitionFile(dir, index)}: a partition file holds one record batch, found ${table.batches.length}`);
  return table.batches[0]!.data.children;
}

/**
 * This thread's scratch buffer for {@link readPartitionColumnsTransient}, and which file it holds.
 * Issue 17: every new ArrayBuffer counts as V8 external memory, and each ~64 MB of it starts a full
 * mark-compact collection, which marks the whole heap: with millions of key strings alive, reading
 * a table's partitions each into fresh memory cost more in collections than the reads themselves
 * (measured at 3M rows: 2.4 GB allocated in 24 MB arrays took 4.2 s with 3M strings in the heap,
 * 0.9 s with none).
 */
let scratch: Buffer | undefined;
let scratchHolds: { readonly id: string; readonly data: readonly Data[] } | undefined;

/**
 * A partition file's Arrow columns read into this thread's scratch buffer: the views are valid only
 * until the next transient read (copy what you keep). The file last read is not read again (tables
 * are written once; the file's identity includes its inode, size and mtime).
 */
export function readPartitionColumnsTransient(dir: string, index: number): readonly Data[] {
  const path = partitionFile(dir, index);
  const fd = openSync(path, 'r');
  try {
    const stat = fstatSync(fd);
    const id = `${path}\0${stat.ino}\0${stat.size}\0${stat.mtimeMs}`;
    if (scratchHolds?.id === id) return scratchHolds.data;
    scratchHolds = undefined;
    const size = stat.size;
    if (!scratch || scratch.length < size) scratch = Buffer.allocUnsafeSlow(Math.max(size, Math.ceil((scratch?.length ?? 0) * 1.25)));
    for (let at = 0; at < size; ) {
      const n = readSync(fd, scratch, at, size - at, null);
      if (n === 0) throw new Error(`${path}: the file ended at ${at} of its ${size} bytes`);
      at += n;
    }
    const table = arrow().tableFromIPC(scratch.subarray(0, size));
    if (table.batches.length !== 1) throw new Error(`${path}: a partition file holds one record batch, found ${table.batches.length}`);
    const data = table.batches[0]!.data.children;
    scratchHolds = { id, data };
    return data;
  } finally {
    closeSync(fd);
  }
}

/**
 * Drops this thread's scratch buffer (a partition of a wide table can be hundreds of MB): a task
 * worker calls it when it goes idle.
 */
export function releasePartitionScratch(): void {
  scratch = undefined;
  scratchHolds = undefined;
}

/** The rows of a partition as [key, value] (instances rebuilt as plain objects). */
export function partitionRows(meta: ColumnarMeta, part: ColumnarPartition, limit = Infinity): [string, unknown][] {
  const n = Math.min(limit, part.keys.length);
  if (part.predict) return predictRowsOf(part.predict, 0, n);
  const out = new Array<[string, unknown]>(n);
  if (part.json) {
    for (let r = 0; r < n; r++) out[r] = [part.keys[r]!, restoreNaN(JSON.parse(part.json[r]!))];
    return out;
  }
  const features = part.features!;
  const width = features.length;
  // Copies of one exact-size packed array of doubles (push would leave up to twice the capacity).
  const template = Array.from({ length: width }, () => 0.5);
  for (let r = 0; r < n; r++) {
    const row = template.slice();
    for (let c = 0; c < width; c++) row[c] = features[c]![r]!;
    const value = !part.labels ? { features: row } : meta.labelFirst ? { label: part.labels[r]!, features: row } : { features: row, label: part.labels[r]! };
    out[r] = [part.keys[r]!, value];
  }
  return out;
}

/** Every row of the table in key order. */
export function readColumnarRows(dir: string): [string, unknown][] {
  const meta = readColumnarMeta(dir);
  const out: [string, unknown][] = [];
  for (let p = 0; p < meta.partitionRows.length; p++) {
    const rows = partitionRows(meta, readColumnarPartition(dir, meta, p));
    for (let i = 0; i < rows.length; i++) out.push(rows[i]!);
  }
  return out;
}

/**
 * An `instances` table's columns, the partitions concatenated (one Float64Array per feature, no row
 * objects); undefined for a `json` table.
 */
export function readColumnarColumns(dir: string): InstanceColumns | undefined {
  const meta = readColumnarMeta(dir);
  if (meta.kind !== 'instances') return undefined;
  const width = meta.width ?? 0;
  const keys = new Array<string>(meta.count);
  const features = Array.from({ length: width }, () => new Float64Array(meta.count));
  const labels = meta.labelled ? new Float64Array(meta.count) : undefined;
  let at = 0;
  const first = meta.labelled ? 2 : 1;
  for (let p = 0; p < meta.partitionRows.length; p++) {
    // Read into the scratch buffer and copied out (no fresh buffer per partition: see `scratch`).
    const data = readPartitionColumnsTransient(dir, p);
    const partKeys = decodeUtf8Column(data[0]!);
    const n = partKeys.length;
    if (at + n > meta.count) throw new Error(`${dir}: its partitions hold more rows than its count ${meta.count}`);
    for (let r = 0; r < n; r++) keys[at + r] = partKeys[r]!;
    for (let c = 0; c < width; c++) features[c]!.set(float64Column(data[first + c]!), at);
    if (labels) labels.set(float64Column(data[1]!), at);
    at += n;
  }
  if (at !== meta.count) throw new Error(`${dir}: its partitions hold ${at} rows, its count is ${meta.count}`);
  return { keys, features, ...(labels ? { labels } : {}), ...(meta.labelFirst ? { labelFirst: true } : {}) };
}

/** JSON has no NaN (a missing cell DataIO did not fill): stored as null, read back as NaN. */
export function restoreNaN(value: unknown): unknown {
  const features = (value as { features?: unknown[] } | null)?.features;
  if (Array.isArray(features)) for (let i = 0; i < features.length; i++) if (features[i] === null) features[i] = NaN;
  return value;
}

// ---------------------------------------------------------------------------------------------

interface InstanceShape {
  readonly width: number;
  readonly labelled: boolean;
  readonly labelFirst: boolean;
}

/** The shape when every value is {features: number[]} or {features, label: number} alike; else undefined. */
function instanceShape(rows: readonly Row[]): InstanceShape | undefined {
  if (rows.length === 0) return undefined;
  const first = shapeOf(rows[0]![1]);
  if (!first) return undefined;
  for (let r = 1; r < rows.length; r++) {
    const v = rows[r]![1] as { features?: unknown[] };
    const s = shapeOf(v);
    if (!s || s.labelled !== first.labelled || s.labelFirst !== first.labelFirst || s.width !== first.width) return undefined;
  }
  for (let r = 0; r < rows.length; r++) {
    const f = (rows[r]![1] as { features: unknown[] }).features;
    for (let i = 0; i < f.length; i++) if (typeof f[i] !== 'number') return undefined;
  }
  return first;
}

function shapeOf(value: unknown): InstanceShape | undefined {
  if (typeof value !== 'object' || value === null || Object.getPrototypeOf(value) !== Object.prototype) return undefined;
  const v = value as { features?: unknown; label?: unknown };
  if (!Array.isArray(v.features)) return undefined;
  const keys = Object.keys(value);
  const width = v.features.length;
  if (keys.length === 1 && keys[0] === 'features') return { width, labelled: false, labelFirst: false };
  if (keys.length !== 2 || typeof v.label !== 'number') return undefined;
  if (keys[0] === 'features' && keys[1] === 'label') return { width, labelled: true, labelFirst: false };
  if (keys[0] === 'label' && keys[1] === 'features') return { width, labelled: true, labelFirst: true };
  return undefined;
}

/** One partition of instance rows as columns (the only copy the row path makes). */
function rowColumns(rows: readonly Row[], from: number, to: number, shape: InstanceShape): InstanceColumns {
  const n = to - from;
  const keys = new Array<string>(n);
  const labels = shape.labelled ? new Float64Array(n) : undefined;
  const features = Array.from({ length: shape.width }, () => new Float64Array(n));
  for (let r = 0; r < n; r++) {
    const row = rows[from + r]!;
    keys[r] = row[0];
    const value = row[1] as { features: number[]; label: number };
    if (labels) labels[r] = value.label;
    const f = value.features;
    for (let c = 0; c < shape.width; c++) features[c]![r] = f[c]!;
  }
  return { keys, features, ...(labels ? { labels } : {}) };
}

/** Rows from..to of `columns` as a batch: each column a view of the given one (nothing copied but the keys' text). */
export function instanceBatch(columns: InstanceColumns, from: number, to: number, keys?: Data<Utf8>): RecordBatch {
  const { Field, Float64, Utf8, makeData } = arrow();
  const n = to - from;
  const fields: Field[] = [new Field('key', new Utf8(), false)];
  const children: Data[] = [keys ?? utf8Data(columns.keys, from, to)];
  if (columns.labels) {
    fields.push(new Field('label', new Float64(), false));
    children.push(makeData({ type: new Float64(), length: n, data: columns.labels.subarray(from, to) }));
  }
  columns.features.forEach((column, c) => {
    fields.push(new Field(`f${c}`, new Float64(), false));
    children.push(makeData({ type: new Float64(), length: n, data: column.subarray(from, to) }));
  });
  return batchOf(fields, children, n);
}

function jsonBatch(rows: readonly Row[], from: number, to: number): RecordBatch {
  const { Field, Utf8 } = arrow();
  const fields = [new Field('key', new Utf8(), false), new Field('json', new Utf8(), false)];
  const keys = new Array<string>(to - from);
  const json = new Array<string>(to - from);
  for (let r = from; r < to; r++) {
    keys[r - from] = rows[r]![0];
    json[r - from] = JSON.stringify(rows[r]![1]);
  }
  const children = [utf8Data(keys), utf8Data(json)];
  return batchOf(fields, children, to - from);
}

export function batchOf(fields: Field[], children: Data[], length: number): RecordBatch {
  const { RecordBatch, Schema, Struct, makeData } = arrow();
  const schema = new Schema(fields);
  return new RecordBatch(schema, makeData({ type: new Struct(fields), length, nullCount: 0, children }));
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * A Utf8 column of strings[from..to). ASCII text (ids are) is copied code unit by code unit into
 * the bytes while the offsets are summed, in one pass: ~7x faster than joining the strings and
 * encoding the join (the join alone cost ~0.3 s per million short keys: a third of a wide table's
 * write). Any other text is encoded as before (joined once, byte lengths per string).
 */
export function utf8Data(strings: readonly string[], from = 0, to = strings.length): Data<Utf8> {
  const n = to - from;
  const offsets = new Int32Array(n + 1);
  let length = 0;
  for (let r = 0; r < n; r++) offsets[r + 1] = length += strings[from + r]!.length;
  let bytes = new Uint8Array(length);
  let high = 0;
  let at = 0;
  for (let r = from; r < to; r++) {
    const s = strings[r]!;
    for (let i = 0; i < s.length; i++) {
      const unit = s.charCodeAt(i);
      high |= unit;
      bytes[at++] = unit;
    }
  }
  if (high > 0x7f) {
    const slice = strings.slice(from, to);
    bytes = encoder.encode(slice.join(''));
    for (let r = 0; r < n; r++) offsets[r + 1] = offsets[r]! + Buffer.byteLength(slice[r]!);
  }
  const { Utf8, makeData } = arrow();
  return makeData({ type: new Utf8(), length: n, nullCount: 0, valueOffsets: offsets, data: bytes });
}

/** The strings of a Utf8 column: one decode of the whole buffer when it is ASCII (ids are), else one per value. */
export function decodeUtf8Column(data: Data): string[] {
  const n = data.length;
  const offsets = (data.valueOffsets as Int32Array).subarray(data.offset, data.offset + n + 1);
  const bytes = data.values as Uint8Array;
  const out = new Array<string>(n);
  const start = offsets[0]!;
  const all = bytes.subarray(start, offsets[n]);
  const text = decoder.decode(all);
  if (text.length === all.length) {
    for (let r = 0; r < n; r++) out[r] = text.slice(offsets[r]! - start, offsets[r + 1]! - start);
  } else {
    for (let r = 0; r < n; r++) out[r] = decoder.decode(bytes.subarray(offsets[r], offsets[r + 1]));
  }
  return out;
}

export function float64Column(data: Data): Float64Array {
  return (data.values as Float64Array).subarray(data.offset, data.offset + data.length);
}


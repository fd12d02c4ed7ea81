// A table of instances as typed columns (issue 17): the keys, one Float64Array per feature and the
// labels, with no row object per row. A million rows of 20 features are ~170 MB this way against
// ~450 MB as `[key, {features, label}]` rows, and a component that works on columns (a scale, a
// dot product, a hash join) runs in tight loops over contiguous memory.
//
// A columnar DataTable still has `rows`: built on first use from the columns and kept, so every
// component that does not know columns works unchanged (and pays for the rows only then). The
// columns are a non-enumerable property, so `{...table, rows: other}` (a component deriving a new
// table) does not carry columns that no longer describe its rows.
import type { DataTable, Instance, Schema } from './dataTable.js';
import type { PackedStrings } from './packedIds.js';

export interface InstanceColumns {
  readonly keys: readonly string[];
  /** Column c of row r is features[c][r]; every column has keys.length values. */
  readonly features: readonly Float64Array[];
  /** One per row when the table is labelled. */
  readonly labels?: Float64Array;
  /** The row objects put the label first ({label, features}): kept so rows (and their JSON) read as before. */
  readonly labelFirst?: boolean;
}

const ROWS_BUILT = Symbol('rowsBuilt');

/** A DataTable backed by columns: `columns` as given, `rows` built on first use. */
export function columnarTable(schema: Schema, columns: InstanceColumns): DataTable<Instance> {
  let rows: [string, Instance][] | undefined;
  const table = {
    schema,
    get rows(): [string, Instance][] {
      return (rows ??= instanceRows(columns));
    },
  };
  Object.defineProperty(table, 'columns', { value: columns, enumerable: false });
  Object.defineProperty(table, ROWS_BUILT, { get: () => rows !== undefined, enumerable: false });
  return table as DataTable<Instance>;
}

/**
 * The columns of a table when they still describe it exactly: a columnar table whose rows were
 * never built (rows handed out may have been changed in place). Undefined otherwise.
 */
export function untouchedColumns(table: DataTable): InstanceColumns | undefined {
  const t = table as DataTable & { [ROWS_BUILT]?: boolean };
  return table.columns && t[ROWS_BUILT] === false ? table.columns : undefined;
}

/**
 * The table's columns: its own when it has them, else built from its rows when every value is an
 * instance of the same width (undefined when they are not, e.g. raw upload lines). For components
 * with one columnar code path: small tables from tests convert in microseconds.
 */
export function columnsOf(table: DataTable): InstanceColumns | undefined {
  if (table.columns) return table.columns;
  return columnsFromRows(table.rows as readonly (readonly [string, unknown])[]);
}

export function columnsFromRows(rows: readonly (readonly [string, unknown])[]): InstanceColumns | undefined {
  const n = rows.length;
  const first = rows[0]?.[1] as Partial<Instance> | undefined;
  if (n > 0 && !Array.isArray(first?.features)) return undefined;
  const width = first?.features?.length ?? 0;
  const labelled = n > 0 && typeof first?.label === 'number';
  const keys = new Array<string>(n);
  const features = Array.from({ length: width }, () => new Float64Array(n));
  const labels = labelled ? new Float64Array(n) : undefined;
  for (let r = 0; r < n; r++) {
    const [key, value] = rows[r]!;
    const inst = value as Partial<Instance> | null;
    const f = inst?.features;
    if (!Array.isArray(f) || f.length !== width || (typeof inst?.label === 'number') !== labelled) return undefined;
    // Exactly {features} or {features, label}: anything else (a label that is not a number, extra
    // fields) would be lost in columns, so such rows stay rows.
    let fields = 0;
    for (const _ in inst) fields++;
    if (fields !== (labelled ? 2 : 1)) return undefined;
    keys[r] = key;
    for (let c = 0; c < width; c++) {
      const v = f[c];
      if (typeof v !== 'number') return undefined;
      features[c]![r] = v;
    }
    if (labels) labels[r] = inst!.label!;
  }
  const labelFirst = labelled && Object.keys(first!)[0] === 'label';
  return { keys, features, ...(labels ? { labels } : {}), ...(labelFirst ? { labelFirst } : {}) };
}

/** The rows the columns stand for, as DataIO would have built them. */
export function instanceRows(columns: InstanceColumns): [string, Instance][] {
  const { keys, features, labels, labelFirst } = columns;
  const n = keys.length;
  const width = features.length;
  const out = new Array<[string, Instance]>(n);
  // Copies of one exact-size packed array of doubles (push would leave up to twice the capacity).
  const template = Array.from({ length: width }, () => 0.5);
  for (let r = 0; r < n; r++) {
    const row = template.slice();
    for (let c = 0; c < width; c++) row[c] = features[c]![r]!;
    const value: Instance = !labels ? { features: row } : labelFirst ? { label: labels[r]!, features: row } : { features: row, label: labels[r]! };
    out[r] = [keys[r]!, value];
  }
  return out;
}

/** The rows at `indexes` (in that order), as new columns. */
export function takeRows(columns: InstanceColumns, indexes: ArrayLike<number>): InstanceColumns {
  const n = indexes.length;
  const keys = new Array<string>(n);
  for (let i = 0; i < n; i++) keys[i] = columns.keys[indexes[i]!]!;
  const pick = (column: Float64Array): Float64Array => {
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = column[indexes[i]!]!;
    return out;
  };
  return {
    keys,
    features: columns.features.map(pick),
    ...(columns.labels ? { labels: pick(columns.labels) } : {}),
    ...(columns.labelFirst ? { labelFirst: true } : {}),
  };
}

/** Row r's features as a plain array (for code that scores one row at a time). */
export function featuresAt(columns: InstanceColumns, r: number): number[] {
  const width = columns.features.length;
  const out = new Array<number>(width);
  for (let c = 0; c < width; c++) out[c] = columns.features[c]![r]!;
  return out;
}

/**
 * Columns whose values the runtime reads lazily from a stored table (store/tables/storedColumns.ts)
 * carry this function: the rows at `indexes` (strictly ascending), their values still unread, or
 * undefined once they were read.
 */
export const TAKE_UNLOADED = Symbol('takeUnloaded');

/**
 * The rows at `indexes` (strictly ascending) of columns still unread from storage, unread too (the
 * output writer then copies them file to file, issue 17; HeteroLR's cross-validation folds read them
 * a batch at a time); undefined for any other columns (then use compactRows or takeRows). Only on a
 * task's own input ({@link consumableColumns}). Indexes out of order are read too, their keys then read.
 */
export function takeUnloaded(columns: InstanceColumns, indexes: Int32Array): InstanceColumns | undefined {
  return (columns as { [TAKE_UNLOADED]?: (indexes: Int32Array) => InstanceColumns | undefined })[TAKE_UNLOADED]?.(indexes);
}

const CONSUMABLE = Symbol('consumable');

/**
 * Marks a columnar table as its task's alone: the runtime loaded it for this one task, nobody else
 * holds its columns and it is dropped when the task ends, so the task may reuse the columns' memory
 * for its output ({@link compactRows}). Tables a test or a caller builds are never marked.
 */
export function markConsumable(table: DataTable): void {
  if (table.columns) Object.defineProperty(table, CONSUMABLE, { value: true, enumerable: false });
}

/** The columns of a table marked consumable whose rows were never built; undefined otherwise. */
export function consumableColumns(table: DataTable): InstanceColumns | undefined {
  return (table as DataTable & { [CONSUMABLE]?: boolean })[CONSUMABLE] === true ? untouchedColumns(table) : undefined;
}

/**
 * The rows at `indexes` (strictly ascending), as {@link takeRows} gives them, but moved down within
 * the same typed arrays: each column becomes a view of its first indexes.length values. No new
 * column memory (on this machine a fresh page costs ~20 µs to fault in: 150 MB of new columns
 * cost ~1 s) and no second copy alive at once. The given columns are spent: only for
 * {@link consumableColumns}. The keys are a new array (small: references to the same strings).
 */
export function compactRows(columns: InstanceColumns, indexes: Int32Array): InstanceColumns {
  const n = indexes.length;
  for (let i = 1; i < n; i++) {
    if (indexes[i]! <= indexes[i - 1]!) throw new Error('compactRows: indexes must be strictly ascending');
  }
  const keys = new Array<string>(n);
  for (let i = 0; i < n; i++) keys[i] = columns.keys[indexes[i]!]!;
  // indexes[i] >= i, so moving forward never overwrites a value still to be read.
  const compact = (column: Float64Array): Float64Array => {
    for (let i = 0; i < n; i++) column[i] = column[indexes[i]!]!;
    return column.subarray(0, n);
  };
  return {
    keys,
    features: columns.features.map(compact),
    ...(columns.labels ? { labels: compact(columns.labels) } : {}),
    ...(columns.labelFirst ? { labelFirst: true } : {}),
  };
}

/**
 * Columns whose values the runtime reads lazily from a stored table carry this function: where their
 * rows are stored (storedColumns.ts `StoredRows`) while their values are unread, else undefined. A
 * component reads such a table a piece at a time through the computing API
 * (compute/compute.ts `partitionedTableOf`) instead of loading it whole (issue 17: at 10M rows × 20
 * features, 1.6 GB).
 */
export const STORED_ROWS = Symbol('storedRows');

/**
 * Columns read from storage may leave their keys unread (issue 17): a component that only passes
 * them on (FeatureScale) never makes a string per row, and the output writer copies the key bytes
 * from the input's partitions. `keys` is still there and decodes them on first use. These columns
 * carry their row count, and {@link withValues} carries the unread keys over to a derived table.
 */
export const ROW_COUNT = Symbol('rowCount');
export const KEYS_UNREAD = Symbol('keysUnread');

export const KEYS_PACKED = Symbol('keysPacked');

/** Whether the columns' keys are still unread from storage (the writer then copies their bytes). */
export function keysUnread(columns: InstanceColumns): boolean {
  return (columns as { [KEYS_UNREAD]?: () => unknown })[KEYS_UNREAD]?.() !== undefined;
}

/**
 * Keys still unread from storage as one string joined by '\n' and their count (packedIds.ts), made
 * without a string per key (the raw Intersection reads its own ids so); undefined for any other
 * columns, once the keys were read, or when a key holds a '\n' or there are none.
 */
export function unreadKeysPacked(columns: InstanceColumns): PackedStrings | undefined {
  return (columns as { [KEYS_PACKED]?: () => PackedStrings | undefined })[KEYS_PACKED]?.();
}

/** The number of rows, without decoding keys that are still unread. */
export function rowCountOf(columns: InstanceColumns): number {
  return (columns as { [ROW_COUNT]?: number })[ROW_COUNT] ?? columns.keys.length;
}

/** The same rows (the same keys, unread ones included) with other feature (and label) columns. */
export function withValues(columns: InstanceColumns, values: { features: Float64Array[]; labels?: Float64Array }): InstanceColumns {
  const keys = Object.getOwnPropertyDescriptor(columns, 'keys');
  if (!keys?.get) return { keys: columns.keys, features: values.features, ...(values.labels ? { labels: values.labels } : {}) };
  const out = { features: values.features, ...(values.labels ? { labels: values.labels } : {}) } as { features: Float64Array[]; labels?: Float64Array };
  Object.defineProperty(out, 'keys', { get: keys.get, enumerable: true });
  for (const symbol of [ROW_COUNT, KEYS_UNREAD]) {
    const d = Object.getOwnPropertyDescriptor(columns, symbol);
    if (d) Object.defineProperty(out, symbol, d);
  }
  return out as unknown as InstanceColumns;
}

export const MAP_STORED = Symbol('mapStored');

/**
 * Columns still unread from storage with `map` applied to each piece of feature columns as it is
 * read (in place, value by value: the same rows, other values), still unread: the writer then reads,
 * maps and writes the table a partition at a time (issue 17, FeatureScale's transform). Undefined
 * for any other columns or once their values were read. `labelFirst`: the result's (rows made from
 * it put the label first or not).
 */
export function mapStoredFeatures(columns: InstanceColumns, map: (features: Float64Array[]) => void, labelFirst: boolean): InstanceColumns | undefined {
  type Map = (map: (features: Float64Array[]) => void, labelFirst: boolean) => InstanceColumns | undefined;
  return (columns as { [MAP_STORED]?: Map })[MAP_STORED]?.(map, labelFirst);
}

/** Rows per partition of a stored columnar table when its writer is not told a partition count. */
export const DEFAULT_PARTITION_ROWS = 1 << 17;

/**
 * Where a table of `count` rows is cut into partitions (store/tables/columnarTable.ts): partition p
 * holds rows [bounds[p], bounds[p + 1]) of the key order; `partitions` rows-balanced parts, by
 * default one per DEFAULT_PARTITION_ROWS rows (at least one, at most one per row).
 */
export function partitionBounds(count: number, partitions?: number): number[] {
  const parts = Math.max(1, Math.min(count || 1, partitions ?? Math.ceil(count / DEFAULT_PARTITION_ROWS)));
  return Array.from({ length: parts + 1 }, (_, p) => Math.floor((p * count) / parts));
}

/**
 * Values made a range of rows at a time (issue 17: DataIO over a big upload parses each output
 * partition's lines when the writer asks for that partition, so the table's columns are never
 * whole in memory). A reader says first how it cuts the rows (`cut`: its partitions' bounds), then
 * asks for those ranges, in order.
 */
export interface RowRanges {
  readonly width: number;
  readonly labelled: boolean;
  /** The ranges the next `rows` calls ask for: rows [bounds[p], bounds[p + 1]). */
  cut(bounds: readonly number[]): void;
  /** Rows [from, to)'s values (one of the cut's ranges): views valid until the next call. */
  rows(from: number, to: number): { features: Float64Array[]; labels?: Float64Array };
  /**
   * When the maker can: the cut's ranges made and written on worker threads (issue 17, DataIO with
   * partition workers), range p as the file `fileOf(p)` with the key column `keys(from, to)` —
   * the file the writer's own batch of `rows(from, to)` would be, bit for bit (same reader, same
   * batch, same file writer). Resolves once every file is written. Instead of `rows`, not with it.
   */
  writeFiles?(fileOf: (p: number) => string, keys: (from: number, to: number) => KeyBytes): Promise<void>;
}

/** A key column's UTF-8 bytes and the offsets of its keys (n + 1), as an Arrow Utf8 column holds them. */
export interface KeyBytes {
  readonly offsets: Int32Array;
  readonly bytes: Uint8Array;
}

const ROW_RANGES = Symbol('rowRanges');

/**
 * Columns of `keys` whose values `ranges` makes: the writer writes them a partition at a time
 * (rowRangesOf); any other reader of `features` or `labels` gets them whole, made range by range
 * on first use and kept.
 */
export function rangedColumns(keys: readonly string[], ranges: RowRanges): InstanceColumns {
  let values: { features: Float64Array[]; labels?: Float64Array } | undefined;
  const load = () => {
    if (values) return values;
    const n = keys.length;
    const features = Array.from({ length: ranges.width }, () => new Float64Array(n));
    const labels = ranges.labelled ? new Float64Array(n) : undefined;
    const bounds = partitionBounds(n);
    ranges.cut(bounds);
    for (let p = 0; p + 1 < bounds.length; p++) {
      const part = ranges.rows(bounds[p]!, bounds[p + 1]!);
      for (let c = 0; c < features.length; c++) features[c]!.set(part.features[c]!, bounds[p]!);
      if (labels) labels.set(part.labels!, bounds[p]!);
    }
    return (values = { features, ...(labels ? { labels } : {}) });
  };
  const columns = { keys } as { keys: readonly string[]; features: Float64Array[]; labels?: Float64Array };
  Object.defineProperty(columns, 'features', { get: () => load().features, enumerable: true });
  if (ranges.labelled) Object.defineProperty(columns, 'labels', { get: () => load().labels, enumerable: true });
  Object.defineProperty(columns, ROW_RANGES, { value: () => (values ? undefined : ranges), enumerable: false });
  return columns;
}

/** The maker of columns' values while they were never made whole (rangedColumns); else undefined. */
export function rowRangesOf(columns: InstanceColumns): RowRanges | undefined {
  return (columns as { [ROW_RANGES]?: () => RowRanges | undefined })[ROW_RANGES]?.();
}

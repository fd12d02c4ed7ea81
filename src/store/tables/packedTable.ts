// Component output tables as one file, `<location>.packed`: the rows' keys and values written at once
// with V8's structured-clone serializer. Component outputs are many and mostly small (a 4-component
// job writes ~7 tables of ~600 rows), and as SQLite files their fixed costs dominated: JSON text of
// every float, opening a database, a transaction, a unique index. DataIO's output of breast's host
// table (569 × 20): written in 4.3 ms as SQLite + JSON, 0.6 ms packed; read back in 3.0 ms against
// 0.4 ms (`npm run bench:output-tables`).
// The values read back are exactly the values written (NaN, -0 and Infinity included), which JSON
// could not promise. Tables of plain instances ({features, label?}, one width; what DataIO and most
// components produce) are stored by column: every feature in one Float64Array and the labels in
// another, which the serializer copies in one go instead of walking ~600 objects and their arrays
// (that walk was a quarter of a task worker's CPU in the scheduler bench). Large outputs still go
// to SQLite (see writeOutputTable.ts): a packed table is read whole, even for its first 100 rows.
//
// Same visibility rule as every table file: written once, invisible until its event is recorded;
// a crash leaves an orphan that start-up removes.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { deserialize, serialize } from 'node:v8';

export const PACKED_SUFFIX = '.packed';
const FORMAT = 'fedflow.packed-table.v1';

export type Row = readonly [key: string, value: unknown];

export interface PackedTable {
  readonly keys: string[];
  readonly values: unknown[];
}

/**
 * Writes `rows` in key order (the order SQLite tables are read in: UTF-8 bytes) and returns them in
 * that order, the same array when they already were. Refuses duplicate keys, as the unique index of
 * a SQLite table does. The file must not exist yet; nothing is left behind on failure.
 */
export function writePackedTable(path: string, rows: readonly Row[]): readonly Row[] {
  const sorted = inKeyOrder(rows);
  const keys = new Array<string>(sorted.length);
  const values = new Array<unknown>(sorted.length);
  for (let i = 0; i < sorted.length; i++) {
    keys[i] = sorted[i]![0];
    values[i] = sorted[i]![1];
    if (i > 0 && keys[i] === keys[i - 1]) throw new Error(`output table has the key ${JSON.stringify(keys[i])} twice`);
  }
  writeFile(path, serialize({ format: FORMAT, keys, ...(instanceColumns(values) ?? { values }) }));
  return sorted;
}

/**
 * Writes instance columns (already in key order, keys unique: the caller checks) as the same file
 * writePackedTable makes of their rows: they read back as the rows the columns stand for.
 */
export function writePackedColumns(path: string, columns: { readonly keys: readonly string[]; readonly features: readonly Float64Array[]; readonly labels?: Float64Array; readonly labelFirst?: boolean }): void {
  const count = columns.keys.length;
  const width = columns.features.length;
  let body: object;
  if (count === 0) body = { values: [] };
  else {
    const features = new Float64Array(count * width);
    for (let c = 0; c < width; c++) {
      const column = columns.features[c]!;
      for (let r = 0, at = c; r < count; r++, at += width) features[at] = column[r]!;
    }
    const labels = columns.labels;
    body = { instances: { count, width, features, ...(labels ? { labels } : {}), ...(labels && columns.labelFirst ? { labelFirst: true } : {}) } satisfies InstanceColumns };
  }
  writeFile(path, serialize({ format: FORMAT, keys: [...columns.keys], ...body }));
}

function writeFile(path: string, bytes: Buffer): void {
  try {
    writeFileSync(path, bytes, { flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') rmSync(path, { force: true });
    throw error;
  }
}

export function readPackedTable(path: string): PackedTable {
  const table = deserialize(readFileSync(path)) as { format?: unknown; keys?: unknown; values?: unknown; instances?: InstanceColumns };
  const values = table?.instances ? instancesOf(table.instances) : table?.values;
  if (table?.format !== FORMAT || !Array.isArray(table.keys) || !Array.isArray(values) || table.keys.length !== values.length) {
    throw new Error(`${path} is not a packed table (${FORMAT})`);
  }
  return { keys: table.keys as string[], values };
}

/** A table of plain instances by column. */
interface InstanceColumns {
  readonly count: number;
  readonly width: number;
  /** Row r's features are features[r * width .. (r + 1) * width). */
  readonly features: Float64Array;
  /** Present when every instance has a numeric label. */
  readonly labels?: Float64Array;
  /** The label key came first in the objects (kept, so their JSON text is the same). */
  readonly labelFirst?: boolean;
}

/**
 * The columns of `values` when every value is a plain object {features, label} or {features}
 * (the same keys in the same order for all), features a dense number array of one width and label a
 * number; undefined otherwise (then values are stored as they are).
 */
function instanceColumns(values: readonly unknown[]): { instances: InstanceColumns } | undefined {
  const count = values.length;
  if (count === 0) return undefined;
  const shape = shapeOf(values[0]);
  if (!shape) return undefined;
  const width = (values[0] as { features: unknown[] }).features.length;
  const features = new Float64Array(count * width);
  const labels = shape.labelled ? new Float64Array(count) : undefined;
  for (let r = 0; r < count; r++) {
    const value = values[r] as { features: unknown[]; label?: unknown };
    const same = shapeOf(value);
    if (!same || same.labelled !== shape.labelled || same.labelFirst !== shape.labelFirst || value.features.length !== width) return undefined;
    if (!copyNumbers(value.features, features, r * width)) return undefined;
    if (labels) labels[r] = value.label as number;
  }
  return { instances: { count, width, features, ...(labels ? { labels } : {}), ...(shape.labelFirst ? { labelFirst: true } : {}) } };
}

/** {features} or {features, label} (either order) with a numeric label, nothing else; else undefined. */
function shapeOf(value: unknown): { labelled: boolean; labelFirst: boolean } | undefined {
  if (typeof value !== 'object' || value === null || Object.getPrototypeOf(value) !== Object.prototype) return undefined;
  const keys = Object.keys(value);
  const v = value as { features?: unknown; label?: unknown };
  if (!Array.isArray(v.features)) return undefined;
  if (keys.length === 1 && keys[0] === 'features') return { labelled: false, labelFirst: false };
  if (keys.length !== 2 || typeof v.label !== 'number') return undefined;
  if (keys[0] === 'features' && keys[1] === 'label') return { labelled: true, labelFirst: false };
  if (keys[0] === 'label' && keys[1] === 'features') return { labelled: true, labelFirst: true };
  return undefined;
}

/** Copies a dense array of numbers; false at the first hole or non-number. */
function copyNumbers(from: readonly unknown[], to: Float64Array, at: number): boolean {
  for (let i = 0; i < from.length; i++) {
    const x = from[i];
    if (typeof x !== 'number' || !(i in from)) return false;
    to[at + i] = x;
  }
  return true;
}

function instancesOf(c: InstanceColumns): unknown[] {
  const out = new Array<unknown>(c.count);
  for (let r = 0; r < c.count; r++) {
    // push, not new Array(width): a packed array, like the ones components build.
    const features: number[] = [];
    for (let i = r * c.width, end = i + c.width; i < end; i++) features.push(c.features[i]!);
    if (!c.labels) out[r] = { features };
    else out[r] = c.labelFirst ? { label: c.labels[r]!, features } : { features, label: c.labels[r]! };
  }
  return out;
}

/** The rows in key order: the same array when they already are, else a sorted copy. */
export function inKeyOrder(rows: readonly Row[]): readonly Row[] {
  for (let i = 1; i < rows.length; i++) {
    if (compareUtf8(rows[i - 1]![0], rows[i]![0]) > 0) return [...rows].sort((a, b) => compareUtf8(a[0], b[0]));
  }
  return rows;
}

/**
 * Compares as the UTF-8 bytes would (SQLite's BINARY collation). UTF-16 code units order the same
 * way except that surrogates (code points above U+FFFF) sort before U+E000–U+FFFF, after them in UTF-8.
 */
export function compareUtf8(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    if (x >= 0xd800 && y >= 0xd800) {
      x = x >= 0xe000 ? x - 0x800 : x + 0x2000;
      y = y >= 0xe000 ? y - 0x800 : y + 0x2000;
    }
    return x - y;
  }
  return a.length - b.length;
}

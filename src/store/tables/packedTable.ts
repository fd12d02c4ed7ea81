// Component output tables as one file, `<location>.packed`: the rows' keys and values written at once
// with V8's structured-clone serializer. Component outputs are many and mostly small (a 4-component
// job writes ~7 tables of ~600 rows), and as SQLite files their fixed costs dominated: JSON text of
// every float, opening a database, a transaction, a unique index — 6.1 ms against 0.9 ms for a
// 569 × 20 table, reading back 4.9 ms against 1.6 ms (`npm run bench:tables` prints both).
// The values read back are exactly the values written (NaN, -0 and Infinity included), which JSON
// could not promise. Large outputs still go to SQLite (see writeOutputTable.ts): a packed table is
// read whole, even for its first 100 rows.
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
  const bytes = serialize({ format: FORMAT, keys, values });
  try {
    writeFileSync(path, bytes, { flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') rmSync(path, { force: true });
    throw error;
  }
  return sorted;
}

export function readPackedTable(path: string): PackedTable {
  const table = deserialize(readFileSync(path)) as { format?: unknown; keys?: unknown; values?: unknown };
  if (table?.format !== FORMAT || !Array.isArray(table.keys) || !Array.isArray(table.values) || table.keys.length !== table.values.length) {
    throw new Error(`${path} is not a packed table (${FORMAT})`);
  }
  return { keys: table.keys as string[], values: table.values };
}

function inKeyOrder(rows: readonly Row[]): readonly Row[] {
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

// Where a component's output table goes: a packed file up to PACKED_MAX_ROWS rows (cheap to write
// and read whole, values exact), a SQLite file of JSON values above (read a page at a time: the
// tracking endpoint shows the first 100 rows of a table of millions without reading it all).
import { writePackedTable, type Row } from './packedTable.js';
import type { TableStore } from './tableStore.js';
import { writeTable } from './writeTable.js';

export const PACKED_MAX_ROWS = 100_000;

export interface WrittenOutput {
  readonly count: number;
  /** The rows in the order a reader of the table gets them (key order); only for packed tables. */
  readonly packedRows?: readonly Row[];
}

export function writeOutputTable(tables: TableStore, location: string, rows: readonly Row[], maxPackedRows = PACKED_MAX_ROWS): WrittenOutput {
  if (rows.length <= maxPackedRows) {
    const packedRows = writePackedTable(tables.packedPathOf(location), rows);
    return { count: packedRows.length, packedRows };
  }
  return { count: writeTable(tables, location, jsonRows(rows)) };
}

/** Rows as a SQLite table stores them: [key, JSON text of the value]. */
function* jsonRows(rows: readonly Row[]): Generator<readonly [string, string]> {
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!;
    yield [row[0], JSON.stringify(row[1])];
  }
}

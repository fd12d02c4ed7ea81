// Where a component's output table goes: a packed file up to PACKED_MAX_ROWS rows (cheap to write
// and read whole, values exact), columnar partitions above (columnarTable.ts: typed columns, read a
// partition at a time, so the tracking endpoint shows the first 100 rows of a table of millions
// without reading it all). Tables of millions used to be SQLite files of JSON values; those still read.
import { COLUMNAR_SUFFIX, writeColumnarTable } from './columnarTable.js';
import { inKeyOrder, writePackedTable, type Row } from './packedTable.js';
import type { TableStore } from './tableStore.js';

export const PACKED_MAX_ROWS = 100_000;

export interface WrittenOutput {
  readonly count: number;
  /** The rows in the order a reader of the table gets them (key order), values as written. */
  readonly rows: readonly Row[];
}

export function writeOutputTable(tables: TableStore, location: string, rows: readonly Row[], maxPackedRows = PACKED_MAX_ROWS, partitions?: number): WrittenOutput {
  if (rows.length <= maxPackedRows) {
    const packedRows = writePackedTable(tables.packedPathOf(location), rows);
    return { count: packedRows.length, rows: packedRows };
  }
  const sorted = inKeyOrder(rows);
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i]![0] === sorted[i - 1]![0]) throw new Error(`output table has the key ${JSON.stringify(sorted[i]![0])} twice`);
  }
  const meta = writeColumnarTable(tables.columnarPathOf(location), sorted, partitions);
  return { count: meta.count, rows: sorted };
}

export { COLUMNAR_SUFFIX };

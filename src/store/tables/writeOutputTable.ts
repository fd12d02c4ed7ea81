// Where a component's output table goes: a packed file up to PACKED_MAX_ROWS rows (cheap to write
// and read whole, values exact), columnar partitions above (columnarTable.ts: typed columns, read a
// partition at a time, so the tracking endpoint shows the first 100 rows of a table of millions
// without reading it all). Tables of millions used to be SQLite files of JSON values; those still read.
// A columnar output (tableData/columns.ts) is written from its columns by the same rule, without
// building a row object: the files are the ones its rows would have made.
import type { InstanceColumns } from '../../tableData/columns.js';
import { rowCountOf, rowRangesOf, takeRows } from '../../tableData/columns.js';
import { unreadKeysSource } from './storedColumns.js';
import { COLUMNAR_SUFFIX, writeColumnarColumns, writeColumnarColumnsOnWorkers, writeColumnarTable } from './columnarTable.js';
import { compareUtf8, inKeyOrder, writePackedColumns, writePackedTable, type Row } from './packedTable.js';
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

export interface WrittenColumns {
  readonly count: number;
  /** The columns in the order a reader of the table gets them (key order): the same object when they already were. */
  readonly columns: InstanceColumns;
}

/** writeOutputTable for a columnar output: the same files, the same key order and duplicate check. */
export function writeOutputColumns(tables: TableStore, location: string, columns: InstanceColumns, maxPackedRows = PACKED_MAX_ROWS, partitions?: number): WrittenColumns {
  // Keys still unread from a stored table (storedColumns.ts) are that table's rows in its order: in
  // key order and unique already (its writer checked), and their bytes are copied, not decoded.
  const count = rowCountOf(columns);
  if (unreadKeysSource(columns) && count > maxPackedRows) {
    writeColumnarColumns(tables.columnarPathOf(location), columns, partitions);
    return { count, columns };
  }
  const sorted = columnsInKeyOrder(columns);
  const keys = sorted.keys;
  for (let i = 1; i < keys.length; i++) {
    if (keys[i] === keys[i - 1]) throw new Error(`output table has the key ${JSON.stringify(keys[i])} twice`);
  }
  if (keys.length <= maxPackedRows) writePackedColumns(tables.packedPathOf(location), sorted);
  else writeColumnarColumns(tables.columnarPathOf(location), sorted, partitions);
  return { count: keys.length, columns: sorted };
}

/**
 * writeOutputColumns when the columns' maker can write its partitions on worker threads (columns.ts
 * RowRanges.writeFiles: DataIO with partition workers) and they go to partitions, in key order and
 * unique: the same files, written by the workers; anything else as writeOutputColumns writes it.
 */
export async function writeOutputColumnsOnWorkers(tables: TableStore, location: string, columns: InstanceColumns, maxPackedRows = PACKED_MAX_ROWS, partitions?: number): Promise<WrittenColumns> {
  const count = rowCountOf(columns);
  if (!rowRangesOf(columns)?.writeFiles || count <= maxPackedRows || unreadKeysSource(columns) || !inOrderAndUnique(columns.keys)) {
    return writeOutputColumns(tables, location, columns, maxPackedRows, partitions);
  }
  await writeColumnarColumnsOnWorkers(tables.columnarPathOf(location), columns, partitions);
  return { count, columns };
}

function inOrderAndUnique(keys: readonly string[]): boolean {
  for (let i = 1; i < keys.length; i++) if (compareUtf8(keys[i - 1]!, keys[i]!) >= 0) return false;
  return true;
}

/** The columns in key order: the same object when they already are, else the rows taken in sorted order. */
function columnsInKeyOrder(columns: InstanceColumns): InstanceColumns {
  const keys = columns.keys;
  let sorted = true;
  for (let i = 1; i < keys.length && sorted; i++) if (compareUtf8(keys[i - 1]!, keys[i]!) > 0) sorted = false;
  if (sorted) return columns;
  // A stable sort, like the rows' (equal keys keep their order, so the duplicate check names the key).
  const order = Array.from({ length: keys.length }, (_, i) => i).sort((a, b) => compareUtf8(keys[a]!, keys[b]!) || a - b);
  return takeRows(columns, order);
}

export { COLUMNAR_SUFFIX };

// A task worker's table I/O: how a task's input tables are loaded and its output table written.
// Instances stay columns on the way (issue 17): a columnar table (Arrow partitions) loads as a
// columnarTable, a columnar output is written from its columns and handed to the next task as
// columns, and a big upload loads as keys + lines for DataIO to parse into columns. A component
// that knows no columns gets rows built on first use; every table reads back as it did.
import { columnarTable, untouchedColumns } from '../tableData/columns.js';
import type { DataTable } from '../tableData/dataTable.js';
import { rawLinesTable } from '../tableData/rawLines.js';
import { readColumnarColumns, readColumnarMeta, restoreNaN } from '../store/tables/columnarTable.js';
import { storedColumns } from '../store/tables/storedColumns.js';
import type { TableStore } from '../store/tables/tableStore.js';
import { writeOutputColumnsOnWorkers, writeOutputTable } from '../store/tables/writeOutputTable.js';
import { readPredictTable, writeLargePredictTable } from '../store/tables/predictTableFile.js';
import type { RecentOutputs } from './recentOutputs.js';
import type { TableInput } from './taskProtocol.js';
import type { UploadedRows } from './uploadedRows.js';

export function loadTaskInput(tables: TableStore, input: TableInput, recent: RecentOutputs, uploaded: UploadedRows): DataTable {
  if (input.format === 'raw') {
    const known = uploaded.get(input.location);
    if (known) return { schema: input.schema, rows: known };
    // Keys now and lines as byte chunks read on demand (issue 17), no tuple kept per line: DataIO
    // parses each chunk's lines into their rows, so the table's text is never whole in memory; any
    // other reader gets the whole text, and rows built from it, on first use.
    const raw = tables.readKeysAndLineChunks(input.location);
    const keys = raw.keys;
    if (uploaded.fits(keys.length)) {
      const lines = raw.lines;
      const rows = keys.map((k, i): [string, string] => [k, lines[i]!]);
      uploaded.keep(input.location, rows);
      return { schema: input.schema, rows };
    }
    return rawLinesTable(input.schema, raw);
  }
  const kept = recent.take(input.location);
  if (kept) return 'columns' in kept ? columnarTable(input.schema, kept.columns) : { schema: input.schema, rows: kept.rows };
  // A large predict table (predictTableFile.ts) loads as its typed columns.
  const predictions = readPredictTable(tables, input.location, input.schema);
  if (predictions) return predictions;
  if (tables.isColumnar(input.location)) {
    // Instances stay columns (no row object unless a component asks for rows). A table too big to
    // be kept between tasks has its values read on first use (storedColumns.ts: a component that
    // only keeps rows never reads them).
    const dir = tables.columnarPathOf(input.location);
    const columns = recent.fits(readColumnarMeta(dir).count) ? readColumnarColumns(dir) : storedColumns(dir);
    if (columns) return columnarTable(input.schema, columns);
  }
  if (tables.isPacked(input.location) || tables.isColumnar(input.location)) return { schema: input.schema, rows: tables.readValues(input.location) };
  const rows: [string, unknown][] = [];
  for (const [k, v] of tables.read(input.location)) rows.push([k, restoreNaN(JSON.parse(v))]);
  return { schema: input.schema, rows };
}

/**
 * Writes a task's output table (from its columns when it is an untouched columnar table) and keeps
 * what reads back, in that order, for the next task in this worker. Returns the row count.
 */
export async function writeTaskOutput(tables: TableStore, location: string, table: DataTable, recent: RecentOutputs): Promise<number> {
  // A large predict table is written from its columns and read back as columns (not kept here).
  const predictions = writeLargePredictTable(tables, location, table);
  if (predictions) return predictions.count;
  const columns = untouchedColumns(table);
  if (columns) {
    // Partitions a component writes on its partition workers (DataIO: ComponentContext.partitionWorkers) are awaited.
    const out = await writeOutputColumnsOnWorkers(tables, location, columns);
    recent.keepColumns(location, out.columns);
    return out.count;
  }
  const out = writeOutputTable(tables, location, table.rows);
  recent.keep(location, out.rows as [string, unknown][]);
  return out.count;
}

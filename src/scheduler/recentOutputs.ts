// A task worker's last output tables, kept in memory so that the next task of the same job in this
// worker (its downstream component) skips reading them back from the table store. Only an
// optimisation: every output is written to the store first, and a miss reads it from there. Packed
// and columnar tables read back exactly the rows written, in the order kept here; a table is handed
// out once (its reader may change the rows in place). A columnar output (tableData/columns.ts) is
// kept as its columns, so the next task gets a columnar table again and no row object is built.
// At most MAX_TABLES tables and MAX_ROWS rows in all are kept (the oldest leave first), so a
// worker's memory stays bounded with tables of millions.
import { rowCountOf, type InstanceColumns } from '../tableData/columns.js';

const MAX_TABLES = 8;
const MAX_ROWS = 2_500_000;

type Rows = [string, unknown][];

/** What was kept of a table: its rows, or its columns. */
export type KeptTable = { readonly rows: Rows } | { readonly columns: InstanceColumns };

const countOf = (table: KeptTable): number => ('rows' in table ? table.rows.length : rowCountOf(table.columns));

export class RecentOutputs {
  private readonly tables = new Map<string, KeptTable>();
  private rows = 0;

  constructor(private readonly maxRows = MAX_ROWS) {}

  /** Whether a table of `count` rows would be kept. */
  fits(count: number): boolean {
    return count <= this.maxRows;
  }

  keep(location: string, rows: Rows): void {
    this.keepTable(location, { rows });
  }

  keepColumns(location: string, columns: InstanceColumns): void {
    this.keepTable(location, { columns });
  }

  /** The table kept for `location`, once; undefined when it must be read from the store. */
  take(location: string): KeptTable | undefined {
    const table = this.tables.get(location);
    this.drop(location);
    return table;
  }

  private keepTable(location: string, table: KeptTable): void {
    const n = countOf(table);
    if (n > this.maxRows) return;
    this.drop(location);
    this.tables.set(location, table);
    this.rows += n;
    while (this.tables.size > MAX_TABLES || this.rows > this.maxRows) this.drop(this.tables.keys().next().value!);
  }

  private drop(location: string): void {
    const table = this.tables.get(location);
    if (!table) return;
    this.tables.delete(location);
    this.rows -= countOf(table);
  }
}

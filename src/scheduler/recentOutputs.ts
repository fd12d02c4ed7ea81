// A task worker's last output tables, kept in memory so that the next task of the same job in this
// worker (its downstream component) skips reading them back from the table store. Only an
// optimisation: every output is written to the store first, and a miss reads it from there. Packed
// and columnar tables read back exactly the rows written, in the order kept here; a table is handed
// out once (its reader may change the rows in place). At most MAX_TABLES tables and MAX_ROWS rows
// in all are kept (the oldest leave first), so a worker's memory stays bounded with tables of millions.

const MAX_TABLES = 8;
const MAX_ROWS = 2_500_000;

type Rows = [string, unknown][];

export class RecentOutputs {
  private readonly tables = new Map<string, Rows>();
  private rows = 0;

  constructor(private readonly maxRows = MAX_ROWS) {}

  keep(location: string, rows: Rows): void {
    if (rows.length > this.maxRows) return;
    this.drop(location);
    this.tables.set(location, rows);
    this.rows += rows.length;
    while (this.tables.size > MAX_TABLES || this.rows > this.maxRows) this.drop(this.tables.keys().next().value!);
  }

  /** The rows kept for `location`, once; undefined when they must be read from the store. */
  take(location: string): Rows | undefined {
    const rows = this.tables.get(location);
    this.drop(location);
    return rows;
  }

  private drop(location: string): void {
    const rows = this.tables.get(location);
    if (!rows) return;
    this.tables.delete(location);
    this.rows -= rows.length;
  }
}

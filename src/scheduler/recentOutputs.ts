// A task worker's last output tables, kept in memory so that the next task of the same job in this
// worker (its downstream component) skips reading them back from the table store. Only an
// optimisation: every output is written to the store first, and a miss reads it from there. Only
// packed tables are kept (they read back exactly the rows written, in the order kept here), and a
// table is handed out once (its reader may change the rows in place).

const MAX_TABLES = 8;

type Rows = [string, unknown][];

export class RecentOutputs {
  private readonly tables = new Map<string, Rows>();

  keep(location: string, rows: Rows): void {
    this.tables.set(location, rows);
    if (this.tables.size > MAX_TABLES) this.tables.delete(this.tables.keys().next().value!);
  }

  /** The rows kept for `location`, once; undefined when they must be read from the store. */
  take(location: string): Rows | undefined {
    const rows = this.tables.get(location);
    this.tables.delete(location);
    return rows;
  }
}

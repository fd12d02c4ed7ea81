// A task worker's copy of the small uploaded tables it read last. Every job of a benchmark or a
// tuning session reads the same uploaded tables again; an uploaded table's location is written
// once and never changes (a re-upload writes a new location), so its rows can be kept by location.
// Each reader gets its own row tuples (components may not change shared rows); only small tables
// are kept, and only a few, so a worker's memory stays bounded.

const MAX_TABLES = 4;
const MAX_ROWS = 20_000;

type RawRows = [string, string][];

export class UploadedRows {
  private readonly tables = new Map<string, RawRows>();

  /** Whether a table of `count` rows would be kept. */
  fits(count: number): boolean {
    return count <= MAX_ROWS;
  }

  keep(location: string, rows: RawRows): void {
    if (!this.fits(rows.length)) return;
    this.tables.delete(location);
    this.tables.set(location, rows.map(([k, v]) => [k, v]));
    if (this.tables.size > MAX_TABLES) this.tables.delete(this.tables.keys().next().value!);
  }

  /** A fresh copy of the rows kept for `location`, or undefined. */
  get(location: string): RawRows | undefined {
    const rows = this.tables.get(location);
    if (!rows) return undefined;
    // Most recently used last.
    this.tables.delete(location);
    this.tables.set(location, rows);
    return rows.map(([k, v]) => [k, v]);
  }
}

// An uploaded table's lines without a row tuple per line (issue 17): the keys and the rest of each
// line in two arrays. The runtime loads a big upload this way and DataIO parses the lines straight
// into columns; any other reader of the table gets its `rows` built on first use, as before.
import type { DataTable, Schema } from './contract.js';

export interface RawLines {
  readonly keys: readonly string[];
  /** The line after the id, as uploaded (delimiter-joined cells). */
  readonly lines: readonly string[];
}

const RAW = new WeakMap<object, RawLines>();

/** A DataTable of upload lines backed by `raw`: `rows` built on first use. */
export function rawLinesTable(schema: Schema, raw: RawLines): DataTable<string> {
  let rows: [string, string][] | undefined;
  const table = {
    schema,
    get rows(): [string, string][] {
      if (!rows) {
        const n = raw.keys.length;
        rows = new Array<[string, string]>(n);
        for (let r = 0; r < n; r++) rows[r] = [raw.keys[r]!, raw.lines[r]!];
      }
      return rows;
    },
  };
  RAW.set(table, raw);
  return table;
}

/** The table's lines: its own when it was loaded as lines, else taken from its rows (values as text). */
export function rawLinesOf(table: DataTable): RawLines {
  const own = RAW.get(table);
  if (own) return own;
  const rows = table.rows;
  const n = rows.length;
  const keys = new Array<string>(n);
  const lines = new Array<string>(n);
  for (let r = 0; r < n; r++) {
    keys[r] = rows[r]![0];
    lines[r] = String(rows[r]![1]);
  }
  return { keys, lines };
}

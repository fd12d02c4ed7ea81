// A task worker's last output tables, kept in memory so that the next task of the same job in this
// worker (its downstream component) skips reading and JSON-parsing them back from the table store.
// Only an optimisation: every output is written to the store first, and a miss reads it from there.
// A table is handed out once (its reader may change the rows in place) and only when its rows read
// back from JSON would be equal: instances of finite features (NaN stays NaN, as restoreNaN gives)
// and an optional finite label, nothing else.

const MAX_TABLES = 8;
const MAX_ROWS = 200_000;

type Rows = [string, unknown][];

export class RecentOutputs {
  private readonly tables = new Map<string, Rows>();

  keep(location: string, rows: Rows): void {
    if (rows.length > MAX_ROWS || !rows.every(([, value]) => isPlainInstance(value))) return;
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

/** True when JSON.parse(JSON.stringify(value)) (with nulls read back as NaN) equals value. */
function isPlainInstance(value: unknown): boolean {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || Object.getPrototypeOf(value) !== Object.prototype) return false;
  const { features, label, ...rest } = value as { features?: unknown; label?: unknown };
  for (const _ in rest) return false;
  if ('label' in value && !(typeof label === 'number' && Number.isFinite(label) && !Object.is(label, -0))) return false;
  if (!Array.isArray(features)) return false;
  for (let i = 0; i < features.length; i++) {
    const x = features[i];
    // Infinity would come back as NaN and -0 as 0; a hole or a non-number not at all.
    if (typeof x !== 'number' || x === Infinity || x === -Infinity || Object.is(x, -0) || !(i in features)) return false;
  }
  return true;
}

// Two view databases compared table by table, row by row (`fedflow replay --check`): the live
// views of a node against views rebuilt from its log in a throwaway place. Each view's rows are
// read on both sides ordered by the row's identity (its first UNIQUE constraint, else its primary
// key, else every column) and merged like a sorted join, so memory stays flat and a missing row
// is told from a changed one; the first difference is named with the row's identifying columns.
import type { Database as Db } from 'better-sqlite3';

export interface ViewDifference {
  readonly table: string;
  /** The row as the live views hold it (absent: only the rebuilt views have it). */
  readonly live?: Readonly<Record<string, unknown>>;
  readonly rebuilt?: Readonly<Record<string, unknown>>;
  /** Columns whose values differ, when the same row is on both sides. */
  readonly columns: readonly string[];
  readonly message: string;
}

export interface ViewComparison {
  readonly tables: number;
  readonly rows: number;
  readonly firstDifference: ViewDifference | null;
}

/** Columns that name a row in messages: the surrogate key, then job/task/table/model ids, role, party. */
const NAMING = /^(seq|f_id|f_job_id|f_task_id|f_component_name|f_role|f_party_id|f_namespace|f_name|f_table_name|f_model_id|f_model_version|f_party_model_id|f_serving|f_service_id|f_metric_namespace|f_metric_name|f_key)$/;

function columnsOf(db: Db, table: string): string[] {
  return (db.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[]).map((c) => c.name);
}

/** The columns that identify a row: the first UNIQUE constraint, else the primary key, else all. */
function identityOf(db: Db, table: string, columns: readonly string[]): string[] {
  const indexes = db.prepare(`PRAGMA index_list(${table})`).all() as { name: string; unique: number; origin: string }[];
  const unique = indexes.find((i) => i.unique && i.origin === 'u') ?? indexes.find((i) => i.unique && i.origin === 'pk');
  if (unique) return (db.prepare(`PRAGMA index_info(${unique.name})`).all() as { seqno: number; name: string }[]).sort((a, b) => a.seqno - b.seqno).map((c) => c.name);
  const pk = (db.prepare(`PRAGMA table_info(${table})`).all() as { name: string; pk: number }[]).filter((c) => c.pk > 0).sort((a, b) => a.pk - b.pk).map((c) => c.name);
  return pk.length ? pk : [...columns];
}

/** SQLite's order of values (NULL, numbers, text, blobs; text by code unit, enough for ids). */
function rank(v: unknown): number {
  if (v === null || v === undefined) return 0;
  if (typeof v === 'number' || typeof v === 'bigint') return 1;
  if (typeof v === 'string') return 2;
  return 3;
}

function compareValues(a: unknown, b: unknown): number {
  const ra = rank(a);
  const rb = rank(b);
  if (ra !== rb) return ra - rb;
  if (ra === 0) return 0;
  if (ra === 3) return Buffer.compare(a as Buffer, b as Buffer);
  return a! < b! ? -1 : a! > b! ? 1 : 0;
}

function compareKeys(key: readonly string[], a: Record<string, unknown>, b: Record<string, unknown>): number {
  for (const c of key) {
    const d = compareValues(a[c], b[c]);
    if (d !== 0) return d;
  }
  return 0;
}

function describe(row: Readonly<Record<string, unknown>>): string {
  const named = Object.entries(row).filter(([k, v]) => NAMING.test(k) && v !== null && v !== '');
  return named.map(([k, v]) => `${k}=${String(v)}`).join(', ') || JSON.stringify(row).slice(0, 200);
}

function show(value: unknown): string {
  const text = typeof value === 'string' ? JSON.stringify(value) : String(value);
  return text.length > 120 ? `${text.slice(0, 117)}…` : text;
}

/** Compares `tables` (in order) and stops at the first difference. */
export function compareViews(live: Db, rebuilt: Db, tables: readonly string[]): ViewComparison {
  let rows = 0;
  for (const table of tables) {
    const columns = columnsOf(rebuilt, table);
    const liveColumns = columnsOf(live, table);
    if (liveColumns.join(',') !== columns.join(',')) {
      return { tables: tables.length, rows, firstDifference: { table, columns: [], message: `${table}: the live views have columns (${liveColumns.join(', ') || 'no table'}), this fedflow builds (${columns.join(', ')}); run fedflow views rebuild` } };
    }
    const key = identityOf(rebuilt, table, columns);
    // BINARY collation: the order compareValues assumes.
    const sql = `SELECT * FROM ${table} ORDER BY ${[...key, ...columns].map((c) => `"${c}" COLLATE BINARY`).join(', ')}`;
    const a = live.prepare(sql).iterate() as IterableIterator<Record<string, unknown>>;
    const b = rebuilt.prepare(sql).iterate() as IterableIterator<Record<string, unknown>>;
    try {
      let x = a.next();
      let y = b.next();
      while (!x.done || !y.done) {
        rows += 1;
        // Merge: the smaller identity is a row the other side lacks.
        const order = x.done ? 1 : y.done ? -1 : compareKeys(key, x.value, y.value);
        const difference = compareRows(table, columns, order <= 0 ? x.value as Record<string, unknown> : undefined, order >= 0 ? y.value as Record<string, unknown> : undefined);
        if (difference) return { tables: tables.length, rows, firstDifference: difference };
        if (order <= 0) x = a.next();
        if (order >= 0) y = b.next();
      }
    } finally {
      a.return?.();
      b.return?.();
    }
  }
  return { tables: tables.length, rows, firstDifference: null };
}

function compareRows(table: string, columns: readonly string[], live: Record<string, unknown> | undefined, rebuilt: Record<string, unknown> | undefined): ViewDifference | null {
  if (!live) return { table, rebuilt: rebuilt!, columns: [], message: `${table}: row (${describe(rebuilt!)}) is missing from the live views but rebuilt from the log` };
  if (!rebuilt) return { table, live, columns: [], message: `${table}: row (${describe(live)}) is in the live views but the log does not produce it` };
  const differing = columns.filter((c) => !Object.is(live[c], rebuilt[c]) && !(Buffer.isBuffer(live[c]) && Buffer.isBuffer(rebuilt[c]) && (live[c] as Buffer).equals(rebuilt[c] as Buffer)));
  if (differing.length === 0) return null;
  const c = differing[0]!;
  return {
    table, live, rebuilt, columns: differing,
    message: `${table}: row (${describe(live)}) differs in ${differing.join(', ')}: ${c} is ${show(live[c])} in the live views, ${show(rebuilt[c])} rebuilt from the log`,
  };
}

// Two view databases compared table by table, row by row (`fedflow replay --check`): the live
// views of a node against views rebuilt from its log in a throwaway place. Rows are read in the
// same total order on both sides (every column, first to last) and walked side by side, so memory
// stays flat; the first difference is named with the row's identifying columns.
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
    const order = columns.map((_, i) => i + 1).join(', ');
    const sql = `SELECT * FROM ${table} ORDER BY ${order}`;
    const a = live.prepare(sql).iterate() as IterableIterator<Record<string, unknown>>;
    const b = rebuilt.prepare(sql).iterate() as IterableIterator<Record<string, unknown>>;
    try {
      for (;;) {
        const x = a.next();
        const y = b.next();
        if (x.done && y.done) break;
        rows += 1;
        const difference = compareRows(table, columns, x.done ? undefined : x.value, y.done ? undefined : y.value);
        if (difference) return { tables: tables.length, rows, firstDifference: difference };
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

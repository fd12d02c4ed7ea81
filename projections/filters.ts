import type { Database, Statement } from 'better-sqlite3';

/** Queries are few distinct SQL texts asked many times: prepare each once per database. */
const cache = new WeakMap<Database, Map<string, Statement>>();

export function prepared(db: Database, sql: string): Statement {
  let statements = cache.get(db);
  if (!statements) cache.set(db, (statements = new Map()));
  let statement = statements.get(sql);
  if (!statement) statements.set(sql, (statement = db.prepare(sql)));
  return statement;
}

const textColumnCache = new WeakMap<Database, Map<string, ReadonlySet<string>>>();

/** Columns declared TEXT: compared as text anyway, so a filter on them needs no CAST and can use an index. */
function textColumns(db: Database, table: string): ReadonlySet<string> {
  let tables = textColumnCache.get(db);
  if (!tables) textColumnCache.set(db, (tables = new Map()));
  let columns = tables.get(table);
  if (!columns) {
    const info = db.pragma(`table_info(${table})`) as { name: string; type: string }[];
    tables.set(table, (columns = new Set(info.filter((c) => c.type.toUpperCase() === 'TEXT').map((c) => c.name))));
  }
  return columns;
}

/**
 * FATE's query rule: every request key whose f_<key> column exists is an equality filter, ANDed;
 * other keys are ignored. Values are compared as text so "9999" and 9999 both match.
 */
export function selectWhere(
  db: Database,
  table: string,
  columns: readonly string[],
  filters: Record<string, unknown>,
  orderBy: string,
  limit?: number,
): Record<string, unknown>[] {
  const clauses: string[] = [];
  const text = textColumns(db, table);
  const params: (string | number)[] = [];
  for (const [key, value] of Object.entries(filters)) {
    const column = `f_${key}`;
    if (!columns.includes(column) || value === undefined || value === null || typeof value === 'object') continue;
    // A TEXT column holds text only (SQLite converts on insert): `column = ?` with a text value
    // matches exactly what the CAST would, and it can use the column's index (no scan through the
    // big JSON columns of every row).
    clauses.push(text.has(column) ? `${column} = ?` : `CAST(${column} AS TEXT) = ?`);
    params.push(typeof value === 'boolean' ? Number(value) : String(value));
  }
  const where = clauses.length ? ` WHERE ${clauses.join(' AND ')}` : '';
  const lim = limit && limit > 0 ? ` LIMIT ${Math.floor(limit)}` : '';
  return prepared(db, `SELECT ${columns.join(',')} FROM ${table}${where} ORDER BY ${orderBy}${lim}`).all(...params) as Record<string, unknown>[];
}

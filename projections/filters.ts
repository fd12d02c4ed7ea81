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
  const params: (string | number)[] = [];
  for (const [key, value] of Object.entries(filters)) {
    const column = `f_${key}`;
    if (!columns.includes(column) || value === undefined || value === null || typeof value === 'object') continue;
    clauses.push(`CAST(${column} AS TEXT) = ?`);
    params.push(typeof value === 'boolean' ? Number(value) : String(value));
  }
  const where = clauses.length ? ` WHERE ${clauses.join(' AND ')}` : '';
  const lim = limit && limit > 0 ? ` LIMIT ${Math.floor(limit)}` : '';
  return prepared(db, `SELECT ${columns.join(',')} FROM ${table}${where} ORDER BY ${orderBy}${lim}`).all(...params) as Record<string, unknown>[];
}

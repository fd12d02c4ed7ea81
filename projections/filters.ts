import type { Database } from 'better-sqlite3';

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
  return db.prepare(`SELECT ${columns.join(',')} FROM ${table}${where} ORDER BY ${orderBy}${lim}`).all(...params) as Record<string, unknown>[];
}

// `as_of` on the query endpoints: a log position (a number, or digits) or an ISO date-time. With
// it the query runs on the views as they were then (projections/asOf.ts), without it on today's.
import type { Database } from 'better-sqlite3';
import { withViewsAsOf, type AsOf } from '../../projections/asOf.js';
import { badRequest } from './errors.js';
import type { EdgeDeps } from './edgeDeps.js';

export function parseAsOf(value: unknown): AsOf | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return { position: BigInt(value) };
  if (typeof value === 'string') {
    if (/^\d+$/.test(value)) return { position: BigInt(value) };
    // A date-time, not a bare number: "2026-12-06T14:00:00Z" (Date.parse would take "2026" too).
    const time = /^\d{4}-\d{2}-\d{2}/.test(value) ? Date.parse(value) : Number.NaN;
    if (!Number.isNaN(time)) return { time };
  }
  throw badRequest(`as_of must be a log position or an ISO date-time, got ${JSON.stringify(value)}`);
}

/** Runs `query` on today's views, or on the views as of `body.as_of` (which the query does not see). */
export async function queryViews<T>(deps: EdgeDeps, body: Record<string, unknown>, query: (views: Database, body: Record<string, unknown>) => T): Promise<T> {
  const asOf = parseAsOf(body.as_of);
  if (!asOf) return query(deps.views, body);
  if (!deps.eventLog) throw badRequest('as_of needs the event log, which this node does not expose');
  const { as_of: _asOf, ...rest } = body;
  return (await withViewsAsOf(deps.eventLog, asOf, (views) => query(views, rest))).answer;
}

// A read-only node (`fedflow node --read-only`): every query route answers as on any node, every
// other /v1 route is refused before it reaches a handler, with FATE's envelope (retcode 100, the
// 1.4 contract's code for a refused operation) and a message that says why and where to go.
// A list of what may pass, not of what may not: a route added later is refused until it is known
// to be a query.
import type Koa from 'koa';
import { envelope } from './envelope.js';

/** POST routes that only read (the FATE-Flow queries, tracking reads, audit, model transfer). */
export const QUERY_ROUTES: ReadonlySet<string> = new Set([
  '/v1/job/query', '/v1/job/task/query', '/v1/job/config', '/v1/job/data/view/query',
  '/v1/table/table_info', '/v1/data/upload/history', '/v1/pipeline/dag/dependency', '/v1/version/get',
  '/v1/tracking/job/data_view', '/v1/tracking/component/metrics', '/v1/tracking/component/metric_data',
  '/v1/tracking/component/metric/all', '/v1/tracking/component/parameters', '/v1/tracking/component/output/model',
  '/v1/tracking/component/output/data', '/v1/tracking/component/output/data/table',
  '/v1/model/transfer', '/v1/model/query', '/v1/permission/query/privilege', '/v1/permission/query',
  '/v1/audit/events', '/v1/audit/job/timeline', '/v1/audit/job/receipts',
  // A board sign-in lives in the node's memory only: it appends nothing.
  '/v1/board/session', '/v1/board/session/end',
]);

export function readOnlyRetmsg(path: string): string {
  return `this node is read-only (fedflow node --read-only): ${path} would change its state and is refused; it answers queries only`;
}

/** GET and HEAD read (board, audit stream, file downloads); a POST passes only to a query route. */
export function readOnlyGuard(): Koa.Middleware {
  return async (ctx, next) => {
    const reads = ctx.method === 'GET' || ctx.method === 'HEAD' || (ctx.method === 'POST' && QUERY_ROUTES.has(ctx.path));
    if (reads || !ctx.path.startsWith('/v1/')) return next();
    ctx.status = 200;
    ctx.body = envelope({ retcode: 100, retmsg: readOnlyRetmsg(ctx.path) });
  };
}

// Operations endpoints outside /v1: /healthz (the process answers), /readyz (recovery done and the
// views caught up with the log: until the edge is attached every request gets the node's 503
// "starting" answer, so reaching this handler already means recovery is over), /metrics.
import type Koa from 'koa';
import type { NodeMetrics } from './metrics.js';

export interface OpsDeps {
  readonly metrics?: NodeMetrics;
  /** Views position and log head, to tell whether the views have caught up. */
  readonly readiness?: () => Promise<{ position: bigint; head: bigint }>;
}

export function opsMiddleware(deps: OpsDeps): Koa.Middleware {
  return async (ctx, next) => {
    if (ctx.method !== 'GET' && ctx.method !== 'HEAD') return next();
    if (ctx.path === '/healthz') {
      ctx.body = { status: 'ok' };
      return;
    }
    if (ctx.path === '/readyz') {
      if (!deps.readiness) {
        ctx.body = { status: 'ready' };
        return;
      }
      const { position, head } = await deps.readiness();
      const ready = position >= head;
      ctx.status = ready ? 200 : 503;
      ctx.body = { status: ready ? 'ready' : 'catching up', position: position.toString(), head: head.toString() };
      return;
    }
    if (ctx.path === '/metrics' && deps.metrics) {
      ctx.type = deps.metrics.registry.contentType;
      ctx.body = await deps.metrics.registry.metrics();
      return;
    }
    return next();
  };
}

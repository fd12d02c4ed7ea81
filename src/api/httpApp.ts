// The Koa /v1 edge: request ids and logs, one error policy (HTTP 200 + FATE envelope for every
// application error), the routes, and 404/405 for unknown paths and methods.
import { randomUUID } from 'node:crypto';
import Koa from 'koa';
import Router from '@koa/router';
import type { Logger } from 'pino';
import { IllegalStateError } from '../domain/decider.js';
import { WrongExpectedRevisionError } from '../store/eventStore.js';
import { authenticate } from './auth/authenticate.js';
import { currentScope, runInScope } from '../store/audit/auditScope.js';
import { envelope, type Envelope } from './envelope.js';
import { ApiError, HttpError } from './errors.js';
import type { EdgeDeps } from './edgeDeps.js';
import { auditRoutes } from './routes/audit.js';
import { auditReceiptRoutes } from './routes/auditReceipts.js';
import { dataRoutes } from './routes/data.js';
import { jobRoutes } from './routes/job.js';
import { jobAdminRoutes } from './routes/jobAdmin.js';
import { downloadRoutes } from './routes/downloads.js';
import { trackingAdminRoutes } from './routes/trackingAdmin.js';
import { modelPublishRoutes } from './routes/modelPublish.js';
import { modelTransferRoutes } from './routes/modelTransfer.js';
import { modelQueryRoutes } from './routes/modelQuery.js';
import { permissionRoutes } from './routes/permission.js';
import { pipelineRoutes } from './routes/pipeline.js';
import { tableRoutes } from './routes/table.js';
import { trackingRoutes } from './routes/tracking.js';
import { versionRoutes } from './routes/version.js';
import { boardEventRoutes } from './board/events.js';
import { boardQueryRoutes } from './board/queries.js';
import { boardEvaluationRoutes } from './board/evaluation.js';
import { boardSessionRoutes } from './board/session.js';
import { BoardSessions } from './auth/boardSessions.js';
import { serveBoard } from './board/static.js';
import { opsMiddleware } from './ops/routes.js';
import { readOnlyGuard } from './readOnly.js';
import { openApiRoutes } from './openapi/route.js';

export function createHttpApp(deps: EdgeDeps): Koa {
  const app = new Koa();
  app.proxy = false;
  // A client that times out, hangs up or sends broken HTTP is not the node's error: Koa would print
  // it to stderr; it goes to the log instead.
  app.on('error', (error: Error) => deps.log.debug({ err: error }, 'client request ended abnormally'));
  if (deps.ops?.metrics) app.use(deps.ops.metrics.middleware);
  app.use(async (ctx, next) => {
    const requestId = ctx.get('x-request-id') || randomUUID();
    const log = deps.log.child({ requestId });
    ctx.state.log = log;
    ctx.set('x-request-id', requestId);
    const started = performance.now();
    try {
      // Who and why for every event this request appends: the client's address, the request id.
      const address = ctx.req.socket.remoteAddress ?? 'unknown';
      await runInScope({ correlationId: requestId, causationId: requestId, actor: { kind: 'client', address } }, () => next());
    } catch (error) {
      answerError(ctx, error, log);
    }
    const body = ctx.body as Envelope | undefined;
    log.info({ method: ctx.method, path: ctx.path, status: ctx.status, retcode: body?.retcode, appKey: ctx.state.appKey, ms: Math.round(performance.now() - started) }, 'request');
  });
  // Before every route: a refused request never reaches a handler (nor the event log).
  const sessions = new BoardSessions();
  app.use(authenticate({ appKeys: deps.config.appKeys, bodyLimit: deps.config.jsonBodyLimit, sessions }));
  // An authenticated client is named by its app key too in every event its request appends.
  app.use(async (ctx, next) => {
    const scope = currentScope();
    const appKey = ctx.state.appKey as string | undefined;
    if (!appKey || scope?.actor.kind !== 'client') return next();
    return runInScope({ ...scope, actor: { ...scope.actor, appKey } }, () => next());
  });
  // FATE's server merges repeated slashes (/v1/job//task/query) and its own tests rely on it.
  app.use(async (ctx, next) => {
    if (ctx.path.includes('//')) ctx.path = ctx.path.replace(/\/{2,}/g, '/');
    await next();
  });
  app.use(opsMiddleware(deps.ops ?? {}));
  // A read-only node refuses every write here, before any handler (src/api/readOnly.ts).
  if (deps.config.readOnly) app.use(readOnlyGuard());
  const v1 = v1Router(deps, sessions);
  app.use(v1.routes());
  app.use(v1.allowedMethods());
  app.use(serveBoard());
  return app;
}

/** Every /v1 route (exported so a test can check each one is in the OpenAPI document). */
export function v1Router(deps: EdgeDeps, sessions: BoardSessions = new BoardSessions()): Router {
  const v1 = new Router({ prefix: '/v1' });
  dataRoutes(v1, deps);
  tableRoutes(v1, deps);
  jobRoutes(v1, deps);
  jobAdminRoutes(v1, deps);
  versionRoutes(v1, deps);
  downloadRoutes(v1, deps);
  trackingAdminRoutes(v1, deps);
  trackingRoutes(v1, deps);
  pipelineRoutes(v1, deps);
  modelPublishRoutes(v1, deps);
  modelTransferRoutes(v1, deps);
  modelQueryRoutes(v1, deps);
  permissionRoutes(v1, deps);
  boardEventRoutes(v1, deps.boardFeed);
  boardQueryRoutes(v1, deps.views);
  boardEvaluationRoutes(v1, deps.views, deps.tables);
  boardSessionRoutes(v1, sessions, (deps.config?.appKeys.length ?? 0) > 0);
  auditRoutes(v1, deps);
  auditReceiptRoutes(v1, deps);
  openApiRoutes(v1);
  return v1;
}

function answerError(ctx: Koa.Context, error: unknown, log: Logger): void {
  ctx.status = 200;
  if (error instanceof ApiError) {
    ctx.body = envelope({ retcode: error.retcode, retmsg: error.message, ...error.extra });
  } else if (error instanceof IllegalStateError) {
    ctx.body = envelope({ retcode: 100, retmsg: error.message });
  } else if (error instanceof WrongExpectedRevisionError) {
    ctx.body = envelope({ retcode: 100, retmsg: `a concurrent change reached ${error.streamId} first; try again` });
  } else if (error instanceof HttpError) {
    ctx.status = error.status;
    ctx.body = envelope({ retcode: 100, retmsg: error.message });
  } else {
    log.error({ err: error }, 'unhandled error');
    ctx.body = envelope({ retcode: 100, retmsg: error instanceof Error ? error.message : String(error) });
  }
}

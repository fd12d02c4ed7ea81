// One shape for every JSON route: read and check the body, answer an envelope.
import type Router from '@koa/router';
import type { Context } from 'koa';
import { readJsonObject } from './body.js';
import { envelope, type Envelope } from './envelope.js';
import type { EdgeDeps } from './edgeDeps.js';

export type JsonHandler = (body: Record<string, unknown>, ctx: Context) => Promise<Envelope> | Envelope;

export function postJson(router: Router, path: string, deps: EdgeDeps, handler: JsonHandler): void {
  router.post(path, async (ctx) => {
    const body = await readJsonObject(ctx, deps.config.jsonBodyLimit);
    ctx.body = envelope(await handler(body, ctx));
  });
}

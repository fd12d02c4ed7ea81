// GET routes that answer a file (FATE's send_file), the way fate_flow_client.py calls them: GET
// with a JSON body. Query-string parameters work too (curl, browsers, fetch, which cannot send a
// GET body); the body wins. A failure is an envelope: HTTP 200 for bad input as FATE's error handler
// answers it, or the status a handler picks (FATE's error_response(500, …)), so FATE's client,
// which unpacks only a 200, prints it instead.
import type Router from '@koa/router';
import type { Context } from 'koa';
import { readJsonObject } from './body.js';
import { envelope, type Envelope } from './envelope.js';
import type { EdgeDeps } from './edgeDeps.js';

export type FileAnswer =
  | { readonly file: { readonly name: string; readonly bytes: Buffer; readonly contentType: string } }
  | { readonly status: number; readonly answer: Envelope };

export function getFile(router: Router, path: string, deps: EdgeDeps, handler: (body: Record<string, unknown>, ctx: Context) => Promise<FileAnswer> | FileAnswer): void {
  router.get(path, async (ctx) => {
    const query: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(ctx.query)) query[key] = Array.isArray(value) ? value[0] : value;
    const body = { ...query, ...(await readJsonObject(ctx, deps.config.jsonBodyLimit)) };
    const out = await handler(body, ctx);
    if ('file' in out) {
      ctx.set('content-disposition', `attachment; filename="${out.file.name}"`);
      ctx.type = out.file.contentType;
      ctx.body = out.file.bytes;
    } else {
      ctx.status = out.status;
      ctx.body = envelope(out.answer);
    }
  });
}

// Serves the built board (dist/board, made by `npm run build`) at `/`. Paths under /v1 (and the
// operations endpoints) never reach it; any other GET without a file answers index.html so the
// single-page app's own routes (#/jobs, …) survive a reload.
import { createReadStream, existsSync, statSync } from 'node:fs';
import { dirname, extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type Koa from 'koa';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml', '.png': 'image/png', '.ico': 'image/x-icon', '.json': 'application/json', '.map': 'application/json',
};

/** dist/board next to dist/src (this file is dist/src/api/board/static.js once built). */
export function defaultBoardDir(): string {
  return join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'board');
}

export function serveBoard(root: string = defaultBoardDir()): Koa.Middleware {
  return async (ctx, next) => {
    if ((ctx.method !== 'GET' && ctx.method !== 'HEAD') || ctx.path.startsWith('/v1/') || ctx.path === '/v1') return next();
    const index = join(root, 'index.html');
    if (!existsSync(index)) return next();
    const wanted = normalize(join(root, decodeURIComponent(ctx.path)));
    const inside = wanted.startsWith(root + sep) && existsSync(wanted) && statSync(wanted).isFile();
    if (!inside && extname(ctx.path) !== '') return next();
    const file = inside ? wanted : index;
    ctx.type = TYPES[extname(file)] ?? 'application/octet-stream';
    // Vite names assets by content hash, so they never change; index.html always may.
    ctx.set('cache-control', file.includes(`${sep}assets${sep}`) ? 'public, max-age=31536000, immutable' : 'no-cache');
    ctx.length = statSync(file).size;
    ctx.body = createReadStream(file);
  };
}

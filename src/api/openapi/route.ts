// GET /v1/openapi.json: the document of every /v1 endpoint (document.ts).
import type Router from '@koa/router';
import { openApiDocument } from './document.js';

export function openApiRoutes(router: Router): void {
  router.get('/openapi.json', (ctx) => {
    ctx.set('cache-control', 'no-cache');
    ctx.body = openApiDocument();
  });
}

// serveBoard: files of the built board, index.html for the app's own paths, nothing outside its
// folder, and never a /v1 path.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import Koa from 'koa';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { serveBoard } from '../../../src/api/board/static.js';
import { changeOf } from '../../../src/api/board/feed.js';
import { tempDir } from '../../support/http.js';

const dir = tempDir('board-static');
const root = join(dir, 'board');
let server: ReturnType<Koa['listen']>;
let base: string;
const t = suite('api: board static files and change feed');

t.before(async () => {
  mkdirSync(join(root, 'assets'), { recursive: true });
  writeFileSync(join(root, 'index.html'), '<html>board</html>');
  writeFileSync(join(root, 'assets', 'app-1.js'), 'console.log(1)');
  writeFileSync(join(dir, 'secret.txt'), 'secret');
  const app = new Koa();
  app.use(serveBoard(root));
  app.use((ctx) => {
    ctx.status = 404;
    ctx.body = 'next';
  });
  server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
t.after(() => {
  server?.close();
  rmSync(dir, { recursive: true, force: true });
});

t('serves index.html at / and for app paths, assets with a long cache, refuses what is outside', async () => {
  const index = await fetch(`${base}/`);
  assert.is(index.status, 200);
  assert.is(await index.text(), '<html>board</html>');
  assert.is(index.headers.get('cache-control'), 'no-cache');
  const asset = await fetch(`${base}/assets/app-1.js`);
  assert.is(asset.headers.get('content-type'), 'text/javascript; charset=utf-8');
  assert.match(String(asset.headers.get('cache-control')), /immutable/);
  assert.is(await (await fetch(`${base}/jobs`)).text(), '<html>board</html>');
  assert.is((await fetch(`${base}/assets/missing.js`)).status, 404);
  assert.is((await fetch(`${base}/%2e%2e/secret.txt`)).status, 404);
  assert.is(await (await fetch(`${base}/v1/job/query`)).text(), 'next');
  assert.is((await fetch(`${base}/`, { method: 'POST' })).status, 404);
});

t('changeOf: the ids of a job event, nothing for other events', () => {
  const event = (type: string, data: unknown) => ({ id: 'e', streamId: 's', type, data, metadata: {}, revision: 0n, position: 42n, created: 0 }) as any;
  assert.equal(changeOf(event('TaskSucceeded', { jobId: 'j1', componentName: 'hetero_lr_0', role: 'guest', partyId: 9999, weights: [1, 2] })), {
    position: '42', type: 'TaskSucceeded', jobId: 'j1', componentName: 'hetero_lr_0', role: 'guest', partyId: '9999',
  });
  assert.is(changeOf(event('TableCreated', { namespace: 'n', name: 't' })), undefined);
  assert.is(changeOf(event('Odd', null)), undefined);
});

t.run();

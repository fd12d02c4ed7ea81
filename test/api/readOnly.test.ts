// The read-only guard: given a node started --read-only, when a client posts to a query route, it
// passes; when it posts to any other /v1 route (a write, or a route not known to be a query), the
// answer is FATE's envelope with retcode 100 naming the route, and no handler runs.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { QUERY_ROUTES, readOnlyGuard } from '../../src/api/readOnly.js';

async function through(method: string, path: string): Promise<{ passed: boolean; status?: number; body?: unknown }> {
  const ctx = { method, path, status: 404, body: undefined as unknown };
  let passed = false;
  await readOnlyGuard()(ctx as never, async () => {
    passed = true;
  });
  return { passed, status: ctx.status, body: ctx.body };
}

test('query routes and GETs pass', async () => {
  for (const path of ['/v1/job/query', '/v1/job/task/query', '/v1/table/table_info', '/v1/model/query', '/v1/audit/events', '/v1/tracking/component/metric/all']) {
    assert.ok((await through('POST', path)).passed, path);
  }
  for (const path of ['/v1/board/jobs', '/v1/audit/stream', '/v1/job/log', '/']) assert.ok((await through('GET', path)).passed, path);
});

test('writes are refused with retcode 100 and a message naming the route', async () => {
  for (const path of ['/v1/job/submit', '/v1/data/upload', '/v1/data/download', '/v1/job/stop', '/v1/table/delete', '/v1/table/add', '/v1/model/load', '/v1/model/bind', '/v1/job/update', '/v1/job/clean', '/v1/permission/grant', '/v1/tracking/component/metric/delete', '/v1/some/new/route']) {
    const r = await through('POST', path);
    assert.not.ok(r.passed, path);
    assert.is(r.status, 200);
    assert.equal(r.body, { retcode: 100, retmsg: `this node is read-only (fedflow node --read-only): ${path} would change its state and is refused; it answers queries only` });
  }
  assert.not.ok((await through('DELETE', '/v1/job/query')).passed, 'only GET and HEAD read');
});

test('no write route is listed as a query', () => {
  for (const path of QUERY_ROUTES) assert.not.match(path, /submit|upload$|stop|delete|grant|load$|bind|update|clean|download$/, path);
});

test.run();

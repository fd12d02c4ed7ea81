// upload-history, table-info, table-delete, job-query, help and usage errors, through main().
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { run, startFakeServer, type FakeServer } from './helpers.js';
import { resolveServer, stripJobRows } from '../../src/cli/main.js';

let srv: FakeServer;
test.before(async () => {
  srv = await startFakeServer();
});
test.before.each(() => {
  srv.requests.length = 0;
  srv.routes.clear();
});
test.after(async () => {
  await srv.close();
});

const body = (i = 0): unknown => JSON.parse(srv.requests[i]!.body.toString());
const ok = { retcode: 0, retmsg: 'success' };

test('upload-history: optional job_id and numeric limit', async () => {
  const history = { ...ok, data: [{ J1: { upload_info: { table_name: 't', namespace: 'n', partition: 4 }, notes: '', meta: {} } }] };
  srv.routes.set('/v1/data/upload/history', () => history);
  const r = await run(['upload-history', '--limit', '5', '--server', srv.url]);
  assert.is(r.code, 0);
  assert.equal(body(), { limit: 5 });
  assert.equal(JSON.parse(r.stdout), history);
  const f = await run(['-f', 'upload_history', '-j', 'J1', '-limit', '0', '--server', srv.url]);
  assert.is(f.code, 0);
  assert.equal(body(1), { job_id: 'J1', limit: 0 });
  await run(['upload-history', '--server', srv.url]);
  assert.equal(body(2), {});
});

test('table-info: {namespace, table_name}', async () => {
  const info = { ...ok, data: { table_name: 't', namespace: 'n', count: 3, partition: 4, schema: { sid: 'id', header: 'y,x0' } } };
  srv.routes.set('/v1/table/table_info', () => info);
  const r = await run(['-f', 'table_info', '-n', 'n', '-t', 't', '--server', srv.url]);
  assert.is(r.code, 0);
  assert.equal(body(), { namespace: 'n', table_name: 't' });
  assert.is(r.stdout, `${JSON.stringify(info, null, 2)}\n`);
});

test('table-delete: by name, or by job filters; retcode 101 → exit 1', async () => {
  srv.routes.set('/v1/table/delete', (req) => {
    const b = JSON.parse(req.body.toString());
    return b.table_name ? { ...ok, data: [{ table_name: b.table_name, namespace: b.namespace }] } : { retcode: 101, retmsg: 'no find table' };
  });
  const a = await run(['table-delete', '-n', 'n', '-t', 't', '--server', srv.url]);
  assert.is(a.code, 0);
  assert.equal(body(), { namespace: 'n', table_name: 't' });
  const b = await run(['-f', 'table_delete', '-j', 'J', '-r', 'guest', '-p', '9999', '-cpn', 'dataio_0', '--server', srv.url]);
  assert.is(b.code, 1);
  assert.equal(body(1), { job_id: 'J', role: 'guest', party_id: '9999', component_name: 'dataio_0' });
  assert.equal(JSON.parse(b.stdout), { retcode: 101, retmsg: 'no find table' });
});

test('job-query: filters sent, f_dsl and f_runtime_conf stripped from the printed rows', async () => {
  const row = { f_job_id: 'J', f_role: 'guest', f_party_id: '9999', f_status: 'running', f_dsl: '{"components":{}}', f_runtime_conf: '{}', f_progress: 10 };
  srv.routes.set('/v1/job/query', () => ({ ...ok, data: [row, { ...row, f_role: 'host' }] }));
  const r = await run(['-f', 'query_job', '-j', 'J', '-r', 'guest', '-p', '9999', '-s', 'running', '--server', srv.url]);
  assert.is(r.code, 0);
  assert.equal(body(), { job_id: 'J', role: 'guest', party_id: '9999', status: 'running' });
  const printed = JSON.parse(r.stdout);
  assert.is(printed.data.length, 2);
  for (const p of printed.data) {
    assert.not.ok('f_dsl' in p);
    assert.not.ok('f_runtime_conf' in p);
    assert.is(p.f_progress, 10);
  }
  assert.equal(stripJobRows({ retcode: 101, retmsg: 'find job failed' }), { retcode: 101, retmsg: 'find job failed' });
});

test('a non-JSON answer (HTTP 404 page) becomes a retcode 100 envelope, exit 1', async () => {
  const r = await run(['table-info', '-n', 'n', '-t', 't', '--server', `${srv.url}/`]);
  assert.is(r.code, 1);
  const env = JSON.parse(r.stdout);
  assert.is(env.retcode, 100);
  assert.match(env.retmsg, /POST \/v1\/table\/table_info: HTTP 404 Not Found Not Found/);
});

test('server URL: --server beats FEDFLOW_SERVER beats the default; scheme added, trailing / dropped', () => {
  assert.is(resolveServer(undefined, {}), 'http://127.0.0.1:9380');
  assert.is(resolveServer(undefined, { FEDFLOW_SERVER: 'flow:9380/' }), 'http://flow:9380');
  assert.is(resolveServer('https://a:1/', { FEDFLOW_SERVER: 'b:2' }), 'https://a:1');
});

test('--help and <cmd> --help print usage on stdout, exit 0', async () => {
  const g = await run(['--help']);
  assert.is(g.code, 0);
  assert.match(g.stdout, /^Usage: fedflow <command> \[options\]/);
  for (const c of [
    'node', 'views rebuild', 'upload', 'download', 'upload-history', 'table-info', 'table-delete', 'job-query',
    'submit-job', 'stop-job', 'query-task', 'job-config', 'update-job', 'dag-dependency',
    'component-parameters', 'component-metrics', 'component-metric-all', 'component-metric-data',
    'component-output-model', 'component-output-data', 'component-output-data-table',
  ]) {
    assert.match(g.stdout, new RegExp(`\\n  ${c} `), c);
    const h = await run([...c.split(' '), '--help']);
    assert.is(h.code, 0, c);
    assert.ok(h.stdout.startsWith(`Usage: fedflow ${c} `), c);
  }
  const u = await run(['upload', '--help']);
  assert.is(u.code, 0);
  assert.match(u.stdout, /^Usage: fedflow upload -c <conf.json>/);
  const f = await run(['-f', 'query_job', '-h']);
  assert.match(f.stdout, /^Usage: fedflow job-query/);
  assert.match((await run(['-f', 'component_output_data_table', '-h'])).stdout, /^Usage: fedflow component-output-data-table -j <job_id> -cpn <component>/);
  assert.match((await run(['query-job', '--help'])).stdout, /^Usage: fedflow job-query/);
  assert.match((await run(['-f', 'submit_job', '--help'])).stdout, /--wait/);
  assert.is(g.stderr + u.stderr + f.stderr, '');
});

test('usage errors: one line naming the problem + hint on stderr, exit 2, nothing on stdout', async () => {
  const a = await run(['frob']);
  assert.is(a.code, 2);
  assert.is(a.stderr, "fedflow: unknown command 'frob'\nRun 'fedflow --help' for usage.\n");
  assert.is(a.stdout, '');
  const b = await run(['table-info', '-n', 'n']);
  assert.is(b.code, 2);
  assert.is(b.stderr, "fedflow table-info: missing required option -t <table_name>\nRun 'fedflow table-info --help' for usage.\n");
  const c = await run([]);
  assert.is(c.code, 2);
  assert.match(c.stderr, /^fedflow: missing command\n/);
  assert.is(srv.requests.length, 0);
});

test.run();

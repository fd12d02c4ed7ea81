// job-log, data-view-query, clean-job, clean-queue, component-metric-delete and component-output-data
// -o against a fake flow server: the endpoint, the body (both styles), tar.gz answers unpacked
// where fate_flow_client.py puts them, error envelopes passed through.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { packTarGz } from '../../src/archive/tarGz.js';
import { tempDir } from '../support/http.js';
import { jsonBody, run, startFakeServer, type FakeServer } from './helpers.js';

let srv: FakeServer;
let dir: string;
test.before(async () => {
  srv = await startFakeServer();
  dir = tempDir('cli-job-admin');
});
test.before.each(() => {
  srv.requests.length = 0;
  srv.routes.clear();
});
test.after(async () => {
  await srv.close();
  rmSync(dir, { recursive: true, force: true });
});

const ok = { retcode: 0, retmsg: 'success' };

test('POST functions: endpoint and body from -j -r -p -cpn, native and FATE style', async () => {
  const cases: Array<[string[], string, unknown]> = [
    [['data-view-query', '-j', 'J', '-r', 'guest'], '/v1/job/data/view/query', { job_id: 'J', role: 'guest' }],
    [['-f', 'data_view_query', '-j', 'J'], '/v1/job/data/view/query', { job_id: 'J' }],
    [['clean-job', '-j', 'J', '-r', 'host', '-p', '9999', '-cpn', 'intersect_0'], '/v1/job/clean', { job_id: 'J', role: 'host', party_id: '9999', component_name: 'intersect_0' }],
    [['-f', 'clean_queue'], '/v1/job/clean/queue', {}],
    [['-f', 'component_metric_delete', '-j', 'J', '-cpn', 'evaluation_0'], '/v1/tracking/component/metric/delete', { job_id: 'J', component_name: 'evaluation_0' }],
  ];
  for (const [argv, path, body] of cases) {
    srv.requests.length = 0;
    srv.routes.set(path, () => ok);
    const r = await run([...argv, '--server', srv.url]);
    assert.is(r.code, 0, `${argv.join(' ')}: ${r.stderr}`);
    assert.is(srv.requests[0]!.path, path);
    assert.equal(jsonBody(srv.requests[0]!), body, argv.join(' '));
  }
});

test('a non-zero retcode exits 1 with the envelope printed; missing -j / -o are usage errors', async () => {
  srv.routes.set('/v1/job/clean', () => ({ retcode: 101, retmsg: 'find task failed' }));
  const r = await run(['clean-job', '-j', 'J', '--server', srv.url]);
  assert.is(r.code, 1);
  assert.equal(JSON.parse(r.stdout), { retcode: 101, retmsg: 'find task failed' });
  assert.is((await run(['clean-job'])).code, 2);
  assert.match((await run(['job-log', '-j', 'J'])).stderr, /missing required option -o <dir>/);
  assert.match((await run(['data-view-query'])).stderr, /missing required option -j <job_id>/);
  assert.match((await run(['component-output-data', '-j', 'J', '-cpn', 'c', '-o', dir])).stderr, /-r <role> -p <party_id> \(needed with -o\)/);
});

test('job-log: GET /v1/job/log?job_id, the tar.gz unpacked into <dir>/job_<id>_log', async () => {
  const tar = packTarGz([{ name: 'guest/9999/dataio_0/INFO.log', data: Buffer.from('[INFO] started\n') }]);
  srv.routes.set('/v1/job/log', () => ({ contentType: 'application/gzip', body: tar }));
  const r = await run(['-f', 'job_log', '-j', 'J1', '-o', dir, '--server', srv.url], { cwd: dir });
  assert.is(srv.requests[0]!.method, 'GET');
  assert.equal(srv.requests[0]!.query, { job_id: 'J1' });
  assert.is(r.code, 0, r.stdout + r.stderr);
  const out = JSON.parse(r.stdout);
  assert.is(out.directory, join(dir, 'job_J1_log'));
  assert.is(readFileSync(join(dir, 'job_J1_log', 'guest', '9999', 'dataio_0', 'INFO.log'), 'utf8'), '[INFO] started\n');
});

test('component-output-data -o: GET output/data/download, unpacked into FATE\'s folder; a 500 envelope is printed', async () => {
  const tar = packTarGz([{ name: 'output_data.csv', data: Buffer.from('id,x0\n1,0.5\n') }, { name: 'output_data_meta.json', data: Buffer.from('{"header":["id","x0"]}') }]);
  srv.routes.set('/v1/tracking/component/output/data/download', () => ({ contentType: 'application/gzip', body: tar }));
  const r = await run(['component-output-data', '-j', 'J', '-cpn', 'dataio_0', '-r', 'guest', '-p', '9999', '-o', dir, '--limit', '5', '--server', srv.url], { cwd: dir });
  assert.is(r.code, 0, r.stdout + r.stderr);
  assert.equal(srv.requests[0]!.query, { job_id: 'J', role: 'guest', party_id: '9999', component_name: 'dataio_0', limit: '5' });
  assert.is(readFileSync(join(dir, 'job_J_dataio_0_guest_9999_output_data', 'output_data.csv'), 'utf8'), 'id,x0\n1,0.5\n');
  srv.routes.set('/v1/tracking/component/output/data/download', () => ({ status: 500, body: { retcode: 500, retmsg: 'no data' } }));
  const none = await run(['component-output-data', '-j', 'K', '-cpn', 'dataio_0', '-r', 'guest', '-p', '9999', '-o', dir, '--server', srv.url], { cwd: dir });
  assert.is(none.code, 1);
  assert.equal(JSON.parse(none.stdout), { retcode: 500, retmsg: 'no data' });
  assert.not.ok(existsSync(join(dir, 'job_K_dataio_0_guest_9999_output_data')));
});

test.run();

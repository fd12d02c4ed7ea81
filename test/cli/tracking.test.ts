// component-* commands against a fake flow server: endpoint and body per command, both styles,
// output-data as a table on a terminal.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { jsonBody, run, startFakeServer, type FakeServer } from './helpers.js';
import { renderOutputData } from '../../src/cli/main.js';

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

const ok = { retcode: 0, retmsg: 'success' };
const ENDPOINTS: Array<[string, string]> = [
  ['component-parameters', '/v1/tracking/component/parameters'],
  ['component-metrics', '/v1/tracking/component/metrics'],
  ['component-metric-all', '/v1/tracking/component/metric/all'],
  ['component-metric-data', '/v1/tracking/component/metric_data'],
  ['component-output-model', '/v1/tracking/component/output/model'],
  ['component-output-data', '/v1/tracking/component/output/data'],
  ['component-output-data-table', '/v1/tracking/component/output/data/table'],
];

test('each tracking command posts {job_id, role, party_id, component_name} to its endpoint, in both styles', async () => {
  for (const [command, path] of ENDPOINTS) {
    const answer = { ...ok, data: { endpoint: path }, meta: { m: 1 } };
    srv.routes.set(path, () => answer);
    const extra = command === 'component-metric-data' ? ['--namespace', 'train', '--name', 'loss'] : [];
    const expected = {
      job_id: 'J', role: 'guest', party_id: '9999', component_name: 'hetero_lr_0',
      ...(command === 'component-metric-data' ? { metric_namespace: 'train', metric_name: 'loss' } : {}),
    };
    const n = await run([command, '-j', 'J', '-r', 'guest', '-p', '9999', '-cpn', 'hetero_lr_0', ...extra, '--server', srv.url]);
    const f = await run(['-f', command.replace(/-/g, '_'), '-j', 'J', '-r', 'guest', '-p', '9999', '-cpn', 'hetero_lr_0', ...extra, '--server', srv.url]);
    for (const r of [n, f]) {
      assert.is(r.code, 0, `${command}: ${r.stderr}`);
      assert.is(r.stdout, `${JSON.stringify(answer, null, 2)}\n`, command);
    }
    assert.is(srv.requests.length, 2, command);
    for (const req of srv.requests) {
      assert.is(req.path, path, command);
      assert.equal(jsonBody(req), expected, command);
    }
    srv.requests.length = 0;
  }
});

test('role and party are optional together (the server picks the initiator); "no data" is success', async () => {
  srv.routes.set('/v1/tracking/component/metric/all', () => ({ retcode: 0, retmsg: 'no data' }));
  const r = await run(['component-metric-all', '-j', 'J', '-cpn', 'evaluation_0', '--server', srv.url]);
  assert.is(r.code, 0);
  assert.equal(jsonBody(srv.requests[0]!), { job_id: 'J', component_name: 'evaluation_0' });
  assert.equal(JSON.parse(r.stdout), { retcode: 0, retmsg: 'no data' });
  const half = await run(['component-metric-all', '-j', 'J', '-cpn', 'evaluation_0', '-r', 'guest', '--server', srv.url]);
  assert.is(half.code, 2);
  assert.is(half.stderr, "fedflow component-metric-all: missing required option -p <party_id> (given with -r)\nRun 'fedflow component-metric-all --help' for usage.\n");
  assert.is(srv.requests.length, 1);
});

test('a tracking error answer exits 1', async () => {
  srv.routes.set('/v1/tracking/component/parameters', () => ({ retcode: 101, retmsg: 'can not found this job' }));
  const r = await run(['-f', 'component_parameters', '-j', 'X', '-cpn', 'c', '--server', srv.url]);
  assert.is(r.code, 1);
  assert.equal(JSON.parse(r.stdout), { retcode: 101, retmsg: 'can not found this job' });
});

const outputData = {
  ...ok,
  data: [
    ['133', 1, 0.254879, -1.046633],
    ['273', 0, 1.5, { '0': 0.0688, '1': 0.9312 }],
    ['175', 1, null, 'a very long cell value that goes on and on and on'],
  ],
  meta: { header: ['id', 'y', 'x0', 'x1'], total: 569 },
};

test('component-output-data: JSON when stdout is not a terminal; --limit sent and applied', async () => {
  srv.routes.set('/v1/tracking/component/output/data', () => outputData);
  const r = await run(['component-output-data', '-j', 'J', '-cpn', 'dataio_0', '--server', srv.url]);
  assert.is(r.code, 0);
  assert.equal(JSON.parse(r.stdout), outputData);
  const l = await run(['-f', 'component_output_data', '-j', 'J', '-r', 'host', '-p', '10000', '-cpn', 'dataio_0', '-limit', '2', '--server', srv.url]);
  assert.is(l.code, 0);
  assert.equal(jsonBody(srv.requests[1]!), { job_id: 'J', role: 'host', party_id: '10000', component_name: 'dataio_0', limit: 2 });
  assert.equal(JSON.parse(l.stdout), { ...outputData, data: outputData.data.slice(0, 2) }, 'cut client-side when the server ignores limit');
  const z = await run(['component-output-data', '-j', 'J', '-cpn', 'dataio_0', '--limit', '0', '--server', srv.url]);
  assert.equal(jsonBody(srv.requests[2]!), { job_id: 'J', component_name: 'dataio_0' }, '0 = no limit');
  assert.is(JSON.parse(z.stdout).data.length, 3);
});

test('component-output-data on a terminal: an aligned table with the header and a row count', async () => {
  srv.routes.set('/v1/tracking/component/output/data', () => outputData);
  const r = await run(['component-output-data', '-j', 'J', '-cpn', 'dataio_0', '--limit', '2', '--server', srv.url], { stdoutIsTTY: true });
  assert.is(r.code, 0);
  assert.is(
    r.stdout,
    [
      'id   y  x0        x1',
      `---  -  --------  ${'-'.repeat(23)}`,
      '133  1  0.254879  -1.046633',
      '273  0  1.5       {"0":0.0688,"1":0.9312}',
      '2 of 569 rows',
      '',
    ].join('\n'),
  );
  // errors and "no data" stay JSON on a terminal
  srv.routes.set('/v1/tracking/component/output/data', () => ({ retcode: 0, retmsg: 'no data' }));
  const n = await run(['component-output-data', '-j', 'J', '-cpn', 'evaluation_0', '--server', srv.url], { stdoutIsTTY: true });
  assert.is(n.code, 0);
  assert.equal(JSON.parse(n.stdout), { retcode: 0, retmsg: 'no data' });
  srv.routes.set('/v1/tracking/component/output/data', () => ({ retcode: 100, retmsg: 'can not get dag parser, please check if the parameters are correct' }));
  const e = await run(['component-output-data', '-j', 'X', '-cpn', 'c', '--server', srv.url], { stdoutIsTTY: true });
  assert.is(e.code, 1);
  assert.is(JSON.parse(e.stdout).retcode, 100);
});

test('renderOutputData: long cells cut, missing header/cells, comma-string header, counts', () => {
  assert.is(
    renderOutputData(outputData.data, outputData.meta).split('\n')[4],
    '175  1            a very long cell value that goes on a...',
  );
  assert.is(renderOutputData([['a', 1], ['b']], { header: 'id,x0,x1' }), 'id  x0  x1\n--  --  --\na   1\nb\n2 rows\n');
  assert.is(renderOutputData([['k', 'v']]), 'k  v\n1 row\n');
  assert.is(renderOutputData([], { header: ['id'], total: 0 }), 'id\n--\n0 rows\n');
  assert.is(renderOutputData(['x'], { total: 1 }), 'x\n1 row\n');
});

test.run();

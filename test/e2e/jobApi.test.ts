// FATE 1.4.5's job API beyond the contract, over HTTP on a real standalone node: job/log,
// job/data/view/query, job/clean, job/clean/queue, job/stop/do, tracking output/data/download,
// metric/delete, version/get, repeated slashes, relative download paths. Clean and metric delete are
// events: a full views rebuild gives the same answers.
import { request } from 'node:http';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { unpackTarGz } from '../../src/archive/tarGz.js';
import { buildConfig, type NodeConfig } from '../../src/config.js';
import { rebuildViews, startNode, type RunningNode } from '../../src/main.js';
import { main } from '../../src/cli/main.js';
import { DEFAULT_ENV } from '../../src/cli/testsuite/env.js';
import { renderConf, type Json } from '../../src/cli/testsuite/render.js';
import { FATE_EXAMPLES } from '../support/fixtures.js';
import { post, tempDir, waitForJob } from '../support/http.js';

const INTERSECT = join(FATE_EXAMPLES, 'examples', 'federatedml-1.x-examples', 'intersect');
const DATA = join(FATE_EXAMPLES, 'examples', 'data');
const json = (file: string): Json => JSON.parse(readFileSync(join(INTERSECT, file), 'utf8')) as Json;
const GUEST = { role: 'guest', party_id: 10000 };
const HOST = { role: 'host', party_id: 9998 };

let node: RunningNode;
let config: NodeConfig;
let dir: string;
let jobId = '';
let failedJob = '';
const t = suite('e2e: FATE 1.4 job API beyond the contract');

/** GET with a JSON body, as fate_flow_client.py sends it (fetch cannot). */
function getWithBody(path: string, body: unknown): Promise<{ status: number; type: string; bytes: Buffer }> {
  const payload = Buffer.from(JSON.stringify(body));
  return new Promise((resolve, reject) => {
    const req = request(`${node.url}${path}`, { method: 'GET', headers: { 'content-type': 'application/json', 'content-length': payload.length } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type']), bytes: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end(payload);
  });
}

const files = (bytes: Buffer): Map<string, string> => new Map(unpackTarGz(bytes).map((e) => [e.name, Buffer.from(e.data).toString('utf8')]));

async function submit(conf: Json, dsl: Json): Promise<string> {
  const r = await post(node.url, '/v1/job/submit', { job_dsl: dsl, job_runtime_conf: conf });
  assert.is(r.body.retcode, 0, r.body.retmsg);
  await waitForJob(node.url, r.body.jobId, 120_000);
  return r.body.jobId;
}

t.before(async () => {
  dir = tempDir('job-api');
  config = buildConfig({ httpPort: 0, dataDir: join(dir, 'node'), dataRoots: [dir, DATA], logLevel: 'silent' });
  node = await startNode(config);
  for (const [file, table] of [['breast_hetero_guest.csv', 'breast_hetero_guest'], ['breast_hetero_host.csv', 'breast_hetero_host']]) {
    const r = await post(node.url, '/v1/data/upload', { file: join(DATA, file!), head: 1, partition: 4, work_mode: 0, namespace: 'experiment', table_name: table, drop: 1 });
    assert.is((await waitForJob(node.url, r.body.jobId)).f_status, 'success');
  }
  // FATE's raw intersect job (guest 10000, host 9998 after rendering), and one that fails at the host.
  jobId = await submit(renderConf(json('test_intersect_job_raw_conf.json'), DEFAULT_ENV), json('test_intersect_job_dsl.json'));
  const bad = renderConf(json('test_intersect_job_raw_conf.json'), DEFAULT_ENV) as any;
  bad.role_parameters.host.args.data.data = [{ name: 'no_such_table', namespace: 'experiment' }];
  // It also asks for FATE's Spark backend: it runs on fedflow's engine, and says so (issue 13, item 8).
  bad.job_parameters = { ...bad.job_parameters, backend: 1 };
  failedJob = await submit(bad, json('test_intersect_job_dsl.json'));
});
t.after(async () => {
  await node?.close();
  rmSync(dir, { recursive: true, force: true });
});

t('repeated slashes answer like the single-slash path', async () => {
  const single = await post(node.url, '/v1/job/task/query', { job_id: jobId });
  const double = await post(node.url, '/v1/job//task/query', { job_id: jobId });
  const leading = await post(node.url, '//v1//job/task/query', { job_id: jobId });
  assert.is(single.body.retcode, 0);
  assert.equal(double.body, single.body);
  assert.equal(leading.body, single.body);
});

t('/v1/version/get: the module asked, FATE 1.4.5; unknown modules null; no module is FATE\'s "null" key', async () => {
  assert.equal((await post(node.url, '/v1/version/get', { module: 'FATE' })).body, { data: { FATE: '1.4.5' }, retcode: 0, retmsg: 'success' });
  assert.equal((await post(node.url, '/v1/version/get', {})).body.data, { null: '1.4.5' });
  assert.equal((await post(node.url, '/v1/version/get', { module: 'SPARK' })).body.data, { SPARK: null });
  assert.match((await post(node.url, '/v1/version/get', { module: 'FEDFLOW' })).body.data.FEDFLOW, /^\d+\.\d+\.\d+/);
});

t('/v1/job/data/view/query: the job\'s output tables per party; 101 without a match or a filter', async () => {
  const r = await post(node.url, '/v1/job/data/view/query', { job_id: jobId });
  assert.is(r.body.retcode, 0, r.body.retmsg);
  const views = (r.body.data as any[]).map((v) => `${v.f_component_name}:${v.f_role}:${v.f_party_id}`).sort();
  assert.equal(views, ['dataio_0:guest:10000', 'dataio_0:host:9998', 'intersect_0:guest:10000', 'intersect_0:host:9998']);
  const guestOnly = await post(node.url, '/v1/job/data/view/query', { job_id: jobId, role: 'guest', component_name: 'intersect_0' });
  assert.is(guestOnly.body.data.length, 1);
  assert.is(guestOnly.body.data[0].f_table_count_actual, 569);
  assert.equal((await post(node.url, '/v1/job/data/view/query', { job_id: 'nope' })).body, { retcode: 101, retmsg: 'find data view failed' });
  assert.equal((await post(node.url, '/v1/job/data/view/query', {})).body, { retcode: 101, retmsg: 'find data view failed' });
});

t('GET /v1/job/log: a tar.gz of the job\'s log folder, one file per task with real lines; errors in ERROR.log', async () => {
  const r = await getWithBody('/v1/job/log', { job_id: jobId });
  assert.is(r.status, 200);
  assert.is(r.type, 'application/gzip');
  const logs = files(r.bytes);
  assert.equal([...logs.keys()].sort(), ['guest/10000/dataio_0/INFO.log', 'guest/10000/intersect_0/INFO.log', 'host/9998/dataio_0/INFO.log', 'host/9998/intersect_0/INFO.log']);
  const info = logs.get('guest/10000/intersect_0/INFO.log')!;
  assert.match(info, /task \d+_intersect_0 started: module Intersection, guest 10000/);
  assert.match(info, /parameters: \{.*"intersect_method":"raw"/);
  assert.match(info, /metric train\.intersection: 2 point\(s\) \[\["intersect_count",569\]/);
  assert.match(info, /output data: 569 row\(s\)/);
  assert.match(info, /task \d+_intersect_0 success in \d+ ms/);
  const failed = files((await getWithBody('/v1/job/log', { job_id: failedJob })).bytes);
  assert.match(failed.get('host/9998/dataio_0/ERROR.log')!, /no_such_table .*does not exist on this node/);
  const spark = /WARNING job_parameters\.backend 1 \(FATE: Spark\) was asked; fedflow ran this job on its own engine/;
  assert.match(failed.get('host/9998/dataio_0/INFO.log')!, spark);
  assert.not.match(info, /WARNING job_parameters\.backend/);
  const row = (await post(node.url, '/v1/job/query', { job_id: failedJob, role: 'host' })).body.data[0];
  assert.match(String(row.f_description), /backend 1 \(FATE: Spark\) was asked; fedflow ran this job on its own engine/);
  // Query parameters work too (curl); unknown job: 404 with FATE's envelope; no job_id: 100.
  const viaQuery = await fetch(`${node.url}/v1/job/log?job_id=${jobId}`);
  assert.is(files(Buffer.from(await viaQuery.arrayBuffer())).size, 4);
  const unknown = await fetch(`${node.url}/v1/job/log?job_id=20990101`);
  assert.is(unknown.status, 404);
  assert.equal(await unknown.json(), { retcode: 101, retmsg: 'find job failed' });
  assert.equal(await (await fetch(`${node.url}/v1/job/log`)).json(), { retcode: 100, retmsg: 'the following arguments are required: job_id ' });
});

t('GET /v1/tracking/component/output/data/download: the output table as CSV with its header, and its meta', async () => {
  const r = await getWithBody('/v1/tracking/component/output/data/download', { job_id: jobId, component_name: 'dataio_0', ...GUEST });
  assert.is(r.status, 200);
  const out = files(r.bytes);
  assert.equal([...out.keys()], ['output_data.csv', 'output_data_meta.json']);
  const lines = out.get('output_data.csv')!.trim().split('\n');
  assert.is(lines.length, 570);
  // FATE's intersect conf has with_label false: y is a feature like the others.
  assert.is(lines[0], 'id,y,x0,x1,x2,x3,x4,x5,x6,x7,x8,x9');
  assert.is(lines.find((l) => l.startsWith('133,')), '133,1,0.254879,-1.046633,0.209656,0.074214,-0.441366,-0.377645,-0.485934,0.347072,-0.28757,-0.733474');
  assert.equal(JSON.parse(out.get('output_data_meta.json')!), { header: lines[0]!.split(',') });
  const limited = files((await getWithBody('/v1/tracking/component/output/data/download', { job_id: jobId, component_name: 'dataio_0', ...HOST, limit: 3, head: false })).bytes);
  const hostLines = limited.get('output_data.csv')!.trim().split('\n');
  assert.is(hostLines.length, 3);
  assert.is(hostLines[0]!.split(',').length, 21, 'id + the host\'s 20 features, no header line');
  const zero = await getWithBody('/v1/tracking/component/output/data/download', { job_id: jobId, component_name: 'dataio_0', ...GUEST, limit: 0 });
  assert.equal([zero.status, JSON.parse(zero.bytes.toString())], [500, { retcode: 500, retmsg: 'limit is 0' }]);
  const none = await getWithBody('/v1/tracking/component/output/data/download', { job_id: failedJob, component_name: 'intersect_0', ...GUEST });
  assert.equal([none.status, JSON.parse(none.bytes.toString())], [500, { retcode: 500, retmsg: 'no data' }]);
  const badCpn = await getWithBody('/v1/tracking/component/output/data/download', { job_id: jobId, component_name: 'nope_0', ...GUEST });
  assert.equal(JSON.parse(badCpn.bytes.toString()), { retcode: 100, retmsg: 'can not found component, please check if the parameters are correct' });
});

t('the CLI against the node: job-log and component-output-data -o unpack the real archives (FATE client style)', async () => {
  const out = join(dir, 'cli');
  let stdout = '';
  const cli = (argv: string[]) => main([...argv, '--server', node.url], { stdout: (s) => void (stdout += s), stderr: () => undefined, stderrIsTTY: false, cwd: dir });
  assert.is(await cli(['-f', 'job_log', '-j', jobId, '-o', out]), 0, stdout);
  assert.match(readFileSync(join(out, `job_${jobId}_log`, 'host', '9998', 'intersect_0', 'INFO.log'), 'utf8'), /success in \d+ ms/);
  assert.is(await cli(['-f', 'component_output_data', '-j', jobId, '-cpn', 'intersect_0', '-r', 'guest', '-p', '10000', '-o', out, '--limit', '5']), 0, stdout);
  const csv = readFileSync(join(out, `job_${jobId}_intersect_0_guest_10000_output_data`, 'output_data.csv'), 'utf8').trim().split('\n');
  assert.is(csv.length, 6, 'header + 5 rows');
  stdout = '';
  assert.is(await cli(['-f', 'data_view_query', '-j', jobId, '-r', 'host']), 0);
  assert.is(JSON.parse(stdout).data.length, 2);
});

t('/v1/tracking/component/metric/delete: FATE\'s answer (the statement), only the filtered party\'s metrics go', async () => {
  const r = await post(node.url, '/v1/tracking/component/metric/delete', { job_id: jobId, component_name: 'intersect_0', ...GUEST });
  assert.equal(r.body, { data: `delete from t_tracking_metric where f_job_id="${jobId}" and f_component_name="intersect_0" and f_role="guest" and f_party_id="10000"`, retcode: 0, retmsg: 'success' });
  assert.equal((await post(node.url, '/v1/tracking/component/metric/all', { job_id: jobId, component_name: 'intersect_0', ...GUEST })).body, { retcode: 0, retmsg: 'no data' });
  const host = await post(node.url, '/v1/tracking/component/metric/all', { job_id: jobId, component_name: 'intersect_0', ...HOST });
  assert.ok(host.body.data.train.intersection, 'the host keeps its metrics');
  assert.equal((await post(node.url, '/v1/tracking/component/metric/delete', {})).body, { retcode: 100, retmsg: "'job_id'" });
  assert.match((await post(node.url, '/v1/tracking/component/metric/delete', { job_id: jobId, task_id: 'x' })).body.retmsg, /cannot filter by task_id/);
  assert.match((await post(node.url, '/v1/tracking/component/metric/delete', { model: '20261206' })).body.retmsg, /not supported/);
});

t('a relative download output_path is resolved against the node\'s working directory and named in the answer', async () => {
  const sub = join(dir, 'rel');
  mkdirSync(sub);
  const previous = process.cwd();
  process.chdir(sub);
  try {
    const r = await post(node.url, '/v1/data/download', { namespace: 'experiment', table_name: 'breast_hetero_guest', output_path: 'out/guest.csv', work_mode: 0 });
    assert.is(r.body.retcode, 0, r.body.retmsg);
    assert.is(relative(dir, r.body.data.output_path), join('rel', 'out', 'guest.csv'));
    assert.is((await waitForJob(node.url, r.body.jobId)).f_status, 'success');
    assert.is(readFileSync(join(sub, 'out', 'guest.csv'), 'utf8').trim().split('\n').length, 569);
    const outside = await post(node.url, '/v1/data/download', { namespace: 'experiment', table_name: 'breast_hetero_guest', output_path: '../../x.csv', work_mode: 0 });
    assert.is(outside.body.retcode, 100);
    assert.match(outside.body.retmsg, /outside the node's data roots/);
  } finally {
    process.chdir(previous);
  }
});

t('/v1/job/clean: the host\'s output tables and metrics go (events); a running job is refused; unknown 101', async () => {
  const tableOf = async (cpn: string) => (await post(node.url, '/v1/tracking/component/output/data/table', { job_id: jobId, component_name: cpn, ...HOST })).body.data;
  const table = await tableOf('intersect_0');
  const r = await post(node.url, '/v1/job/clean', { job_id: jobId, ...HOST });
  assert.is(r.body.retcode, 0, r.body.retmsg);
  assert.is(r.body.data.tables.length, 2);
  assert.ok(r.body.data.tables.includes(`${table.table_namespace}.${table.table_name}`));
  assert.equal((await post(node.url, '/v1/table/table_info', { namespace: table.table_namespace, table_name: table.table_name })).body.data?.count ?? 0, 0);
  assert.equal((await post(node.url, '/v1/tracking/component/output/data', { job_id: jobId, component_name: 'intersect_0', ...HOST })).body, { retcode: 0, retmsg: 'no data' });
  assert.equal((await post(node.url, '/v1/tracking/component/metric/all', { job_id: jobId, component_name: 'intersect_0', ...HOST })).body, { retcode: 0, retmsg: 'no data' });
  assert.is((await post(node.url, '/v1/job/data/view/query', { job_id: jobId, role: 'host' })).body.retcode, 101);
  assert.is((await post(node.url, '/v1/job/data/view/query', { job_id: jobId, role: 'guest' })).body.data.length, 2, 'the guest keeps its tables');
  assert.equal((await post(node.url, '/v1/job/clean', { job_id: 'nope' })).body, { retcode: 101, retmsg: 'find task failed' });
  const running = await post(node.url, '/v1/job/submit', { job_dsl: json('test_intersect_job_dsl.json'), job_runtime_conf: renderConf(json('test_intersect_job_raw_conf.json'), DEFAULT_ENV) });
  const refused = await post(node.url, '/v1/job/clean', { job_id: running.body.jobId });
  assert.is(refused.body.retcode, 100);
  assert.match(refused.body.retmsg, /is (waiting|running) on .*: stop it first/);
  assert.is((await waitForJob(node.url, running.body.jobId)).f_status, 'success');
  assert.equal((await post(node.url, '/v1/job/clean', {})).body, { retcode: 100, retmsg: 'the following arguments are required: job_id ' });
});

t('/v1/job/clean/queue cancels waiting jobs; /v1/job/stop/do stops like /v1/job/stop', async () => {
  assert.equal((await post(node.url, '/v1/job/clean/queue', {})).body, { retcode: 0, retmsg: 'success' });
  assert.equal((await post(node.url, '/v1/job/stop/do', { job_id: 'nope' })).body, { retcode: 100, retmsg: 'can not found job: nope' });
  const conf = renderConf(json('test_intersect_job_rsa_conf.json'), DEFAULT_ENV) as any;
  const r = await post(node.url, '/v1/job/submit', { job_dsl: json('test_intersect_job_dsl.json'), job_runtime_conf: conf });
  const stop = await post(node.url, '/v1/job/stop/do', { job_id: r.body.jobId });
  assert.is(stop.body.retcode, 0, stop.body.retmsg);
  assert.match(stop.body.retmsg, /^(cancel|kill) job success$/);
  const row = await waitForJob(node.url, r.body.jobId);
  assert.ok(['canceled', 'success'].includes(row.f_status), row.f_status);
});

t('metric delete and clean are events: a full views rebuild answers the same', async () => {
  const ask = async () => JSON.stringify([
    (await post(node.url, '/v1/tracking/component/metric/all', { job_id: jobId, component_name: 'intersect_0', ...GUEST })).body,
    (await post(node.url, '/v1/tracking/component/metric/all', { job_id: jobId, component_name: 'intersect_0', ...HOST })).body,
    (await post(node.url, '/v1/job/data/view/query', { job_id: jobId })).body,
    (await post(node.url, '/v1/tracking/component/output/data/table', { job_id: jobId, component_name: 'intersect_0', ...HOST })).body,
  ]);
  const before = await ask();
  await node.close();
  await rebuildViews(config);
  node = await startNode(config);
  assert.is(await ask(), before);
});

t.run();

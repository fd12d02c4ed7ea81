// A standalone job with guest, host and arbiter on one node: DataIO → Intersection(raw) →
// LocalBaseline → Evaluation over the breast tables; then stop and restart behaviour.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createWriteStream, rmSync } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { buildConfig } from '../../src/config.js';
import { startNode, type RunningNode } from '../../src/main.js';
import { SHARED_DATA, post, tempDir, waitForJob } from '../support/http.js';

const dir = tempDir('job');
let node: RunningNode;
let url: string;
const t = suite('e2e: standalone job (guest, host, arbiter on one node)');

const roles = { guest: [9999], host: [10000], arbiter: [10001] };
const dsl = {
  components: {
    dataio_0: { module: 'DataIO', input: { data: { data: ['args.train_data'] } }, output: { data: ['train'], model: ['dataio'] } },
    intersection_0: { module: 'Intersection', input: { data: { data: ['dataio_0.train'] } }, output: { data: ['train'] } },
    local_baseline_0: { module: 'LocalBaseline', input: { data: { train_data: ['intersection_0.train'] } }, output: { data: ['train'], model: ['local_baseline'] } },
    evaluation_0: { module: 'Evaluation', input: { data: { data: ['local_baseline_0.train'] } }, output: { data: ['evaluate'] } },
  },
};
const conf = (guestTable = 'breast_hetero_guest', hostTable = 'breast_hetero_host') => ({
  initiator: { role: 'guest', party_id: 9999 },
  job_parameters: { work_mode: 0 },
  role: roles,
  role_parameters: {
    guest: {
      args: { data: { train_data: [{ name: guestTable, namespace: 'experiment' }] } },
      dataio_0: { with_label: [true], label_name: ['y'], label_type: ['int'], output_format: ['dense'] },
      evaluation_0: { eval_type: ['binary'], pos_label: [1] },
    },
    host: {
      args: { data: { train_data: [{ name: hostTable, namespace: 'experiment' }] } },
      dataio_0: { with_label: [false], output_format: ['dense'] },
      evaluation_0: { need_run: [false] },
    },
  },
  algorithm_parameters: { intersection_0: { intersect_method: 'raw' } },
});

async function upload(file: string, table: string): Promise<void> {
  const r = await post(url, '/v1/data/upload', { file, head: 1, partition: 4, work_mode: 0, namespace: 'experiment', table_name: table, drop: 1 });
  assert.is(r.body.retcode, 0, r.body.retmsg);
  assert.is((await waitForJob(url, r.body.jobId)).f_status, 'success');
}

t.before(async () => {
  node = await startNode(buildConfig({ httpPort: 0, dataDir: join(dir, 'node'), dataRoots: [dir, SHARED_DATA], logLevel: 'silent' }));
  url = node.url;
  await upload('breast_hetero_guest.csv', 'breast_hetero_guest');
  await upload('breast_hetero_host.csv', 'breast_hetero_host');
});
t.after(async () => {
  await node?.close();
  rmSync(dir, { recursive: true, force: true });
});

t('the job runs to success on every party; evaluation AUC > 0.95', async () => {
  const submit = await post(url, '/v1/job/submit', { job_dsl: dsl, job_runtime_conf: conf() });
  assert.is(submit.body.retcode, 0, submit.body.retmsg);
  const jobId: string = submit.body.jobId;
  assert.equal(submit.body.data.model_info, { model_id: 'arbiter-10001#guest-9999#host-10000#model', model_version: jobId });
  const row = await waitForJob(url, jobId, 120_000);
  assert.is(row.f_status, 'success', row.f_reason);
  const rows = (await post(url, '/v1/job/query', { job_id: jobId })).body.data as Record<string, any>[];
  assert.equal(rows.map((r) => `${r.f_role}:${r.f_party_id}:${r.f_status}:${r.f_progress}`).sort(), [
    'arbiter:10001:success:100', 'guest:9999:success:100', 'host:10000:success:100',
  ]);
  assert.equal(rows.filter((r) => r.f_is_initiator === 1).map((r) => r.f_role), ['guest']);
  const tasks = (await post(url, '/v1/job/task/query', { job_id: jobId })).body.data as Record<string, any>[];
  assert.equal(tasks.map((x) => `${x.f_component_name}:${x.f_role}`).sort(), [
    'dataio_0:guest', 'dataio_0:host', 'evaluation_0:guest', 'evaluation_0:host', 'intersection_0:guest', 'intersection_0:host', 'local_baseline_0:guest', 'local_baseline_0:host',
  ], 'host evaluation (need_run false) is a pass-through task, as in FATE 1.4; the arbiter runs none of these modules');
  assert.ok(tasks.every((x) => x.f_status === 'success'));
  const metrics = await post(url, '/v1/tracking/component/metric/all', { job_id: jobId, component_name: 'evaluation_0' });
  const summary = Object.fromEntries(metrics.body.data.train.local_baseline_0.data as [string, number][]);
  assert.ok(summary.auc > 0.95, `auc ${summary.auc}`);
  const intersection = await post(url, '/v1/tracking/component/metric/all', { job_id: jobId, component_name: 'intersection_0', role: 'host', party_id: 10000 });
  assert.equal(intersection.body.data.train.intersection.data, [['intersect_count', 569], ['intersect_rate', 1]]);
  const config = await post(url, '/v1/job/config', { job_id: jobId, role: 'guest', party_id: 9999 });
  assert.equal(config.body.data.dsl, dsl);
  assert.is(config.body.data.runtime_conf.job_parameters.model_version, jobId);
});

t('a DSL error is refused at submit with the contract message', async () => {
  const bad = { components: { dataio_1: { module: 'DataIO', input: { data: { data: ['args.train_data'] } } } } };
  const r = await post(url, '/v1/job/submit', { job_dsl: bad, job_runtime_conf: conf() });
  assert.is(r.body.retcode, 100);
  assert.is(r.body.retmsg, "component's name should be format of name_index, index is start from 0 and be consecutive for same module");
  const lr = { components: { ...dsl.components, hetero_fm_0: { module: 'HeteroFM', input: { data: { train_data: ['intersection_0.train'] } }, output: { data: ['train'] } } } };
  const notYet = await post(url, '/v1/job/submit', { job_dsl: lr, job_runtime_conf: conf() });
  assert.is(notYet.body.retcode, 100);
  assert.match(notYet.body.retmsg, /^module HeteroFM is not implemented in this version of fedflow \(available: .*DataIO/);
  const missing = await post(url, '/v1/job/submit', { job_dsl: dsl });
  assert.is(missing.body.retmsg, 'the following arguments are required: job_runtime_conf ');
});

t('a missing input table fails the job with a reason naming it', async () => {
  const r = await post(url, '/v1/job/submit', { job_dsl: dsl, job_runtime_conf: conf('nope') });
  const row = await waitForJob(url, r.body.jobId, 30_000);
  assert.is(row.f_status, 'failed');
  assert.match(row.f_reason, /experiment\.nope/);
});

t('a party whose task fails ends the other parties\' tasks of that component at once; the job fails with its reason', async () => {
  const failing = conf();
  // Only the host gets an unsupported method: the guest's Intersection would wait for the host's ids.
  (failing.role_parameters.host as Record<string, unknown>).intersection_0 = { intersect_method: ['bogus'] };
  const r = await post(url, '/v1/job/submit', { job_dsl: dsl, job_runtime_conf: failing });
  const row = await waitForJob(url, r.body.jobId, 15_000);
  assert.is(row.f_status, 'failed');
  assert.match(row.f_reason, /component intersection_0 failed on host 10000: Intersection: intersect_method bogus is not supported/);
  const tasks = (await post(url, '/v1/job/task/query', { job_id: r.body.jobId, component_name: 'intersection_0' })).body.data as Record<string, any>[];
  assert.equal(tasks.map((x) => `${x.f_role} ${x.f_status}`).sort(), ['guest failed', 'host failed']);
  assert.is(tasks.find((x) => x.f_role === 'guest')!.f_reason, 'task stopped');
});

t('stop during a long component: every task ends within 2 s, the job is canceled; stop again changes nothing', async () => {
  // A host table large enough that DataIO runs for seconds.
  const big = join(dir, 'big_host.csv');
  const out = createWriteStream(big);
  out.write('id,' + Array.from({ length: 20 }, (_, i) => `x${i}`).join(',') + '\n');
  const floats = Array.from({ length: 20 }, (_, i) => (i / 7).toFixed(6)).join(',');
  for (let i = 0; i < 400_000; i++) if (!out.write(`${i},${floats}\n`)) await once(out, 'drain');
  out.end();
  await once(out, 'finish');
  await upload('big_host.csv', 'big_host');
  const r = await post(url, '/v1/job/submit', { job_dsl: dsl, job_runtime_conf: conf('breast_hetero_guest', 'big_host') });
  const jobId: string = r.body.jobId;
  for (;;) {
    const tasks = (await post(url, '/v1/job/task/query', { job_id: jobId, role: 'host' })).body.data;
    if (tasks?.some((x: any) => x.f_status === 'running')) break;
    await new Promise((res) => setTimeout(res, 20));
  }
  await new Promise((res) => setTimeout(res, 200));
  const started = Date.now();
  const stop = await post(url, '/v1/job/stop', { job_id: jobId });
  assert.equal(stop.body, { retcode: 0, retmsg: 'kill job success' });
  assert.ok(Date.now() - started < 2500, `stop took ${Date.now() - started} ms`);
  const rows = (await post(url, '/v1/job/query', { job_id: jobId })).body.data as Record<string, any>[];
  assert.ok(rows.every((x) => x.f_status === 'canceled'), JSON.stringify(rows.map((x) => x.f_status)));
  const tasks = (await post(url, '/v1/job/task/query', { job_id: jobId })).body.data as Record<string, any>[];
  assert.ok(tasks.every((x) => x.f_status !== 'running'), 'nothing left running');
  // Every party acknowledged the stop (one event each) and its row says what it stopped.
  const hostTask = tasks.find((x) => x.f_role === 'host' && x.f_status === 'failed');
  assert.ok(hostTask, 'the host task that ran was stopped');
  assert.is(hostTask.f_reason, 'task stopped');
  for (const row of rows) assert.match(row.f_reason, /^stopped by user; stop acknowledged: /, `${row.f_role}: ${row.f_reason}`);
  assert.ok(rows.find((x) => x.f_role === 'host')!.f_reason.includes(`tasks ${hostTask.f_task_id} stopped`));
  assert.match(rows.find((x) => x.f_role === 'arbiter')!.f_reason, /no task was running/);
  const log = new Database(join(dir, 'node', 'events.sqlite'), { readonly: true });
  try {
    const acks = log.prepare("SELECT stream_id FROM events WHERE type = 'JobStopAcknowledged' AND stream_id LIKE ?").all(`%${jobId}%`) as { stream_id: string }[];
    assert.equal(acks.map((a) => a.stream_id).sort(), rows.map((x) => `job-${jobId}-${x.f_role}-${x.f_party_id}`).sort());
  } finally {
    log.close();
  }
  const again = await post(url, '/v1/job/stop', { job_id: jobId });
  assert.is(again.body.retcode, 0);
  const after = (await post(url, '/v1/job/query', { job_id: jobId })).body.data as Record<string, any>[];
  assert.equal(after.map((x) => x.f_status), rows.map((x) => x.f_status));
  const unknown = await post(url, '/v1/job/stop', { job_id: 'nope' });
  assert.equal(unknown.body, { retcode: 100, retmsg: 'can not found job: nope' });
});

t.run();

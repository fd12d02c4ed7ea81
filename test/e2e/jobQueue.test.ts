// The queue and the timeout: with one job slot, a second job waits and says why in f_tag; a job
// whose timeout expires ends `timeout` on every party, and the waiting one then runs.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createWriteStream, rmSync } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import { buildConfig } from '../../src/config.js';
import { startNode, type RunningNode } from '../../src/main.js';
import { SHARED_DATA, post, tempDir, waitForJob } from '../support/http.js';

const dir = tempDir('queue');
let node: RunningNode;
const t = suite('e2e: job queue and timeout');

const dsl = {
  components: {
    dataio_0: { module: 'DataIO', input: { data: { data: ['args.train_data'] } }, output: { data: ['train'], model: ['dataio'] } },
    intersection_0: { module: 'Intersection', input: { data: { data: ['dataio_0.train'] } }, output: { data: ['train'] } },
  },
};
const conf = (host: string, timeout?: number) => ({
  initiator: { role: 'guest', party_id: 9999 },
  job_parameters: { work_mode: 0, ...(timeout ? { timeout } : {}) },
  role: { guest: [9999], host: [10000] },
  role_parameters: {
    guest: { args: { data: { train_data: [{ name: 'guest', namespace: 'q' }] } }, dataio_0: { with_label: [true] } },
    host: { args: { data: { train_data: [{ name: host, namespace: 'q' }] } } },
  },
});

t.before(async () => {
  node = await startNode(buildConfig({ httpPort: 0, dataDir: join(dir, 'node'), dataRoots: [dir, SHARED_DATA], logLevel: 'silent', maxConcurrentJobs: 1 }));
  const big = join(dir, 'big.csv');
  const out = createWriteStream(big);
  out.write('id,' + Array.from({ length: 20 }, (_, i) => `x${i}`).join(',') + '\n');
  const floats = Array.from({ length: 20 }, (_, i) => (i / 3).toFixed(6)).join(',');
  // Big enough that the host's DataIO is still at work when a 1 s timeout fires, on a quiet machine
  // too: at 600,000 rows it finished 0.3 s after the timeout once DataIO got faster (stop 16), and
  // a task that ends before its stop reaches it rightly ends success.
  for (let i = 0; i < 1_500_000; i++) if (!out.write(`${i},${floats}\n`)) await once(out, 'drain');
  out.end();
  await once(out, 'finish');
  for (const [file, name] of [['breast_hetero_guest.csv', 'guest'], ['breast_hetero_host.csv', 'host'], ['big.csv', 'big']]) {
    const r = await post(node.url, '/v1/data/upload', { file, head: 1, partition: 2, work_mode: 0, namespace: 'q', table_name: name });
    assert.is((await waitForJob(node.url, r.body.jobId)).f_status, 'success');
  }
});
t.after(async () => {
  await node?.close();
  rmSync(dir, { recursive: true, force: true });
});

t('a second job waits with the reason in f_tag; the first times out on every party; then the second runs', async () => {
  const slow = await post(node.url, '/v1/job/submit', { job_dsl: dsl, job_runtime_conf: conf('big', 1) });
  assert.is(slow.body.retcode, 0, slow.body.retmsg);
  const queued = await post(node.url, '/v1/job/submit', { job_dsl: dsl, job_runtime_conf: conf('host') });
  let tag = '';
  for (let i = 0; i < 200 && !tag.startsWith('waiting:'); i++) {
    const row = (await post(node.url, '/v1/job/query', { job_id: queued.body.jobId, role: 'guest' })).body.data[0];
    tag = row.f_tag;
    if (row.f_status !== 'waiting') break;
    await new Promise((r) => setTimeout(r, 10));
  }
  assert.is(tag, 'waiting: 1 of 1 jobs running (limit reached), 0 queued ahead');
  const slowRow = await waitForJob(node.url, slow.body.jobId, 30_000);
  assert.is(slowRow.f_status, 'timeout');
  const rows = (await post(node.url, '/v1/job/query', { job_id: slow.body.jobId })).body.data as Record<string, any>[];
  assert.equal(rows.map((r) => r.f_status), ['timeout', 'timeout']);
  assert.ok(rows.every((r) => r.f_tag === 'job_end' && r.f_end_time > 0));
  const tasks = (await post(node.url, '/v1/job/task/query', { job_id: slow.body.jobId })).body.data as Record<string, any>[];
  assert.ok(tasks.some((x) => x.f_status === 'timeout') && tasks.every((x) => x.f_status !== 'running'), JSON.stringify(tasks.map((x) => [x.f_component_name, x.f_role, x.f_status, x.f_start_time, x.f_end_time, slowRow.f_start_time, slowRow.f_end_time])));
  assert.is((await waitForJob(node.url, queued.body.jobId, 30_000)).f_status, 'success');
});

t('stopping a queued job cancels it at once: it never runs', async () => {
  const slow = await post(node.url, '/v1/job/submit', { job_dsl: dsl, job_runtime_conf: conf('big', 2) });
  const queued = await post(node.url, '/v1/job/submit', { job_dsl: dsl, job_runtime_conf: conf('host') });
  const stop = await post(node.url, '/v1/job/stop', { job_id: queued.body.jobId });
  assert.equal(stop.body, { retcode: 0, retmsg: 'cancel job success' });
  const row = (await post(node.url, '/v1/job/query', { job_id: queued.body.jobId, role: 'guest' })).body.data[0];
  assert.is(row.f_status, 'canceled');
  await waitForJob(node.url, slow.body.jobId, 30_000);
  const tasks = await post(node.url, '/v1/job/task/query', { job_id: queued.body.jobId });
  assert.equal(tasks.body, { retcode: 101, retmsg: 'find task failed' }, 'no task of the canceled job ever started');
});

t.run();

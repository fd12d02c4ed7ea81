// SIGKILL during a large upload, then restart: no half table is visible, the job is failed with a
// reason, the log and the views agree, and a rebuild changes no answer.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { copyFileSync, createWriteStream, readdirSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import { buildConfig } from '../../src/config.js';
import { rebuildViews } from '../../src/main.js';
import { SHARED_DATA, post, tempDir, waitForJob } from '../support/http.js';
import { killLiveNodes, spawnNode } from '../support/nodeProcess.js';
import { queryAnswers } from '../support/snapshot.js';

const dir = tempDir('crash');
const dataDir = join(dir, 'node');
const env = { FEDFLOW_DATA_DIR: dataDir, FEDFLOW_DATA_ROOTS: dir };
const t = suite('e2e: crash during upload');
// A failed assertion leaves its node running: kill it, or the open child process keeps the runner alive.
t.after(async () => {
  await killLiveNodes();
  rmSync(dir, { recursive: true, force: true });
});

async function writeCsv(path: string, rows: number): Promise<void> {
  const out = createWriteStream(path);
  out.write('id,' + Array.from({ length: 30 }, (_, i) => `x${i}`).join(',') + '\n');
  const floats = Array.from({ length: 30 }, (_, i) => (i * 0.123456).toFixed(6)).join(',');
  for (let i = 0; i < rows; i++) {
    if (!out.write(`${i},${floats}\n`)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

t('SIGKILL mid-upload, restart: job failed with reason, nothing half-visible', async () => {
  await writeCsv(join(dir, 'big.csv'), 1_500_000);
  let node = await spawnNode(env);
  const small = await post(node.url, '/v1/data/upload', { file: join(dir, 'big.csv'), head: 1, partition: 4, work_mode: 0, namespace: 'ns', table_name: 'big' });
  assert.is(small.body.retcode, 0, small.body.retmsg);
  const jobId: string = small.body.jobId;
  // Wait until the upload is really writing rows, then kill the node without warning.
  for (let i = 0; ; i++) {
    const row = (await post(node.url, '/v1/job/query', { job_id: jobId })).body.data[0];
    if (row.f_status === 'running' && row.f_progress >= 2) break;
    assert.ok(row.f_status !== 'success', 'the upload finished before it could be killed; make the file bigger');
    assert.ok(i < 2000, 'upload never started');
    await new Promise((r) => setTimeout(r, 10));
  }
  await node.kill('SIGKILL');
  assert.ok(readdirSync(join(dataDir, 'tables')).length > 0, 'the killed upload had written a partial table file');

  node = await spawnNode(env);
  const row = await waitForJob(node.url, jobId, 10_000);
  assert.is(row.f_status, 'failed');
  assert.match(row.f_reason, /node restarted/);
  assert.ok(row.f_end_time > 0);
  const task = (await post(node.url, '/v1/job/task/query', { job_id: jobId })).body.data[0];
  assert.is(task.f_status, 'failed');
  const info = await post(node.url, '/v1/table/table_info', { namespace: 'ns', table_name: 'big' });
  assert.is(info.body.data.count, 0);
  assert.equal(readdirSync(join(dataDir, 'tables')), [], 'the partial table file was removed at start-up');
  const history = await post(node.url, '/v1/data/upload/history', {});
  assert.is(history.body.data, undefined, 'a failed upload is not in the history');
  const before = await queryAnswers(node.url, [jobId], [['ns', 'big']]);
  await node.kill('SIGTERM');

  await rebuildViews(buildConfig({ dataDir, dataRoots: [dir], logLevel: 'silent' }));
  node = await spawnNode(env);
  assert.equal(await queryAnswers(node.url, [jobId], [['ns', 'big']]), before, 'rebuild changes no answer');
  await node.kill('SIGTERM');
});

t('SIGKILL mid-job, restart: every party row ends failed with the reason; rebuild changes no answer', async () => {
  copyFileSync(join(SHARED_DATA, 'breast_hetero_guest.csv'), join(dir, 'guest.csv'));
  await writeCsv(join(dir, 'host.csv'), 300_000);
  let node = await spawnNode(env);
  for (const [file, table] of [['guest.csv', 'guest'], ['host.csv', 'host']]) {
    const r = await post(node.url, '/v1/data/upload', { file, head: 1, partition: 4, work_mode: 0, namespace: 'ns', table_name: table });
    assert.is((await waitForJob(node.url, r.body.jobId)).f_status, 'success');
  }
  const dsl = {
    components: {
      dataio_0: { module: 'DataIO', input: { data: { data: ['args.train_data'] } }, output: { data: ['train'], model: ['dataio'] } },
      intersection_0: { module: 'Intersection', input: { data: { data: ['dataio_0.train'] } }, output: { data: ['train'] } },
      // Seconds of Paillier work after the host's tasks start: the job cannot end between the poll
      // that sees a host task running and the kill (at stop 19 a 300k-row DataIO and intersection
      // had become fast enough for the guest's row to end first).
      hetero_lr_0: { module: 'HeteroLR', input: { data: { train_data: ['intersection_0.train'] } }, output: { data: ['train'], model: ['hetero_lr'] } },
    },
  };
  const table = (name: string) => ({ args: { data: { train_data: [{ name, namespace: 'ns' }] } } });
  const conf = {
    initiator: { role: 'guest', party_id: 9999 }, job_parameters: { work_mode: 0 }, role: { guest: [9999], host: [10000] },
    role_parameters: { guest: { ...table('guest'), dataio_0: { with_label: [true] } }, host: table('host') },
    algorithm_parameters: { hetero_lr_0: { max_iter: 50, early_stop: 'weight_diff', tol: 0 } },
  };
  const submit = await post(node.url, '/v1/job/submit', { job_dsl: dsl, job_runtime_conf: conf });
  assert.is(submit.body.retcode, 0, submit.body.retmsg);
  const jobId: string = submit.body.jobId;
  for (let i = 0; ; i++) {
    const tasks = (await post(node.url, '/v1/job/task/query', { job_id: jobId, role: 'host' })).body.data;
    if (tasks?.some((x: any) => x.f_status === 'running' && x.f_component_name !== 'hetero_lr_0')) break;
    assert.ok(!tasks?.some((x: any) => x.f_component_name === 'hetero_lr_0'), 'the host\'s DataIO and intersection ended unseen; make the host table bigger');
    assert.ok(i < 3000, 'the host task never started');
    await new Promise((r) => setTimeout(r, 10));
  }
  await node.kill('SIGKILL');

  node = await spawnNode(env);
  const rows = (await post(node.url, '/v1/job/query', { job_id: jobId })).body.data as Record<string, any>[];
  assert.equal(rows.map((r) => r.f_status), ['failed', 'failed']);
  assert.ok(rows.every((r) => r.f_reason === 'node restarted while the job ran' && r.f_end_time > 0));
  const tasks = (await post(node.url, '/v1/job/task/query', { job_id: jobId })).body.data as Record<string, any>[];
  assert.ok(tasks.every((x) => x.f_status === 'failed'), JSON.stringify(tasks.map((x) => x.f_status)));
  const before = await queryAnswers(node.url, [jobId], [['ns', 'host']]);
  await node.kill('SIGTERM');
  await rebuildViews(buildConfig({ dataDir, dataRoots: [dir], logLevel: 'silent' }));
  node = await spawnNode(env);
  assert.equal(await queryAnswers(node.url, [jobId], [['ns', 'host']]), before, 'rebuild changes no answer');
  await node.kill('SIGTERM');
});

t.run();

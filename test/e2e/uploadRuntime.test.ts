// Upload and download jobs on the job scheduler: a running upload is stopped for real (job
// canceled, no table, no file, no open file left, within 2 s), an upload waits behind the job limit
// and says why, and a download runs as a download_0 task with its metric.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createWriteStream, existsSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import { buildConfig } from '../../src/config.js';
import { startNode, type RunningNode } from '../../src/main.js';
import { SHARED_DATA, post, tempDir, waitForJob } from '../support/http.js';
import { partialPathOf } from '../../src/components/download/runDownloadTask.js';

const dir = tempDir('upload-runtime');
const tablesDir = join(dir, 'node', 'tables');
const big = join(dir, 'big.csv');
let node: RunningNode;
const t = suite('e2e: upload and download jobs on the job scheduler');

t.before(async () => {
  // One job slot: the queue test needs a second upload to wait.
  node = await startNode(buildConfig({ httpPort: 0, dataDir: join(dir, 'node'), dataRoots: [dir, SHARED_DATA], logLevel: 'silent', maxConcurrentJobs: 1 }));
  // Large enough that an upload runs for seconds on a busy machine.
  const out = createWriteStream(big);
  out.write('id,' + Array.from({ length: 30 }, (_, i) => `x${i}`).join(',') + '\n');
  const floats = Array.from({ length: 30 }, (_, i) => (i * 0.123456).toFixed(6)).join(',');
  for (let i = 0; i < 1_000_000; i++) if (!out.write(`${i},${floats}\n`)) await once(out, 'drain');
  out.end();
  await once(out, 'finish');
});
t.after(async () => {
  await node?.close();
  rmSync(dir, { recursive: true, force: true });
});

const job = async (jobId: string) => (await post(node.url, '/v1/job/query', { job_id: jobId })).body.data[0] as Record<string, any>;

/** Submits the big upload and waits until its rows are being written. */
async function runningBigUpload(table: string): Promise<string> {
  const r = await post(node.url, '/v1/data/upload', { file: big, head: 1, partition: 4, work_mode: 0, namespace: 'rt', table_name: table });
  assert.is(r.body.retcode, 0, r.body.retmsg);
  for (let i = 0; ; i++) {
    const row = await job(r.body.jobId);
    if (row.f_status === 'running' && row.f_progress >= 1) return r.body.jobId;
    assert.ok(row.f_status === 'waiting' || row.f_status === 'running', `upload ended before it could be stopped: ${row.f_status} ${row.f_reason}`);
    assert.ok(i < 3000, 'the upload never started writing');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Files this process has open whose path starts with one of `paths` (Linux; undefined elsewhere). */
function openFilesUnder(...paths: string[]): string[] | undefined {
  if (!existsSync('/proc/self/fd')) return undefined;
  const out: string[] = [];
  for (const fd of readdirSync('/proc/self/fd')) {
    try {
      const target = readlinkSync(`/proc/self/fd/${fd}`);
      if (paths.some((p) => target.startsWith(p))) out.push(target);
    } catch {
      // closed meanwhile
    }
  }
  return out;
}

t('/v1/job/stop ends a running upload: canceled within 2 s, no table, no file, nothing left open', async () => {
  const before = readdirSync(tablesDir).sort();
  const jobId = await runningBigUpload('stopped');
  assert.ok(readdirSync(tablesDir).length > before.length, 'the upload was writing its table file');
  const started = Date.now();
  const stop = await post(node.url, '/v1/job/stop', { job_id: jobId });
  const elapsed = Date.now() - started;
  assert.is(stop.body.retcode, 0, stop.body.retmsg);
  assert.ok(elapsed < 2000, `stop took ${elapsed} ms`);
  const row = await job(jobId);
  assert.is(row.f_status, 'canceled');
  assert.match(row.f_reason, /stopped by user/);
  assert.match(row.f_reason, /upload_0/, 'the acknowledgement names the stopped task');
  const task = (await post(node.url, '/v1/job/task/query', { job_id: jobId })).body.data[0];
  assert.is(task.f_status, 'failed');
  const info = await post(node.url, '/v1/table/table_info', { namespace: 'rt', table_name: 'stopped' });
  assert.is(info.body.data.count, 0);
  assert.equal(readdirSync(tablesDir).sort(), before, 'the half-written table file was removed');
  const history = await post(node.url, '/v1/data/upload/history', { job_id: jobId });
  assert.is(history.body.data, undefined, 'no TableDataLoaded, no data view');
  const metrics = await post(node.url, '/v1/tracking/component/metric/all', { job_id: jobId, component_name: 'upload_0', role: 'local', party_id: 0 });
  assert.equal(metrics.body.data ?? {}, {}, 'no upload metric');
  // The reader and writer threads are gone: neither the source nor the table file is still open.
  const open = openFilesUnder(big, tablesDir);
  if (open) assert.equal(open, [], 'no file of the upload is still open');
});

t('an upload queued behind the job limit says why it waits, then runs once the slot is free', async () => {
  const first = await runningBigUpload('first');
  const second = await post(node.url, '/v1/data/upload', { file: 'breast_hetero_guest.csv', head: 1, partition: 2, work_mode: 0, namespace: 'rt', table_name: 'second' });
  assert.is(second.body.retcode, 0, second.body.retmsg);
  let row = await job(second.body.jobId);
  for (let i = 0; i < 200 && !String(row.f_tag).startsWith('waiting:'); i++) {
    await new Promise((resolve) => setTimeout(resolve, 10));
    row = await job(second.body.jobId);
  }
  assert.is(row.f_status, 'waiting');
  assert.is(row.f_tag, 'waiting: 1 of 1 jobs running (limit reached), 0 queued ahead');
  await post(node.url, '/v1/job/stop', { job_id: first });
  row = await waitForJob(node.url, second.body.jobId);
  assert.is(row.f_status, 'success', row.f_reason);
  assert.is(row.f_progress, 100);
  const info = await post(node.url, '/v1/table/table_info', { namespace: 'rt', table_name: 'second' });
  assert.is(info.body.data.count, 569);
  assert.is((await job(first)).f_status, 'canceled');
});

t('a queued multipart upload stopped before it ran: canceled, its saved file removed', async () => {
  const blocker = await runningBigUpload('blocker2');
  const form = new FormData();
  form.append('file', new Blob([readFileSync(join(SHARED_DATA, 'breast_hetero_guest.csv'))]), 'guest.csv');
  const q = new URLSearchParams({ head: '1', partition: '2', work_mode: '0', namespace: 'rt', table_name: 'never' });
  const body = (await (await fetch(`${node.url}/v1/data/upload?${q}`, { method: 'POST', body: form })).json()) as Record<string, any>;
  assert.is(body.retcode, 0, body.retmsg);
  const saved = join(dir, 'node', 'upload_tmp', body.jobId);
  assert.ok(existsSync(saved), 'the multipart file is kept while the job waits');
  const stop = await post(node.url, '/v1/job/stop', { job_id: body.jobId });
  assert.is(stop.body.retcode, 0, stop.body.retmsg);
  assert.is((await job(body.jobId)).f_status, 'canceled');
  assert.not.ok(existsSync(saved), 'the multipart file of a job that will never run is removed');
  await post(node.url, '/v1/job/stop', { job_id: blocker });
});

t('download runs as a download_0 task: file, progress, download/data_access metric', async () => {
  const output = join(dir, 'out', 'second.csv');
  const r = await post(node.url, '/v1/data/download', { namespace: 'rt', table_name: 'second', output_path: output, work_mode: 0, delimitor: ',' });
  assert.is(r.body.retcode, 0, r.body.retmsg);
  const row = await waitForJob(node.url, r.body.jobId);
  assert.is(row.f_status, 'success', row.f_reason);
  assert.is(row.f_progress, 100);
  const tasks = (await post(node.url, '/v1/job/task/query', { job_id: r.body.jobId })).body.data;
  assert.equal(tasks.map((x: any) => [x.f_task_id, x.f_role, x.f_party_id, x.f_status]), [[`${r.body.jobId}_download_0`, 'local', '0', 'success']]);
  const metrics = await post(node.url, '/v1/tracking/component/metric/all', { job_id: r.body.jobId, component_name: 'download_0', role: 'local', party_id: 0 });
  assert.equal(metrics.body.data, { download: { data_access: { data: [['count', 569]], meta: { name: 'download', metric_type: 'DOWNLOAD' } } } });
  assert.is(readFileSync(output, 'utf8').trim().split('\n').length, 569);
});

t('a download of a table deleted after the submit fails with the reason', async () => {
  const output = join(dir, 'out', 'gone.csv');
  // Both wait behind a running upload, so the delete lands between the submit and the task.
  const blocker = await runningBigUpload('blocker');
  const r = await post(node.url, '/v1/data/download', { namespace: 'rt', table_name: 'second', output_path: output, work_mode: 0, delimitor: ',' });
  assert.is(r.body.retcode, 0, r.body.retmsg);
  await post(node.url, '/v1/table/delete', { namespace: 'rt', table_name: 'second' });
  await post(node.url, '/v1/job/stop', { job_id: blocker });
  const row = await waitForJob(node.url, r.body.jobId);
  assert.is(row.f_status, 'failed');
  assert.is(row.f_reason, 'table rt.second does not exist');
  assert.not.ok(existsSync(output));
});

t('/v1/job/stop ends a running download: canceled within 2 s, no output and no partial file left', async () => {
  const up = await post(node.url, '/v1/data/upload', { file: big, head: 1, partition: 4, work_mode: 0, namespace: 'rt', table_name: 'to_download' });
  assert.is((await waitForJob(node.url, up.body.jobId, 120_000)).f_status, 'success');
  const output = join(dir, 'downloaded.csv');
  const r = await post(node.url, '/v1/data/download', { namespace: 'rt', table_name: 'to_download', output_path: output, work_mode: 0, delimitor: ',' });
  assert.is(r.body.retcode, 0, r.body.retmsg);
  for (let i = 0; ; i++) {
    const row = await job(r.body.jobId);
    if (row.f_status === 'running' && row.f_progress >= 1) break;
    assert.ok(row.f_status === 'waiting' || row.f_status === 'running', `download ended before it could be stopped: ${row.f_status} ${row.f_reason}`);
    assert.ok(i < 3000, 'the download never started writing');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  const started = Date.now();
  const stop = await post(node.url, '/v1/job/stop', { job_id: r.body.jobId });
  assert.is(stop.body.retcode, 0, stop.body.retmsg);
  assert.ok(Date.now() - started < 2000, `stop took ${Date.now() - started} ms`);
  assert.is((await job(r.body.jobId)).f_status, 'canceled');
  assert.not.ok(existsSync(output), 'no output file');
  assert.not.ok(existsSync(partialPathOf(output)), 'no partial file');
});

t('a submitted job naming Upload is refused: server paths are checked only by /v1/data/upload', async () => {
  const r = await post(node.url, '/v1/job/submit', {
    job_dsl: { components: { upload_0: { module: 'Upload' } } },
    job_runtime_conf: {
      initiator: { role: 'local', party_id: 0 }, job_parameters: { work_mode: 0 }, role: { local: [0] },
      role_parameters: { local: { upload_0: { file: ['/etc/hostname'], head: [1], partition: [1], namespace: ['rt'], table_name: ['forged'] } } },
    },
  });
  assert.is(r.body.retcode, 100);
  assert.is(r.body.retmsg, 'module Upload runs only as the job of /v1/data/upload, not in a submitted job');
  const info = await post(node.url, '/v1/table/table_info', { namespace: 'rt', table_name: 'forged' });
  assert.is(info.body.data.count, 0);
});

t.run();

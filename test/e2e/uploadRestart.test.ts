// Restart recovery of upload jobs, through the job scheduler's one recovery: the log is written as a
// node would have left it at a crash, then a node starts on it. An upload whose table load was
// recorded ends `success` with its tracking; one still waiting runs (its multipart file was kept);
// one that was loading ends `failed` with the reason, its partial file and temp_dir removed.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { copyFileSync, existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { buildConfig } from '../../src/config.js';
import { startNode, type RunningNode } from '../../src/main.js';
import { handleCommand, handleCommands } from '../../src/eventSourcing/handleCommand.js';
import { jobDecider } from '../../src/domain/job/decider.js';
import { jobStreamId } from '../../src/domain/job/events.js';
import { taskDecider } from '../../src/domain/task/decider.js';
import { taskStreamId } from '../../src/domain/task/events.js';
import { tableDecider } from '../../src/domain/table/decider.js';
import { tableStreamId } from '../../src/domain/table/events.js';
import { trackingStreamId } from '../../src/domain/tracking/events.js';
import { openEventStore } from '../../src/store/openEventStore.js';
import type { EventStore } from '../../src/store/eventStore.js';
import { TableStore } from '../../src/store/tables/tableStore.js';
import { writeTable } from '../../src/store/tables/writeTable.js';
import { localJobConf, type UploadParams } from '../../src/scheduler/localJobs.js';
import { uploadTracking } from '../../src/scheduler/local/uploadTask.js';
import { SHARED_DATA, post, tempDir, waitForJob } from '../support/http.js';

const dir = tempDir('upload-restart');
const dataDir = join(dir, 'node');
const tables = new TableStore(join(dataDir, 'tables'));
let node: RunningNode | undefined;
const t = suite('e2e: upload jobs after a restart');
t.after(async () => {
  await node?.close();
  rmSync(dir, { recursive: true, force: true });
});

const at = 1_700_000_000_000;
const params = (table: string, extra: Partial<UploadParams> = {}): UploadParams => ({
  file: join(SHARED_DATA, 'breast_hetero_guest.csv'), head: 1, partition: 2, work_mode: 0, namespace: 'rs', table_name: table, ...extra,
});
const jobStream = (jobId: string) => jobStreamId(jobId, 'local', '0');
const taskStream = (jobId: string) => taskStreamId(`${jobId}_upload_0`, 'local', '0');
const scope = (jobId: string) => ({ jobId, componentName: 'upload_0', taskId: `${jobId}_upload_0`, role: 'local', partyId: '0' });

/** JobCreated as /v1/data/upload records it; `started`: the job and its task then started. */
async function createUpload(store: EventStore, jobId: string, p: UploadParams, started: boolean): Promise<void> {
  const { dsl, runtimeConf } = localJobConf(jobId, { module: 'Upload', component: 'upload_0', params: p });
  await handleCommand(store, jobStream(jobId), jobDecider, {
    type: 'CreateJob',
    data: {
      jobId, role: 'local', partyId: '0', initiator: { role: 'local', partyId: '0' }, isInitiator: true, workMode: 0, roles: { local: [0] },
      dsl, runtimeConf, trainRuntimeConf: {}, runIp: '127.0.0.1:1', tag: '', at,
    },
  });
  if (!started) return;
  await handleCommand(store, jobStream(jobId), jobDecider, { type: 'StartJob', data: { at } });
  await handleCommand(store, taskStream(jobId), taskDecider, {
    type: 'StartTask', data: { jobId, taskId: `${jobId}_upload_0`, componentName: 'upload_0', role: 'local', partyId: '0', runIp: '127.0.0.1:1', runPid: 1, at },
  });
}

/** A loaded table file and its LoadTableData command, as the Upload task's success records it. */
function loadedTable(jobId: string, table: string) {
  const location = tables.newLocation();
  writeTable(tables, location, [['1', 'a'], ['2', 'b']]);
  const data = {
    namespace: 'rs', name: table, location, mode: 'replace' as const, basedOn: null, partition: 2, countUpload: 2, countActual: 2,
    meta: { header: 'x', sid: 'id' }, jobId, at,
  };
  return { streamId: tableStreamId('rs', table), decider: tableDecider, command: { type: 'LoadTableData', data } };
}

const jobs = { committed: '20261127000000000000001', tableOnly: '20261127000000000000002', waiting: '20261127000000000000003', loading: '20261127000000000000004' };
let partial = '';
const loadingTemp = join(dataDir, 'upload_tmp', jobs.loading);
const waitingTemp = join(dataDir, 'upload_tmp', jobs.waiting);

t('the log a crash left behind', async () => {
  const store = await openEventStore('sqlite', dataDir);
  try {
    // The task's success and its table load were one commit; the job's end was not recorded.
    await createUpload(store, jobs.committed, params('committed'), true);
    const load = loadedTable(jobs.committed, 'committed');
    await handleCommands(store, [
      load,
      { streamId: trackingStreamId(jobs.committed, 'local', '0'), events: uploadTracking(scope(jobs.committed), load.command.data) },
      { streamId: taskStream(jobs.committed), decider: taskDecider, command: { type: 'SucceedTask', data: { at } } },
    ]);
    // A store that commits stream by stream: the table load is recorded, its tracking and the task's end are not.
    await createUpload(store, jobs.tableOnly, params('tableOnly'), true);
    await handleCommands(store, [loadedTable(jobs.tableOnly, 'tableOnly')]);
    // A multipart upload still waiting for a job slot.
    mkdirSync(waitingTemp, { recursive: true });
    copyFileSync(join(SHARED_DATA, 'breast_hetero_guest.csv'), join(waitingTemp, 'guest.csv'));
    await createUpload(store, jobs.waiting, params('waiting', { file: join(waitingTemp, 'guest.csv'), temp_dir: waitingTemp }), false);
    // A multipart upload killed while it wrote its rows.
    mkdirSync(loadingTemp, { recursive: true });
    copyFileSync(join(SHARED_DATA, 'breast_hetero_guest.csv'), join(loadingTemp, 'guest.csv'));
    await createUpload(store, jobs.loading, params('loading', { file: join(loadingTemp, 'guest.csv'), temp_dir: loadingTemp }), true);
    partial = tables.newLocation();
    writeTable(tables, partial, [['1', 'half']]);
  } finally {
    await store.close();
  }
});

t('restart: a recorded table load ends success with its tracking, once', async () => {
  node = await startNode(buildConfig({ httpPort: 0, dataDir, dataRoots: [dir, SHARED_DATA], logLevel: 'silent' }));
  for (const [jobId, table] of [[jobs.committed, 'committed'], [jobs.tableOnly, 'tableOnly']] as const) {
    const row = await waitForJob(node.url, jobId, 10_000);
    assert.is(row.f_status, 'success', `${table}: ${row.f_reason}`);
    assert.is(row.f_progress, 100);
    const task = (await post(node.url, '/v1/job/task/query', { job_id: jobId })).body.data[0];
    assert.is(task.f_status, 'success', table);
    const info = await post(node.url, '/v1/table/table_info', { namespace: 'rs', table_name: table });
    assert.is(info.body.data.count, 2, table);
    const metrics = await post(node.url, '/v1/tracking/component/metric/all', { job_id: jobId, component_name: 'upload_0', role: 'local', party_id: 0 });
    assert.equal(metrics.body.data, { upload: { data_access: { data: [['count', 2]], meta: { name: 'upload', metric_type: 'UPLOAD' } } } }, table);
    const history = await post(node.url, '/v1/data/upload/history', { job_id: jobId });
    assert.is(history.body.data.length, 1, table);
    assert.is(history.body.data[0][jobId].upload_info.actual_count, 2, table);
  }
});

t('restart: an upload still waiting is queued again and runs; its multipart file was kept, then removed', async () => {
  const row = await waitForJob(node!.url, jobs.waiting, 30_000);
  assert.is(row.f_status, 'success', row.f_reason);
  const info = await post(node!.url, '/v1/table/table_info', { namespace: 'rs', table_name: 'waiting' });
  assert.is(info.body.data.count, 569);
  assert.not.ok(existsSync(waitingTemp), 'temp_dir removed after the task');
});

t('restart: an upload that was loading ends failed with the reason; its partial file and temp_dir are gone', async () => {
  const row = await waitForJob(node!.url, jobs.loading, 10_000);
  assert.is(row.f_status, 'failed');
  assert.is(row.f_reason, 'node restarted while the job ran');
  const task = (await post(node!.url, '/v1/job/task/query', { job_id: jobs.loading })).body.data[0];
  assert.is(task.f_status, 'failed');
  const info = await post(node!.url, '/v1/table/table_info', { namespace: 'rs', table_name: 'loading' });
  assert.is(info.body.data.count, 0);
  assert.not.ok(readdirSync(tables.dir).some((f) => f.startsWith(partial)), 'orphan table file removed at start-up');
  assert.not.ok(existsSync(loadingTemp), 'temp_dir of a job that will not run removed at start-up');
});

t.run();

// A real standalone node on 127.0.0.1 with the embedded store: the first slice a FATE user touches.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, rmSync, writeFileSync, symlinkSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { buildConfig } from '../../src/config.js';
import { startNode, type RunningNode } from '../../src/main.js';
import { SHARED_DATA, post, tempDir, waitForJob } from '../support/http.js';

const dir = tempDir('data');
const outside = tempDir('outside');
let node: RunningNode;
let url: string;
const config = () => buildConfig({ httpPort: 0, dataDir: join(dir, 'node'), dataRoots: [join(dir, 'node'), dir, SHARED_DATA], logLevel: 'silent' });
const guestConf = { file: 'breast_hetero_guest.csv', head: 1, partition: 16, work_mode: 0, namespace: 'experiment', table_name: 'breast_hetero_guest' };

const t = suite('e2e: data endpoints on a standalone node');

t.before(async () => {
  node = await startNode(config());
  url = node.url;
});
t.after(async () => {
  await node?.close();
  rmSync(dir, { recursive: true, force: true });
  rmSync(outside, { recursive: true, force: true });
});

let uploadJobId = '';

t('upload (JSON, server path) runs as an upload_0 job and loads 569 rows', async () => {
  const { body } = await post(url, '/v1/data/upload', guestConf);
  assert.is(body.retcode, 0, body.retmsg);
  assert.match(body.jobId, /^\d{21,}$/);
  assert.equal(body.data.table_name, 'breast_hetero_guest');
  uploadJobId = body.jobId;
  const row = await waitForJob(url, uploadJobId);
  assert.is(row.f_status, 'success', row.f_reason);
  assert.is(row.f_progress, 100);
  assert.is(row.f_role, 'local');
  assert.is(row.f_party_id, '0');
  assert.ok(row.f_end_time >= row.f_start_time);
  const conf = JSON.parse(row.f_runtime_conf);
  assert.equal(conf.role_parameters.local.upload_0.partition, [16]);
  assert.is(conf.job_parameters.model_id, 'local-0#model');
});

t('table_info shows count, partition and schema', async () => {
  const { body } = await post(url, '/v1/table/table_info', { table_name: 'breast_hetero_guest', namespace: 'experiment' });
  assert.equal(body, {
    retcode: 0, retmsg: 'success',
    data: { table_name: 'breast_hetero_guest', namespace: 'experiment', count: 569, partition: 16, schema: { header: 'y,x0,x1,x2,x3,x4,x5,x6,x7,x8,x9', sid: 'id' } },
  });
});

t('the task row and the upload/data_access metric are recorded', async () => {
  const tasks = await post(url, '/v1/job/task/query', { job_id: uploadJobId });
  assert.is(tasks.body.data.length, 1);
  assert.is(tasks.body.data[0].f_task_id, `${uploadJobId}_upload_0`);
  assert.is(tasks.body.data[0].f_status, 'success');
  const metrics = await post(url, '/v1/tracking/component/metric/all', { job_id: uploadJobId, component_name: 'upload_0', role: 'local', party_id: 0 });
  assert.equal(metrics.body.data, { upload: { data_access: { data: [['count', 569]], meta: { name: 'upload', metric_type: 'UPLOAD' } } } });
});

t('uploading into a table with rows and no drop is refused with the contract message', async () => {
  const { body } = await post(url, '/v1/data/upload', guestConf);
  assert.is(body.retcode, 100);
  assert.is(body.retmsg, 'The data table already exists, table data count:569.If you still want to continue uploading, please add the parameter -drop. 0 means not to delete and continue uploading, 1 means to upload again after deleting the table');
  assert.is(body.jobId, undefined);
});

t('download reproduces every key and value, key + delimitor + value, no header', async () => {
  const output = join(dir, 'out', 'guest.csv');
  const { body } = await post(url, '/v1/data/download', { namespace: 'experiment', table_name: 'breast_hetero_guest', output_path: output, work_mode: 0, delimitor: '|' });
  assert.is(body.retcode, 0, body.retmsg);
  const row = await waitForJob(url, body.jobId);
  assert.is(row.f_status, 'success', row.f_reason);
  const expected = new Map(readFileSync(join(SHARED_DATA, 'breast_hetero_guest.csv'), 'utf8').trim().split('\n').slice(1).map((l) => {
    const i = l.indexOf(',');
    return [l.slice(0, i), l.slice(i + 1)] as const;
  }));
  const lines = readFileSync(output, 'utf8').trim().split('\n');
  assert.is(lines.length, 569);
  for (const line of lines) {
    const i = line.indexOf('|');
    assert.is(expected.get(line.slice(0, i)), line.slice(i + 1), `row ${line.slice(0, i)}`);
  }
});

t('upload history lists the upload with both counts and the table meta', async () => {
  const { body } = await post(url, '/v1/data/upload/history', { limit: 5 });
  assert.is(body.retcode, 0);
  assert.equal(body.data[0], {
    [uploadJobId]: {
      upload_info: { table_name: 'breast_hetero_guest', namespace: 'experiment', partition: 16, upload_count: 569, actual_count: 569 },
      notes: '',
      meta: { header: 'y,x0,x1,x2,x3,x4,x5,x6,x7,x8,x9', sid: 'id' },
    },
  });
});

t('multipart upload (FATE 1.4 CLI mode) with fields as query parameters', async () => {
  const form = new FormData();
  form.append('file', new Blob([readFileSync(join(SHARED_DATA, 'breast_hetero_host.csv'))]), 'breast_hetero_host.csv');
  const q = new URLSearchParams({ head: '1', partition: '4', work_mode: '0', namespace: 'experiment', table_name: 'breast_hetero_host' });
  const res = await fetch(`${url}/v1/data/upload?${q}`, { method: 'POST', body: form });
  const body = (await res.json()) as Record<string, any>;
  assert.is(body.retcode, 0, body.retmsg);
  assert.is((await waitForJob(url, body.jobId)).f_status, 'success');
  const info = await post(url, '/v1/table/table_info', { table_name: 'breast_hetero_host', namespace: 'experiment' });
  assert.is(info.body.data.count, 569);
  assert.is(info.body.data.partition, 4);
  assert.is(info.body.data.schema.sid, 'id');
  assert.is(readdirSync(join(dir, 'node', 'upload_tmp')).length, 0, 'the saved multipart file is removed after the task');
});

t('drop 0 writes into the table (duplicates overwrite), drop 1 replaces it', async () => {
  writeFileSync(join(dir, 'more.csv'), 'id\tv\n1\ta\n2\tb\n2\tc\n');
  const base = { file: 'more.csv', head: 1, partition: 1, work_mode: 0, namespace: 'ns', table_name: 'more' };
  let r = await post(url, '/v1/data/upload', base);
  assert.is((await waitForJob(url, r.body.jobId)).f_status, 'success');
  writeFileSync(join(dir, 'more2.csv'), 'id,v\n2,z\n3,y\n');
  r = await post(url, '/v1/data/upload', { ...base, file: 'more2.csv', drop: 0 });
  assert.is(r.body.retcode, 0, r.body.retmsg);
  assert.is((await waitForJob(url, r.body.jobId)).f_status, 'success');
  let info = await post(url, '/v1/table/table_info', { table_name: 'more', namespace: 'ns' });
  assert.is(info.body.data.count, 3);
  const history = await post(url, '/v1/data/upload/history', { job_id: r.body.jobId });
  assert.is(history.body.data[0][r.body.jobId].upload_info.upload_count, 2);
  assert.is(history.body.data[0][r.body.jobId].upload_info.actual_count, 3);
  r = await post(url, '/v1/data/upload', { ...base, file: 'more2.csv', drop: 1 });
  assert.is((await waitForJob(url, r.body.jobId)).f_status, 'success');
  info = await post(url, '/v1/table/table_info', { table_name: 'more', namespace: 'ns' });
  assert.is(info.body.data.count, 2);
});

t('delete removes the table; table_info then reports count 0', async () => {
  const { body } = await post(url, '/v1/table/delete', { table_name: 'breast_hetero_guest', namespace: 'experiment' });
  assert.equal(body, { retcode: 0, retmsg: 'success', data: [{ table_name: 'breast_hetero_guest', namespace: 'experiment' }] });
  const info = await post(url, '/v1/table/table_info', { table_name: 'breast_hetero_guest', namespace: 'experiment' });
  assert.equal(info.body.data, { table_name: 'breast_hetero_guest', namespace: 'experiment', count: 0, partition: null, schema: {} });
  const byJob = await post(url, '/v1/table/delete', { job_id: 'no-such-job' });
  assert.equal(byJob.body, { retcode: 101, retmsg: 'no find table' });
});

t('bad input gets a retcode != 0 and a message naming the field; the node stays up', async () => {
  const cases: [unknown, RegExp | string][] = [
    [{}, 'the following arguments are required: file,head,partition,work_mode,namespace,table_name '],
    [{ ...guestConf, namespace: undefined }, 'the following arguments are required: namespace '],
    [{ ...guestConf, work_mode: 1 }, 'the following arguments are required:  work_mode=0'],
    [{ ...guestConf, work_mode: 'x' }, 'the following arguments are required:  work_mode=0'],
    [{ ...guestConf, head: 2 }, "'head' in conf.json should be 0 or 1"],
    [{ ...guestConf, partition: 0 }, 'Error number of partition, it should between 0 and 1024'],
    [{ ...guestConf, partition: 1024 }, 'Error number of partition, it should between 0 and 1024'],
    [{ ...guestConf, partition: 'many' }, 'Error number of partition, it should between 0 and 1024'],
    [{ ...guestConf, table_name: { a: 1 } }, 'the following arguments are required:  table_name=<non-empty string>'],
    [{ ...guestConf, drop: 7 }, 'the following arguments are required:  drop=(0, 1)'],
    [{ ...guestConf, file: 'nope.csv' }, 'nope.csv is not exist, please check the configure'],
    [{ ...guestConf, file: '../../../etc/passwd' }, /^file \.\.\/\.\.\/\.\.\/etc\/passwd is outside the node's data roots/],
    [{ ...guestConf, file: '/etc/passwd' }, /^file \/etc\/passwd is outside the node's data roots/],
  ];
  writeFileSync(join(dir, 'empty.csv'), '');
  cases.push([{ ...guestConf, file: 'empty.csv' }, 'empty.csv is an empty file']);
  writeFileSync(join(outside, 'secret.csv'), 'id,x\n1,2\n');
  symlinkSync(join(outside, 'secret.csv'), join(dir, 'link.csv'));
  cases.push([{ ...guestConf, file: 'link.csv' }, /^file link\.csv is outside the node's data roots/]);
  for (const [body, message] of cases) {
    const answer = await post(url, '/v1/data/upload', body);
    assert.is(answer.status, 200);
    assert.is(answer.body.retcode, 100, JSON.stringify(body));
    if (typeof message === 'string') assert.is(answer.body.retmsg, message);
    else assert.match(answer.body.retmsg, message);
  }
  const others: [string, unknown, number, RegExp][] = [
    ['/v1/data/download', { namespace: 'experiment', table_name: 'x', work_mode: 0 }, 100, /^the following arguments are required: output_path $/],
    ['/v1/data/download', { namespace: 'experiment', table_name: 'nope', work_mode: 0, output_path: join(dir, 'o.csv') }, 100, /table experiment\.nope does not exist/],
    ['/v1/data/download', { namespace: 'experiment', table_name: 'more', work_mode: 0, output_path: join(outside, 'o.csv') }, 100, /^output_path .* is outside the node's data roots/],
    ['/v1/table/table_info', { namespace: 'experiment' }, 100, /^the following arguments are required: table_name $/],
    ['/v1/data/upload/history', { limit: 'ten' }, 100, /limit=<integer >= 0>/],
    ['/v1/job/query', {}, 101, /^find job failed$/],
    ['/v1/job/query', { job_id: 'nope' }, 101, /^find job failed$/],
    ['/v1/data/upload', '[1,2]', 100, /JSON object/],
  ];
  for (const [path, body, retcode, message] of others) {
    const answer = await post(url, path, body);
    assert.is(answer.body.retcode, retcode, `${path} ${JSON.stringify(body)}`);
    assert.match(answer.body.retmsg, message);
  }
  const malformed = await post(url, '/v1/data/upload', '{"file": ');
  assert.is(malformed.status, 400);
  assert.is(malformed.body.retcode, 100);
  assert.is((await fetch(`${url}/v1/no/such/path`, { method: 'POST' })).status, 404);
  assert.is((await fetch(`${url}/v1/data/upload`, { method: 'GET' })).status, 405);
  const huge = await post(url, '/v1/table/table_info', JSON.stringify({ pad: 'x'.repeat(17 * 1024 * 1024) }));
  assert.is(huge.status, 413);
  const still = await post(url, '/v1/table/table_info', { table_name: 'more', namespace: 'ns' });
  assert.is(still.body.retcode, 0, 'the node is still up');
});

t.run();

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createJobBoard, createReporter, createUploadMeter, formatBytes, renderBar } from '../../src/cli/progress.js';
import { multipartFrame } from '../../src/cli/http.js';
import { followJob, waitForJob } from '../../src/cli/wait.js';
import type { Envelope } from '../../src/cli/http.js';

test('renderBar draws filled/empty cells and clamps', () => {
  assert.is(renderBar(50, 'running', 10), '[#####-----]  50% running');
  assert.is(renderBar(0, 'waiting', 10), '[----------]   0% waiting');
  assert.is(renderBar(100, 'success', 10), '[##########] 100% success');
  assert.is(renderBar(250, 'x', 4), '[####] 100% x');
  assert.is(renderBar(Number.NaN, 'x', 4), '[----]   0% x');
});

test('non-TTY reporter prints one line per change', () => {
  let out = '';
  const r = createReporter((t) => (out += t), false, 'J');
  r.update('waiting', 0);
  r.update('waiting', 0);
  r.update('running', 33.7);
  r.update('running', 33);
  r.finish();
  assert.is(out, 'job J: waiting 0%\njob J: running 33%\n');
});

test('TTY reporter redraws in place and ends with a newline', () => {
  let out = '';
  const r = createReporter((t) => (out += t), true, 'J');
  r.update('running', 50);
  r.update('success', 100);
  r.finish();
  assert.is(out, '\r\x1b[2Kjob J [##########----------]  50% running\r\x1b[2Kjob J [####################] 100% success\n');
});

test('waitForJob: sleeps between polls and stops on an end status', async () => {
  const answers: Envelope[] = [
    { retcode: 0, data: [{ f_status: 'waiting', f_progress: null }] },
    { retcode: 0, data: [{ f_status: 'running', f_progress: 40 }] },
    { retcode: 0, data: [{ f_status: 'failed', f_progress: 40, f_description: 'boom' }] },
  ];
  const sleeps: number[] = [];
  const seen: string[] = [];
  const result = await waitForJob(
    async (b) => {
      assert.equal(b, { job_id: 'J' });
      return answers.shift()!;
    },
    'J',
    { update: (s, p) => seen.push(`${s}:${p}`), finish: () => seen.push('end') },
    { intervalMs: 500, maxErrors: 0, sleep: async (ms) => void sleeps.push(ms) },
  );
  assert.equal(result, { ok: false, status: 'failed', row: { f_status: 'failed', f_progress: 40, f_description: 'boom' }, reason: 'boom' });
  assert.equal(sleeps, [500, 500]);
  assert.equal(seen, ['waiting:0', 'running:40', 'failed:40', 'end']);
});

test('waitForJob: unknown statuses keep polling; transport errors count against maxErrors', async () => {
  const answers: Envelope[] = [
    { retcode: 0, data: [{ f_status: 'ready' }] },
    { retcode: 100, retmsg: 'Connection refused' },
    { retcode: 0, data: [] },
    { retcode: 0, data: [{ f_status: 'success', f_progress: 100 }] },
  ];
  const result = await waitForJob(async () => answers.shift()!, 'J', { update: () => {}, finish: () => {} }, {
    intervalMs: 1,
    maxErrors: 2,
    sleep: async () => {},
  });
  assert.is(result.ok, true);
  const give = await waitForJob(async () => ({ retcode: 100, retmsg: 'Connection refused' }), 'J', { update: () => {}, finish: () => {} }, {
    intervalMs: 1,
    maxErrors: 1,
    sleep: async () => {},
  });
  assert.equal(give, { ok: false, status: 'unknown', reason: 'cannot query job J (retcode 100: Connection refused)' });
});

test('formatBytes and the upload meter (redraws only when the percentage changes)', () => {
  assert.is(formatBytes(512), '512 B');
  assert.is(formatBytes(1536), '1.5 KiB');
  assert.is(formatBytes(3 * 1024 ** 3), '3.0 GiB');
  let out = '';
  const m = createUploadMeter((t) => (out += t), 'a.csv');
  m.progress(10, 2048);
  m.progress(11, 2048);
  m.progress(2048, 2048);
  m.finish();
  assert.is(out, '\r\x1b[2Kuploading a.csv [--------------------]   0% 10 B / 2.0 KiB\r\x1b[2Kuploading a.csv [####################] 100% 2.0 KiB / 2.0 KiB\n');
});

test('multipartFrame: boundary in the content type, filename quotes escaped', () => {
  const f = multipartFrame('a"b\r\n.csv');
  const boundary = f.contentType.replace('multipart/form-data; boundary=', '');
  assert.match(boundary, /^----fedflow[0-9a-f]{24}$/);
  assert.is(
    f.head.toString(),
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a%22b%0D%0A.csv"\r\nContent-Type: application/octet-stream\r\n\r\n`,
  );
  assert.is(f.tail.toString(), `\r\n--${boundary}--\r\n`);
  assert.is.not(multipartFrame('x').contentType, f.contentType);
});

const t = (c: string, role: string, party: string | number, status: string, time = 0) => ({
  f_component_name: c, f_role: role, f_party_id: party, f_status: status, f_create_time: time,
});

test('job board, not a TTY: one line per task status change and per job change', () => {
  let out = '';
  const b = createJobBoard((x) => (out += x), false, 'J', ['dataio_0', 'hetero_lr_0']);
  b.tasks([t('dataio_0', 'guest', 9999, 'running')]);
  b.update('running', 0);
  b.tasks([t('dataio_0', 'guest', 9999, 'running')]);
  b.update('running', 0);
  b.tasks([t('dataio_0', 'guest', 9999, 'success'), { f_component_name: 'x' }, { f_status: 'running' }]);
  b.update('running', 50);
  b.finish();
  assert.is(out, 'job J: dataio_0 guest:9999 running\njob J: running 0%\njob J: dataio_0 guest:9999 success\njob J: running 50%\n');
  assert.equal(b.failedTasks(), []);
});

test('job board, TTY: DSL components first (waiting), then unknown ones in task creation order; redraw moves up', () => {
  let out = '';
  const b = createJobBoard((x) => (out += x), true, 'J', ['a_0', 'bb_0']);
  b.update('waiting', 0);
  assert.is(out, '\r\x1b[2Kjob J [--------------------]   0% waiting\n\r\x1b[2K  a_0   waiting\n\r\x1b[2K  bb_0  waiting');
  out = '';
  b.tasks([t('zz_0', 'host', '10', 'failed', 5), t('a_0', 'host', '10', 'success', 2), t('a_0', 'guest', '9', 'success', 1), t('yy_0', 'guest', '9', 'timeout', 3)]);
  b.update('failed', 25);
  b.finish();
  assert.is(
    out,
    '\x1b[2A\r\x1b[2Kjob J [#####---------------]  25% failed\n' +
      '\r\x1b[2K  a_0   guest:9 success  host:10 success\n' +
      '\r\x1b[2K  bb_0  waiting\n' +
      '\r\x1b[2K  yy_0  guest:9 timeout\n' +
      '\r\x1b[2K  zz_0  host:10 failed\n',
  );
  assert.equal(b.failedTasks(), ['yy_0 guest:9', 'zz_0 host:10']);
});

test('job board, TTY: lines are cut to the terminal width', () => {
  let out = '';
  const b = createJobBoard((x) => (out += x), true, 'J', ['c_0'], 20);
  b.tasks([t('c_0', 'guest', '9999', 'running'), t('c_0', 'host', '10000', 'running')]);
  b.update('running', 0);
  assert.is(out, '\r\x1b[2Kjob J [---------...\n\r\x1b[2K  c_0  guest:999...');
});

test('followJob: initiator filter, tasks fed to the board before the job update, the initiator row picked', async () => {
  const calls: Array<[string, unknown]> = [];
  const seen: string[] = [];
  const jobs = [
    { retcode: 0, data: [{ f_role: 'host', f_party_id: '10000', f_status: 'failed' }, { f_role: 'guest', f_party_id: '9999', f_status: 'running', f_progress: 10 }] },
    { retcode: 0, data: [{ f_role: 'guest', f_party_id: '9999', f_status: 'success', f_progress: 100 }] },
  ];
  const tasks = [{ retcode: 101, retmsg: 'find task failed' }, { retcode: 0, data: [t('c_0', 'guest', '9999', 'success')] }];
  const result = await followJob(
    async (path, body) => {
      calls.push([path, body]);
      return (path === '/v1/job/query' ? jobs : tasks).shift() as Envelope;
    },
    { jobId: 'J', role: 'guest', partyId: '9999' },
    {
      tasks: (rows) => seen.push(`tasks:${rows.length}`),
      update: (s, p) => seen.push(`${s}:${p}`),
      finish: () => seen.push('end'),
      failedTasks: () => [],
    },
    { intervalMs: 1, maxErrors: 0, sleep: async () => {} },
  );
  assert.is(result.ok, true);
  assert.equal(seen, ['running:10', 'tasks:1', 'success:100', 'end']);
  assert.equal(calls, [
    ['/v1/job/query', { job_id: 'J', role: 'guest', party_id: '9999' }],
    ['/v1/job/task/query', { job_id: 'J' }],
    ['/v1/job/query', { job_id: 'J', role: 'guest', party_id: '9999' }],
    ['/v1/job/task/query', { job_id: 'J' }],
  ]);
  // no initiator known: job_id only, first row
  const only: unknown[] = [];
  await followJob(
    async (path, body) => {
      only.push(body);
      return path === '/v1/job/query' ? { retcode: 0, data: [{ f_status: 'success' }] } : { retcode: 0, data: [] };
    },
    { jobId: 'J' },
    { tasks: () => {}, update: () => {}, finish: () => {}, failedTasks: () => [] },
    { intervalMs: 1, maxErrors: 0, sleep: async () => {} },
  );
  assert.equal(only, [{ job_id: 'J' }, { job_id: 'J' }]);
});

test.run();

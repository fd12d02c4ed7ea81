import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createReporter, createUploadMeter, formatBytes, renderBar } from '../../src/cli/progress.js';
import { multipartFrame } from '../../src/cli/http.js';
import { waitForJob } from '../../src/cli/wait.js';
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

test.run();

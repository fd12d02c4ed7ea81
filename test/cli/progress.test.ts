import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createReporter, renderBar } from '../../src/cli/progress.js';
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

test.run();

// A party that disappears does not freeze a job (three node processes on 127.0.0.1, heartbeats
// every 300 ms, party_timeout 4 s in the job's job_parameters):
//   - the host's node SIGKILLed for good mid-job: while the guest waits its row names the host as
//     unreachable; then the guest and the arbiter end `failed` naming the host and since when,
//     within party_timeout + 10 s; the host, restarted later, ends `failed` too;
//   - the host's process stopped (SIGSTOP: alive but silent, like a cut link) for longer than
//     party_timeout, then continued: all three rows agree on `failed`;
//   - the same for the initiator: host and arbiter fail on their own word, and the guest, back,
//     learns it from their task reports and fails too (a stop read as a cancel would disagree).
// The network-namespace variant (real addresses, a link taken down) is test/e2e/netns.test.ts.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { FIXTURE_EXAMPLES } from '../support/fixtures.js';
import { post, tempDir, waitForJob } from '../support/http.js';
import { jobRow, longJobConf, runningOn } from '../support/lostParty.js';
import { startFederation, startPartyNode, type Federation, type PartySetup, type RoleName } from '../support/federation.js';

const dir = tempDir('party-timeout');
let fed: Federation;
let setups: Record<RoleName, PartySetup>;
const example = (file: string) => JSON.parse(readFileSync(join(FIXTURE_EXAMPLES, 'cluster', file), 'utf8'));
const t = suite('e2e: a party that disappears does not freeze a job');
const PARTY_TIMEOUT_S = 4;
const ROLES: RoleName[] = ['guest', 'host', 'arbiter'];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

t.before(async () => {
  ({ nodes: fed, setups } = await startFederation({ dir, processes: true, env: { FEDFLOW_HEARTBEAT_INTERVAL_MS: '300' } }));
  for (const [role, file] of [['guest', 'upload_breast_hetero_guest.json'], ['host', 'upload_breast_hetero_host.json']] as const) {
    const r = await post(fed[role].url, '/v1/data/upload', example(file));
    assert.is((await waitForJob(fed[role].url, r.body.jobId)).f_status, 'success');
  }
});

t.after(async () => {
  for (const n of Object.values(fed ?? {})) {
    n.process?.child.kill('SIGCONT');
    await n.close().catch(() => {});
  }
  rmSync(dir, { recursive: true, force: true });
});

t('the host killed for good: guest and arbiter fail naming it within party_timeout + 10 s; the restarted host agrees', async () => {
  const submit = await post(fed.guest.url, '/v1/job/submit', { job_dsl: example('hetero_lr_dsl.json'), job_runtime_conf: longJobConf(PARTY_TIMEOUT_S) });
  assert.is(submit.body.retcode, 0, submit.body.retmsg);
  const jobId = submit.body.jobId as string;
  await runningOn(Object.values(fed), jobId, 'hetero_lr_0');
  await fed.host.process!.kill('SIGKILL');
  const killedAt = Date.now();
  // While it waits, the guest's row names the party it waits for.
  let waiting: string | undefined;
  for (const deadline = killedAt + PARTY_TIMEOUT_S * 1000; Date.now() < deadline && !waiting; await sleep(100)) {
    const row = await jobRow(fed.guest.url, jobId);
    if (row?.f_status === 'running' && /waiting for host 10000 \(unreachable since/.test(String(row.f_reason))) waiting = row.f_reason;
  }
  assert.ok(waiting, 'the running row said which party it waits for');
  for (const role of ['guest', 'arbiter'] as RoleName[]) {
    const row = await waitForJob(fed[role].url, jobId, (PARTY_TIMEOUT_S + 10) * 1000, 100);
    assert.is(row.f_status, 'failed', `${role}: ${row.f_status} ${row.f_reason}`);
    assert.match(String(row.f_reason), /party host 10000 unreachable since \d{4}-\d\d-\d\dT[\d:.]+Z \(party_timeout 4 s\)/, role);
  }
  const failedAfter = Date.now() - killedAt;
  assert.ok(failedAfter <= (PARTY_TIMEOUT_S + 10) * 1000, `failed after ${failedAfter} ms`);
  // The host comes back later: it converges to the same end state.
  fed.host = await startPartyNode(setups.host, true);
  const hostRow = await waitForJob(fed.host.url, jobId, 30_000, 100);
  assert.is(hostRow.f_status, 'failed', String(hostRow.f_reason));
});

t('the host silent (SIGSTOP) beyond party_timeout, then back: all three rows agree', async () => {
  const submit = await post(fed.guest.url, '/v1/job/submit', { job_dsl: example('hetero_lr_dsl.json'), job_runtime_conf: longJobConf(PARTY_TIMEOUT_S) });
  assert.is(submit.body.retcode, 0, submit.body.retmsg);
  const jobId = submit.body.jobId as string;
  await runningOn(Object.values(fed), jobId, 'hetero_lr_0');
  const host = fed.host.process!.child;
  host.kill('SIGSTOP');
  try {
    const guest = await waitForJob(fed.guest.url, jobId, (PARTY_TIMEOUT_S + 10) * 1000, 100);
    assert.is(guest.f_status, 'failed');
    assert.match(String(guest.f_reason), /party host 10000 unreachable since/);
  } finally {
    host.kill('SIGCONT');
  }
  const rows = await Promise.all(ROLES.map((role) => waitForJob(fed[role].url, jobId, 30_000, 100)));
  assert.equal(rows.map((r) => r.f_status), ['failed', 'failed', 'failed'], rows.map((r) => r.f_reason).join(' | '));
  // Nothing is left running on the host.
  const tasks = (await post(fed.host.url, '/v1/job/task/query', { job_id: jobId })).body.data as Record<string, any>[];
  for (let i = 0; i < 100 && tasks.some((x) => x.f_status === 'running'); i++) await sleep(100);
  const after = (await post(fed.host.url, '/v1/job/task/query', { job_id: jobId })).body.data as Record<string, any>[];
  assert.ok(after.every((x) => x.f_status !== 'running'), JSON.stringify(after.map((x) => [x.f_component_name, x.f_status])));
});

t('the initiator silent (SIGSTOP) beyond party_timeout, then back: host and arbiter fail on their own, and the guest ends failed too (not canceled)', async () => {
  const submit = await post(fed.guest.url, '/v1/job/submit', { job_dsl: example('hetero_lr_dsl.json'), job_runtime_conf: longJobConf(PARTY_TIMEOUT_S) });
  assert.is(submit.body.retcode, 0, submit.body.retmsg);
  const jobId = submit.body.jobId as string;
  await runningOn(Object.values(fed), jobId, 'hetero_lr_0');
  const guest = fed.guest.process!.child;
  guest.kill('SIGSTOP');
  try {
    for (const role of ['host', 'arbiter'] as RoleName[]) {
      const row = await waitForJob(fed[role].url, jobId, (PARTY_TIMEOUT_S + 10) * 1000, 100);
      assert.is(row.f_status, 'failed', role);
      assert.match(String(row.f_reason), /party guest 9999 unreachable since .*\(party_timeout 4 s\)/, role);
    }
  } finally {
    guest.kill('SIGCONT');
  }
  const row = await waitForJob(fed.guest.url, jobId, 30_000, 100);
  assert.is(row.f_status, 'failed', String(row.f_reason));
  assert.match(String(row.f_reason), /unreachable since/);
});

t.run();

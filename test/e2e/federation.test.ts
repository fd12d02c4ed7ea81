// The acceptance federation: three real node processes on 127.0.0.1 (guest 9999, host 10000,
// arbiter 10001) with their own data dirs, gRPC ports and certificates from `certs init`. The
// examples' cluster hetero LR job runs to success on every node (plaintext, and standard Paillier with
// the arbiter's dealt obfuscators crossing nodes); stop at the guest stops the tasks
// on all three within 2 s; a host SIGKILLed mid-job and restarted ends the job failed everywhere.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { FIXTURE_EXAMPLES } from '../support/fixtures.js';
import { post, tempDir, waitForJob } from '../support/http.js';
import { startFederation, startPartyNode, type Federation, type PartySetup, type RoleName } from '../support/federation.js';

const dir = tempDir('federation');
let fed: Federation;
let setups: Record<RoleName, PartySetup>;
const example = (file: string) => JSON.parse(readFileSync(join(FIXTURE_EXAMPLES, 'cluster', file), 'utf8'));
const dsl = example('hetero_lr_dsl.json');
const t = suite('e2e: a three-process federation with mutual TLS');

function conf(encrypt: unknown, maxIter: number): Record<string, any> {
  const c = example('hetero_lr_conf.json');
  c.algorithm_parameters.hetero_lr_0.encrypt_param = encrypt;
  c.algorithm_parameters.hetero_lr_0.max_iter = maxIter;
  return c;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function tasksOf(role: RoleName, jobId: string): Promise<Record<string, any>[]> {
  const r = await post(fed[role].url, '/v1/job/task/query', { job_id: jobId });
  return (r.body.data ?? []) as Record<string, any>[];
}

async function waitUntilRunningEverywhere(jobId: string, component: string): Promise<void> {
  for (const deadline = Date.now() + 120_000; Date.now() < deadline; await sleep(25)) {
    const all = await Promise.all((['guest', 'host', 'arbiter'] as RoleName[]).map((r) => tasksOf(r, jobId)));
    if (all.every((tasks) => tasks.some((x) => x.f_component_name === component && x.f_status === 'running'))) return;
  }
  throw new Error(`${component} never ran on all three nodes`);
}

t.before(async () => {
  ({ nodes: fed, setups } = await startFederation({ dir, processes: true }));
  for (const [role, file] of [['guest', 'upload_breast_hetero_guest.json'], ['host', 'upload_breast_hetero_host.json']] as const) {
    const r = await post(fed[role].url, '/v1/data/upload', example(file));
    assert.is(r.body.retcode, 0, r.body.retmsg);
    assert.is((await waitForJob(fed[role].url, r.body.jobId)).f_status, 'success');
  }
});
t.after(async () => {
  await Promise.all(Object.values(fed ?? {}).map((n) => n.close().catch(() => {})));
  rmSync(dir, { recursive: true, force: true });
});

t('the cluster hetero LR job (RSA intersection, plaintext LR) reaches success on every node', async () => {
  const submit = await post(fed.guest.url, '/v1/job/submit', { job_dsl: dsl, job_runtime_conf: conf({ method: null }, 5) });
  assert.is(submit.body.retcode, 0, submit.body.retmsg);
  const jobId = submit.body.jobId as string;
  for (const role of ['guest', 'host', 'arbiter'] as RoleName[]) {
    const row = await waitForJob(fed[role].url, jobId, 180_000, 50);
    assert.is(row.f_status, 'success', `${role}: ${row.f_reason}`);
    assert.is(row.f_role, role);
  }
  const evaluation = await post(fed.guest.url, '/v1/tracking/component/metric/all', { job_id: jobId, component_name: 'evaluation_0' });
  const auc = Object.fromEntries(evaluation.body.data.train.hetero_lr_0.data as [string, number][]).auc;
  assert.ok(auc > 0.95, `auc ${auc}`);
  const loss = await post(fed.arbiter.url, '/v1/tracking/component/metric_data', { job_id: jobId, component_name: 'hetero_lr_0', role: 'arbiter', party_id: 10001, metric_namespace: 'train', metric_name: 'loss' });
  assert.is(loss.body.data.length, 5);
  // The host's output rows are on the host's node only.
  const hostOut = await post(fed.guest.url, '/v1/tracking/component/output/data', { job_id: jobId, component_name: 'dataio_0', role: 'host', party_id: 10000 });
  assert.ok(hostOut.body.retcode !== 0 || !hostOut.body.data?.length, JSON.stringify(hostOut.body).slice(0, 300));
  const hostOutThere = await post(fed.host.url, '/v1/tracking/component/output/data', { job_id: jobId, component_name: 'dataio_0', role: 'host', party_id: 10000 });
  assert.is(hostOutThere.body.retcode, 0, hostOutThere.body.retmsg);
  assert.ok(hostOutThere.body.data.length > 0);
});

t('the cluster hetero LR job with standard Paillier 1024 (obfuscators dealt by the arbiter over gRPC) reaches success with the plaintext losses', async () => {
  const losses: number[][] = [];
  for (const encrypt of [{ method: 'Paillier', key_length: 1024 }, { method: null }]) {
    const submit = await post(fed.guest.url, '/v1/job/submit', { job_dsl: dsl, job_runtime_conf: conf(encrypt, 3) });
    assert.is(submit.body.retcode, 0, submit.body.retmsg);
    const jobId = submit.body.jobId as string;
    for (const role of ['guest', 'host', 'arbiter'] as RoleName[]) {
      const row = await waitForJob(fed[role].url, jobId, 180_000, 50);
      assert.is(row.f_status, 'success', `${role}: ${row.f_reason}`);
    }
    const loss = await post(fed.arbiter.url, '/v1/tracking/component/metric_data', { job_id: jobId, component_name: 'hetero_lr_0', role: 'arbiter', party_id: 10001, metric_namespace: 'train', metric_name: 'loss' });
    losses.push((loss.body.data as [number, number][]).map(([, v]) => v));
  }
  assert.is(losses[0]!.length, 3);
  losses[0]!.forEach((l, i) => assert.ok(Math.abs(l - losses[1]![i]!) < 1e-6, `loss ${i}: ${l} vs ${losses[1]![i]}`));
});

t('/v1/job/stop at the guest stops the tasks on all three nodes within 2 s', async () => {
  const submit = await post(fed.guest.url, '/v1/job/submit', { job_dsl: dsl, job_runtime_conf: conf({ method: 'Paillier', key_length: 1024 }, 30) });
  assert.is(submit.body.retcode, 0, submit.body.retmsg);
  const jobId = submit.body.jobId as string;
  await waitUntilRunningEverywhere(jobId, 'hetero_lr_0');
  const started = Date.now();
  const stop = await post(fed.guest.url, '/v1/job/stop', { job_id: jobId });
  assert.equal(stop.body, { retcode: 0, retmsg: 'kill job success' });
  let stoppedAfter = -1;
  for (const deadline = started + 5000; Date.now() < deadline; await sleep(20)) {
    const all = await Promise.all((['guest', 'host', 'arbiter'] as RoleName[]).map((r) => tasksOf(r, jobId)));
    if (all.every((tasks) => tasks.length > 0 && tasks.every((x) => x.f_status !== 'running'))) {
      stoppedAfter = Date.now() - started;
      break;
    }
  }
  assert.ok(stoppedAfter >= 0 && stoppedAfter <= 2000, `tasks stopped after ${stoppedAfter} ms`);
  for (const role of ['guest', 'host', 'arbiter'] as RoleName[]) {
    const row = await waitForJob(fed[role].url, jobId, 5000, 20);
    assert.is(row.f_status, 'canceled', `${role}: ${row.f_status}`);
  }
});

t('a host SIGKILLed mid-job and restarted: the job ends failed on all three parties', async () => {
  const submit = await post(fed.guest.url, '/v1/job/submit', { job_dsl: dsl, job_runtime_conf: conf({ method: 'Paillier', key_length: 1024 }, 30) });
  assert.is(submit.body.retcode, 0, submit.body.retmsg);
  const jobId = submit.body.jobId as string;
  await waitUntilRunningEverywhere(jobId, 'hetero_lr_0');
  await fed.host.process!.kill('SIGKILL');
  await sleep(300);
  fed.host = await startPartyNode(setups.host, true);
  for (const role of ['guest', 'host', 'arbiter'] as RoleName[]) {
    const row = await waitForJob(fed[role].url, jobId, 30_000, 50);
    assert.is(row.f_status, 'failed', `${role}: ${row.f_status}`);
    if (role !== 'guest') assert.match(String(row.f_reason), /node restarted while the task ran/);
  }
  const hostTasks = await tasksOf('host', jobId);
  assert.ok(hostTasks.every((x) => x.f_status !== 'running'));
});

t.run();

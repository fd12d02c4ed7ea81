// /metrics in cluster mode: three nodes run an encrypted hetero LR job, and the counters move —
// gRPC calls by side, method, peer and outcome with their bytes and latency, Paillier operations
// (they run in task workers, so the shared counters are what is tested), event-append latency —
// then, with the arbiter down, a submit's createJob waits in the guest's outbox (depth per peer)
// and is retried (retries per peer) until it is given up.
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { FIXTURE_EXAMPLES } from '../../support/fixtures.js';
import { post, tempDir, waitForJob } from '../../support/http.js';
import { startFederation, type Federation } from '../../support/federation.js';

const dir = tempDir('fed-metrics');
let fed: Federation;
const example = (file: string) => JSON.parse(readFileSync(join(FIXTURE_EXAMPLES, 'cluster', file), 'utf8'));
const t = suite('metrics: gRPC, outbox, Paillier, event appends');

const scrape = async (url: string): Promise<string> => (await fetch(`${url}/metrics`)).text();
/** The value of one series (labels in the order prom-client prints them), 0 when absent. */
const value = (text: string, series: string): number => {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : 0;
};

t.before(async () => {
  ({ nodes: fed } = await startFederation({ dir, insecure: true }));
  for (const [role, file] of [['guest', 'upload_breast_hetero_guest.json'], ['host', 'upload_breast_hetero_host.json']] as const) {
    const r = await post(fed[role].url, '/v1/data/upload', example(file));
    assert.is((await waitForJob(fed[role].url, r.body.jobId)).f_status, 'success');
  }
});
t.after(async () => {
  await Promise.all(Object.values(fed ?? {}).map((n) => n.close().catch(() => {})));
  rmSync(dir, { recursive: true, force: true });
});

t('an encrypted job moves the gRPC, Paillier and append metrics on every node', async () => {
  const before = await scrape(fed.guest.url);
  const conf = example('hetero_lr_conf.json');
  conf.algorithm_parameters.hetero_lr_0.encrypt_param = { method: 'Paillier', key_length: 512 };
  conf.algorithm_parameters.hetero_lr_0.max_iter = 2;
  const submit = await post(fed.guest.url, '/v1/job/submit', { job_dsl: example('hetero_lr_dsl.json'), job_runtime_conf: conf });
  assert.is(submit.body.retcode, 0, submit.body.retmsg);
  for (const role of ['guest', 'host', 'arbiter'] as const) assert.is((await waitForJob(fed[role].url, submit.body.jobId, 180_000)).f_status, 'success', role);

  const guest = await scrape(fed.guest.url);
  const host = await scrape(fed.host.url);
  // The guest created the job on the host and the arbiter; the host received it from the guest.
  assert.ok(value(guest, 'fedflow_grpc_messages_total{side="client",method="createJob",peer="10000",outcome="ok"}') >= 1, guest);
  assert.ok(value(guest, 'fedflow_grpc_messages_total{side="client",method="createJob",peer="10001",outcome="ok"}') >= 1);
  assert.ok(value(host, 'fedflow_grpc_messages_total{side="server",method="createJob",peer="9999",outcome="ok"}') >= 1, host);
  assert.ok(value(guest, 'fedflow_grpc_message_bytes_total{side="client",method="createJob",peer="10000"}') > 200, 'createJob carries the DSL and conf');
  // The data plane: encrypted gradients and losses are pushed between the parties.
  assert.ok(value(guest, 'fedflow_grpc_messages_total{side="client",method="push",peer="10001",outcome="ok"}') >= 2);
  assert.ok(value(host, 'fedflow_grpc_message_bytes_total{side="server",method="push",peer="9999"}') > 1000);
  assert.ok(value(guest, 'fedflow_grpc_message_duration_seconds_count{side="client",method="push"}') >= 2);
  // Paillier ran in the task workers (per process: the three nodes share it here).
  for (const op of ['encrypt', 'decrypt', 'add']) {
    const moved = value(guest, `fedflow_paillier_operations_total{op="${op}"}`) - value(before, `fedflow_paillier_operations_total{op="${op}"}`);
    assert.ok(moved > 0, `${op} did not move`);
  }
  assert.ok(value(guest, 'fedflow_paillier_seconds_total{op="encrypt"}') > value(before, 'fedflow_paillier_seconds_total{op="encrypt"}'));
  // Every event of the job was appended through the timed store.
  assert.ok(value(guest, 'fedflow_event_append_duration_seconds_count') > value(before, 'fedflow_event_append_duration_seconds_count'));
  assert.ok(value(guest, 'fedflow_events_appended_total') > value(before, 'fedflow_events_appended_total'));
  assert.match(guest, /fedflow_event_append_duration_seconds_bucket\{le="0.001"\}/);
  // After the job the parties still exchange their signed receipts through the outbox; it drains.
  let depth = value(guest, 'fedflow_outbox_depth{peer="10001"}');
  for (const until = Date.now() + 20_000; depth !== 0 && Date.now() < until; ) {
    await new Promise((r) => setTimeout(r, 200));
    depth = value(await scrape(fed.guest.url), 'fedflow_outbox_depth{peer="10001"}');
  }
  assert.is(depth, 0);
});

t('with the arbiter down, createJob waits in the outbox (depth per peer) and is retried', async () => {
  await fed.arbiter.close();
  // What already waits for the arbiter (the last job's receipts, if the first test's wait ran out).
  const queuedBefore = value(await scrape(fed.guest.url), 'fedflow_outbox_depth{peer="10001"}');
  const conf = example('hetero_lr_conf.json');
  conf.algorithm_parameters.hetero_lr_0.encrypt_param = { method: null };
  const submitted = post(fed.guest.url, '/v1/job/submit', { job_dsl: example('hetero_lr_dsl.json'), job_runtime_conf: conf });
  let depth = 0;
  let done = false;
  void submitted.finally(() => (done = true));
  while (!done) {
    depth = Math.max(depth, value(await scrape(fed.guest.url), 'fedflow_outbox_depth{peer="10001"}'));
    await new Promise((r) => setTimeout(r, 50));
  }
  const answer = await submitted;
  assert.is.not(answer.body.retcode, 0, 'the submit cannot succeed without the arbiter');
  assert.match(answer.body.retmsg, /10001/);
  assert.ok(depth >= queuedBefore + 1, 'the outbox never held the command for the arbiter');
  const after = await scrape(fed.guest.url);
  assert.ok(value(after, 'fedflow_outbox_retries_total{peer="10001",kind="createJob"}') >= 1, after);
  assert.ok(value(after, 'fedflow_grpc_messages_total{side="client",method="createJob",peer="10001",outcome="unreachable"}') >= 1);
  // Given up: it left the outbox (anything queued before it may still wait for the arbiter).
  assert.ok(value(after, 'fedflow_outbox_depth{peer="10001"}') <= queuedBefore, after);
});

t.run();

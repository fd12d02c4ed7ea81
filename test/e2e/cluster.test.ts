// Cluster mode with three nodes in this process (guest 9999, host 10000, arbiter 10001, mutual
// TLS): the examples' cluster hetero LR job (plaintext maths, few iterations) runs across the
// nodes; each node's own row reaches success; tracking answers for each node's role; a peer that
// is down at submit gives retcode 100 naming it; work modes are checked.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { buildConfig } from '../../src/config.js';
import { startNode } from '../../src/main.js';
import { redriveLog } from '../../src/eventSourcing/redriveLog.js';
import { EVENTS_FILE } from '../../src/store/openEventStore.js';
import { SqliteEventStore } from '../../src/store/sqlite/sqliteEventStore.js';
import { FIXTURE_EXAMPLES } from '../support/fixtures.js';
import { post, tempDir, waitForJob } from '../support/http.js';
import { startFederation, type Federation } from '../support/federation.js';
import { partyCertPaths, readPartyCerts } from '../../src/federation/certs.js';
import { GrpcTransport } from '../../src/federation/grpcTransport.js';
import { loadRouteTable } from '../../src/federation/routeTable.js';
import { makeHeader } from '../../src/federation/commands.js';
import { receiptSigner, type SignedReceipt } from '../../src/federation/receipts/receipt.js';
import { run } from '../cli/helpers.js';

const dir = tempDir('cluster');
let fed: Federation;
const example = (file: string) => JSON.parse(readFileSync(join(FIXTURE_EXAMPLES, 'cluster', file), 'utf8'));
const t = suite('e2e: three cluster nodes in one process');
/** The hetero LR job of the first test (the receipts test audits it). */
let trainedJobId = '';

t.before(async () => {
  fed = (await startFederation({ dir })).nodes;
  for (const [node, file] of [[fed.guest, 'upload_breast_hetero_guest.json'], [fed.host, 'upload_breast_hetero_host.json']] as const) {
    const r = await post(node.url, '/v1/data/upload', example(file));
    assert.is(r.body.retcode, 0, r.body.retmsg);
    assert.is((await waitForJob(node.url, r.body.jobId)).f_status, 'success');
  }
});
t.after(async () => {
  await Promise.all(Object.values(fed ?? {}).map((n) => n.close()));
  rmSync(dir, { recursive: true, force: true });
});

export function lightConf(maxIter = 3): Record<string, any> {
  const conf = example('hetero_lr_conf.json');
  conf.algorithm_parameters.hetero_lr_0.encrypt_param = { method: null };
  conf.algorithm_parameters.hetero_lr_0.max_iter = maxIter;
  conf.algorithm_parameters.intersection_0.intersect_method = 'raw';
  return conf;
}

t('the cluster hetero LR job succeeds on every node, each answering for its own role', async () => {
  const submit = await post(fed.guest.url, '/v1/job/submit', { job_dsl: example('hetero_lr_dsl.json'), job_runtime_conf: lightConf() });
  assert.is(submit.body.retcode, 0, submit.body.retmsg);
  const jobId = submit.body.jobId as string;
  trainedJobId = jobId;
  for (const [role, node] of Object.entries(fed)) {
    const row = await waitForJob(node.url, jobId, 120_000, 50);
    assert.is(row.f_status, 'success', `${role}: ${row.f_reason}`);
    assert.is(row.f_role, role);
    assert.is(row.f_party_id, node.partyId);
    assert.is(row.f_is_initiator, role === 'guest' ? 1 : 0);
  }
  const evaluation = await post(fed.guest.url, '/v1/tracking/component/metric/all', { job_id: jobId, component_name: 'evaluation_0', role: 'guest', party_id: 9999 });
  assert.is(evaluation.body.retcode, 0, evaluation.body.retmsg);
  const auc = Object.fromEntries(evaluation.body.data.train.hetero_lr_0.data as [string, number][]).auc;
  assert.ok(auc > 0.9, `auc ${auc}`);
  const loss = await post(fed.arbiter.url, '/v1/tracking/component/metric_data', { job_id: jobId, component_name: 'hetero_lr_0', role: 'arbiter', party_id: 10001, metric_namespace: 'train', metric_name: 'loss' });
  assert.is(loss.body.retcode, 0, loss.body.retmsg);
  assert.is(loss.body.data.length, 3);
  const hostTasks = await post(fed.host.url, '/v1/job/task/query', { job_id: jobId });
  assert.ok(hostTasks.body.data.length >= 3, JSON.stringify(hostTasks.body));
  assert.ok(hostTasks.body.data.every((task: any) => task.f_role === 'host' && task.f_status === 'success'));
  // The initiator lists every party's tasks, as FATE's does (each party's node only its own).
  const all = (await post(fed.guest.url, '/v1/job/task/query', { job_id: jobId })).body.data as any[];
  const byParty = (role: string) => all.filter((x) => x.f_role === role).map((x) => `${x.f_component_name}:${x.f_status}`).sort();
  assert.equal(byParty('host'), ['dataio_0:success', 'evaluation_0:success', 'hetero_lr_0:success', 'intersection_0:success'], 'the host runs evaluation_0 (need_run false) as a pass-through, as FATE does');
  assert.equal(byParty('arbiter'), ['hetero_lr_0:success']);
  assert.equal(byParty('guest'), ['dataio_0:success', 'evaluation_0:success', 'hetero_lr_0:success', 'intersection_0:success']);
  assert.ok(all.filter((x) => x.f_role === 'host').every((x) => x.f_run_ip === `127.0.0.1:${fed.host.grpcPort}`));
  // Audit: each node's timeline tells its party's story in order, each step with its actor; the
  // job came from the client at the initiator, and elsewhere from that client through the initiator's party.
  for (const [role, node] of Object.entries(fed)) {
    const timeline = await post(node.url, '/v1/audit/job/timeline', { job_id: jobId });
    assert.is(timeline.body.retcode, 0, timeline.body.retmsg);
    const own = (timeline.body.data.timeline as any[]).filter((s) => s.party === `${role} ${node.partyId}`);
    assert.is(own[0].event, 'JobCreated', role);
    // Elsewhere: the initiator's party (proven by its certificate), vouching for the client that submitted.
    assert.is(own[0].actor, role === 'guest' ? 'client 127.0.0.1' : 'client 127.0.0.1 at party 9999', role);
    assert.is(own.at(-1).event, 'JobSucceeded', role);
    assert.ok(own.every((s) => s.actor !== 'unknown'), role);
    assert.ok(own.some((s) => s.event === 'TaskSucceeded' && typeof s.duration_ms === 'number'), role);
  }
  // Every decision each party's actors recorded re-drives through today's deciders (replay --check).
  for (const [role, node] of Object.entries(fed)) {
    const log = SqliteEventStore.open(join(dir, `party-${node.partyId}`, EVENTS_FILE), { readOnly: true });
    try {
      const r = await redriveLog(log);
      assert.ok(r.redriven > 5 && r.different === 0 && r.notRedrivable === 0, `${role}: ${JSON.stringify({ ...r, differences: r.differences.slice(0, 2) })}`);
    } finally {
      await log.close();
    }
  }
});

/** Polls /v1/audit/job/receipts at a node until the parties' receipts agree there. */
async function agreedReceipts(url: string, jobId: string): Promise<any> {
  for (const deadline = Date.now() + 30_000; ; await new Promise((r) => setTimeout(r, 50))) {
    const r = await post(url, '/v1/audit/job/receipts', { job_id: jobId });
    if (r.body.retcode === 0 && r.body.data.agreed && r.body.data.receipts.length === 3) return r.body.data;
    assert.ok(Date.now() < deadline, `receipts never agreed at ${url}: ${JSON.stringify(r.body)}`);
  }
}

t('receipts: each party signs one, the initiator shares the set, every node verifies all three against the CA; forged ones are refused', async () => {
  const jobId = trainedJobId;
  assert.ok(jobId, 'the hetero LR job ran');
  for (const [role, node] of Object.entries(fed)) {
    const report = await agreedReceipts(node.url, jobId);
    assert.equal(report.parties, ['10000', '10001', '9999'], role);
    assert.ok(report.same_dsl && report.same_conf && report.same_outcome, role);
    for (const x of report.receipts) {
      assert.ok(x.signature_valid && x.proven, `${role}: ${x.party_id} ${x.reason}`);
      assert.ok(Number(x.chain_head.position) > 0 && /^[0-9a-f]{64}$/.test(x.chain_head.hash), role);
    }
    const byParty = Object.fromEntries(report.receipts.map((x: any) => [x.party_id, x]));
    assert.equal(byParty['9999'].roles, { guest: 'success' });
    assert.equal(byParty['10000'].roles, { host: 'success' });
    // Each party's receipt carries the digest of the model it saved (the guest's as in its own log).
    assert.match(byParty['9999'].models.guest, /^[0-9a-f]{64}$/);
    assert.match(byParty['10000'].models.host, /^[0-9a-f]{64}$/);
  }
  const guestModel = (await post(fed.guest.url, '/v1/audit/events', { job_id: jobId, event_types: ['PipelineModelSaved'] })).body.data.events[0].data.sha256;
  assert.is((await agreedReceipts(fed.arbiter.url, jobId)).receipts.find((x: any) => x.party_id === '9999').models.guest, guestModel, 'the arbiter holds the guest\'s model digest, signed');
  // The set reached the other parties from the initiator, who recorded sharing it once.
  const hostEvents = (await post(fed.host.url, '/v1/audit/events', { job_id: jobId, event_types: ['JobReceiptRecorded'] })).body.data.events as any[];
  assert.equal(hostEvents.map((e) => [e.data.partyId, e.data.receivedFrom]).sort(), [['10000', '10000'], ['10001', '9999'], ['9999', '9999']]);
  const shared = (await post(fed.guest.url, '/v1/audit/events', { job_id: jobId, event_types: ['JobReceiptsShared'] })).body.data.events as any[];
  assert.is(shared.length, 1);
  // `fedflow audit job` at the host: every signature checked, agreed, exit 0.
  const cli = await run(['audit', 'job', '-j', jobId, '--server', fed.host.url]);
  assert.is(cli.code, 0, cli.stderr);
  assert.match(cli.stdout, /AGREED: all 3 parties signed: same DSL and conf, outcome success/);
  assert.match(cli.stdout, /party 10001 +signature ok \(CA\); arbiter success/);

  // Forgeries, sent to the initiator over a real mutual-TLS link with the host's own certificate.
  const hostTls = readPartyCerts(partyCertPaths(join(dir, 'certs'), '10000'));
  const transport = new GrpcTransport(loadRouteTable(join(dir, 'route_table.json')), hostTls);
  const deliver = (receipts: SignedReceipt[]) =>
    transport.send({ kind: 'deliverReceipts', request: { header: makeHeader({ source: '10000', destination: '9999', jobId }), receipts } }, 5000);
  try {
    const recorded = (await post(fed.guest.url, '/v1/audit/events', { job_id: jobId, event_types: ['JobReceiptRecorded'] })).body.data.events as any[];
    const original = (party: string): SignedReceipt => {
      const d = recorded.find((e) => e.data.partyId === party).data;
      return { payload: d.payload, signature: d.signature, signer: d.signer };
    };
    const host = original('10000');
    // 1. The host's receipt, its outcome changed after signing.
    const altered = await deliver([{ ...host, payload: host.payload.replace('"host":"success"', '"host":"failed"') }]);
    assert.is(altered.retcode, 100);
    assert.match(altered.retmsg, /receipt of party 10000: the signature does not match the receipt/);
    // 2. A receipt in the arbiter's name, signed with the host's key and certificate.
    const asArbiter = receiptSigner({ privateKeyPem: hostTls.key, certificatePem: hostTls.cert })(JSON.parse(original('10001').payload));
    const impersonation = await deliver([asArbiter]);
    assert.is(impersonation.retcode, 100);
    assert.match(impersonation.retmsg, /party 10000 may send only its own receipt/);
    // 3. The host signs a second, different story about itself: its first receipt stands.
    const second = receiptSigner({ privateKeyPem: hostTls.key, certificatePem: hostTls.cert })({ ...JSON.parse(host.payload), roles: { host: 'failed' } });
    const changedMind = await deliver([second]);
    assert.is(changedMind.retcode, 100);
    assert.match(changedMind.retmsg, /party 10000 already gave a different receipt/);
  } finally {
    transport.close();
  }
  const after = await agreedReceipts(fed.guest.url, jobId);
  assert.is(after.receipts.length, 3, 'nothing forged was recorded');
});

t('progress reaches the other parties; /v1/job/stop at the host stops the job on every party', async () => {
  const conf = lightConf(30);
  conf.algorithm_parameters.hetero_lr_0.encrypt_param = { method: 'Paillier', key_length: 1024 };
  const submit = await post(fed.guest.url, '/v1/job/submit', { job_dsl: example('hetero_lr_dsl.json'), job_runtime_conf: conf });
  assert.is(submit.body.retcode, 0, submit.body.retmsg);
  const jobId = submit.body.jobId as string;
  for (const deadline = Date.now() + 60_000; ; await new Promise((r) => setTimeout(r, 25))) {
    assert.ok(Date.now() < deadline, 'hetero_lr_0 never ran on the host');
    const tasks = (await post(fed.host.url, '/v1/job/task/query', { job_id: jobId })).body.data ?? [];
    if (tasks.some((x: any) => x.f_component_name === 'hetero_lr_0' && x.f_status === 'running')) break;
  }
  // The initiator's progress reaches the host's own row (it is synced, not computed there).
  let hostRow = (await post(fed.host.url, '/v1/job/query', { job_id: jobId })).body.data[0];
  for (let i = 0; i < 100 && hostRow.f_progress < 50; i++) {
    await new Promise((r) => setTimeout(r, 20));
    hostRow = (await post(fed.host.url, '/v1/job/query', { job_id: jobId })).body.data[0];
  }
  assert.ok(hostRow.f_progress >= 50, `host progress ${hostRow.f_progress}`);
  const stop = await post(fed.host.url, '/v1/job/stop', { job_id: jobId });
  assert.is(stop.body.retcode, 0, stop.body.retmsg);
  for (const [role, node] of Object.entries(fed)) {
    const row = await waitForJob(node.url, jobId, 5000, 20);
    assert.is(row.f_status, 'canceled', `${role}: ${row.f_reason}`);
    // Every party acknowledged the stop on its own node, naming the task it stopped.
    assert.match(row.f_reason, /; stop acknowledged: /, `${role}: ${row.f_reason}`);
    assert.ok(String(row.f_reason).includes(`tasks ${jobId}_hetero_lr_0 stopped`), `${role}: ${row.f_reason}`);
    const tasks = (await post(node.url, '/v1/job/task/query', { job_id: jobId })).body.data as any[];
    for (let i = 0; i < 100 && tasks.some((x) => x.f_status === 'running'); i++) {
      await new Promise((r) => setTimeout(r, 20));
      tasks.splice(0, tasks.length, ...((await post(node.url, '/v1/job/task/query', { job_id: jobId })).body.data as any[]));
    }
    assert.ok(tasks.every((x) => x.f_status !== 'running'), `${role}: ${JSON.stringify(tasks.map((x) => [x.f_component_name, x.f_status]))}`);
  }
  // Audit: the stop was asked by a client at the host. At the initiator every step of the stop
  // names that client, through the host's (certificate-proven) party — the host's report of its
  // stopped task, the guest's own acknowledgement and its cancel — never the guest's scheduler.
  const byHostClient = 'client 127.0.0.1 at party 10000';
  const steps = (await post(fed.guest.url, '/v1/audit/job/timeline', { job_id: jobId })).body.data.timeline as any[];
  const step = (party: string, event: string) => steps.find((s) => s.party === party && s.event === event);
  assert.is(step('host 10000', 'TaskFailed')?.actor, byHostClient, 'the host reported its stopped task');
  assert.is(step('guest 9999', 'JobStopAcknowledged')?.actor, byHostClient, 'the guest acknowledged the stop');
  assert.is(step('guest 9999', 'JobCanceled')?.actor, byHostClient, 'the guest canceled the job');
  assert.not.ok(steps.some((s) => /^Job(StopAcknowledged|Canceled)$/.test(s.event) && s.actor.startsWith('node ')), JSON.stringify(steps.filter((s) => s.event.startsWith('Job'))));
  // At the host the stop is its client's own; the arbiter hears of it through the initiator.
  const hostSteps = (await post(fed.host.url, '/v1/audit/job/timeline', { job_id: jobId })).body.data.timeline as any[];
  assert.is(hostSteps.find((s) => s.event === 'JobCanceled')?.actor, 'client 127.0.0.1');
  const arbiterSteps = (await post(fed.arbiter.url, '/v1/audit/job/timeline', { job_id: jobId })).body.data.timeline as any[];
  assert.is(arbiterSteps.find((s) => s.event === 'JobCanceled')?.actor, 'client 127.0.0.1 at party 10000 via party 9999');
  // The canceled job's receipts agree too: every party signed "canceled".
  assert.match((await agreedReceipts(fed.arbiter.url, jobId)).verdict, /outcome canceled$/);
});

t('work modes: a work_mode 0 job on a cluster node and a work_mode 1 job on a standalone node are refused', async () => {
  const conf = lightConf();
  conf.job_parameters.work_mode = 0;
  const r = await post(fed.guest.url, '/v1/job/submit', { job_dsl: example('hetero_lr_dsl.json'), job_runtime_conf: conf });
  assert.is(r.body.retcode, 100);
  assert.match(r.body.retmsg, /standalone mode job \(work_mode 0\) submitted to a cluster server/);
  const standalone = await startNode(buildConfig({ httpPort: 0, dataDir: join(dir, 'standalone'), logLevel: 'silent' }));
  try {
    const c = await post(standalone.url, '/v1/job/submit', { job_dsl: example('hetero_lr_dsl.json'), job_runtime_conf: lightConf() });
    assert.equal([c.body.retcode, c.body.retmsg], [100, 'server run on standalone can not support cluster mode job']);
  } finally {
    await standalone.close();
  }
});

t('a job whose initiator is another party is refused at this node', async () => {
  const conf = lightConf();
  conf.initiator.party_id = 10000;
  conf.initiator.role = 'host';
  const r = await post(fed.guest.url, '/v1/job/submit', { job_dsl: example('hetero_lr_dsl.json'), job_runtime_conf: conf });
  assert.is(r.body.retcode, 100);
  assert.match(r.body.retmsg, /initiator party 10000 is not the party of this node \(9999\)/);
});

t('a party down at submit: retcode 100 naming party and address; canceled where it was accepted', async () => {
  const arbiterPort = fed.arbiter.grpcPort;
  await fed.arbiter.close();
  const r = await post(fed.guest.url, '/v1/job/submit', { job_dsl: example('hetero_lr_dsl.json'), job_runtime_conf: lightConf() });
  assert.is(r.body.retcode, 100);
  assert.match(r.body.retmsg, /an error occurred while creating the job: role arbiter party_id 10001/);
  assert.match(r.body.retmsg, new RegExp(`party 10001 at 127\\.0\\.0\\.1:${arbiterPort} is unreachable`));
  // The host had accepted the job: it is canceled there, with the reason.
  const canceled = await post(fed.host.url, '/v1/job/query', { status: 'canceled' });
  assert.is(canceled.body.retcode, 0, canceled.body.retmsg);
  const rows = (canceled.body.data as any[]).filter((x) => /job creation failed on arbiter 10001/.test(x.f_reason));
  assert.is(rows.length, 1, JSON.stringify(canceled.body.data.map((x: any) => x.f_reason)));
});

t.run();

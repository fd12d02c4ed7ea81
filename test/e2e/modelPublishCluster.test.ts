// /v1/model/load and bind in cluster mode: guest 9999 and host 10000 as two node processes (mutual
// TLS), each with its own FATE-Serving. The load at the guest reaches the host's node over
// PartyService.LoadModel, and the host's node publishes to ITS serving.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { rmSync } from 'node:fs';
import { startFakeServing, type FakeServing } from '../support/fakeServing.js';
import { prepareFederation, startPartyNode, type FederationNode } from '../support/federation.js';
import { post, tempDir } from '../support/http.js';

const dir = tempDir('publish-cluster');
const modelId = 'arbiter-10001#guest-9999#host-10000#model';
const modelVersion = '2026112708000000000001';
const load = (role: Record<string, string[]> = { guest: ['9999'], host: ['10000'], arbiter: ['10001'] }) => ({
  initiator: { party_id: '9999', role: 'guest' }, role, job_parameters: { work_mode: 1, model_id: modelId, model_version: modelVersion },
});
const SUCCESS = { retcode: 0, retmsg: 'success' };

let guestServing: FakeServing;
let hostServing: FakeServing;
let guest: FederationNode;
let host: FederationNode;

const t = suite('e2e: model load and bind across two cluster nodes');
t.before(async () => {
  guestServing = await startFakeServing();
  hostServing = await startFakeServing();
  const setups = await prepareFederation({ dir, processes: true });
  const withServing = (setup: typeof setups.guest, address: string) => ({ ...setup, env: { ...setup.env, FEDFLOW_SERVINGS: address } });
  [guest, host] = await Promise.all([
    startPartyNode(withServing(setups.guest, guestServing.address), true),
    startPartyNode(withServing(setups.host, hostServing.address), true),
  ]);
});
t.before.each(() => {
  for (const s of [guestServing, hostServing]) {
    s.loads.length = 0;
    s.binds.length = 0;
    s.answer = { load: {}, bind: {} };
  }
});
t.after(async () => {
  await Promise.all([guest, host].map((n) => n?.close().catch(() => {})));
  await Promise.all([guestServing, hostServing].map((s) => s?.close()));
  rmSync(dir, { recursive: true, force: true });
});

t('load at the guest: each node publishes its own party\'s model to its own serving', async () => {
  const { body } = await post(guest.url, '/v1/model/load', load());
  assert.equal(body, {
    data: { guest: { 9999: 0 }, host: { 10000: 0 }, detail: { guest: { 9999: SUCCESS }, host: { 10000: SUCCESS } } },
    jobId: body.jobId, retcode: 0, retmsg: 'success',
  });
  assert.equal(guestServing.loads.map((r) => r.local), [{ role: 'guest', partyId: '9999' }]);
  assert.equal(hostServing.loads.map((r) => r.local), [{ role: 'host', partyId: '10000' }]);
  // The host's serving pulls the host's model from the host's node.
  assert.is(hostServing.loads[0]!.filePath, `${host.url}/v1/model/transfer`);
  assert.is(guestServing.loads[0]!.filePath, `${guest.url}/v1/model/transfer`);
  assert.equal(hostServing.loads[0]!.model.guest, { roleModelInfo: { 9999: { tableName: modelVersion, namespace: `guest#9999#${modelId}` } } });
  assert.equal(hostServing.loads[0]!.role, guestServing.loads[0]!.role);
});

t('load: the host\'s serving fails → 101 failed with the host node\'s answer in the detail', async () => {
  hostServing.answer.load = { statusCode: 1, message: 'load model error', error: 'transfer failed' };
  const { body } = await post(guest.url, '/v1/model/load', load());
  assert.is(body.retcode, 101);
  assert.is(body.retmsg, 'failed');
  assert.equal(body.data.host, { 10000: 1 });
  assert.equal(body.data.detail.host, { 10000: { retcode: 1, retmsg: 'load model error transfer failed' } });
});

t('load: a party whose node cannot be reached → 100 in the summary, no detail', async () => {
  const { body } = await post(guest.url, '/v1/model/load', load({ guest: ['9999'], host: ['10000', '10002'] }));
  assert.is(body.retcode, 101);
  assert.equal(body.data.host, { 10000: 0, 10002: 100 });
  assert.equal(body.data.detail.host, { 10000: SUCCESS });
});

t('load and bind must be asked at the initiator\'s node; bind stays local', async () => {
  assert.match((await post(host.url, '/v1/model/load', load())).body.retmsg, /initiator party 9999 is not the party of this node \(10000\)/);
  const bound = await post(guest.url, '/v1/model/bind', { service_id: 'breast-hetero-lr', ...load() });
  assert.equal(bound.body, { retcode: 0, retmsg: 'service id is breast-hetero-lr' });
  assert.is(guestServing.binds.length, 1);
  assert.is(hostServing.binds.length, 0);
});
t.run();

// FederatedSample against FATE 1.4.5's sampler.py: sizes (int(f·n), at least 1 for downsample),
// stratified per-label counts and metrics, upsample's renumbered keys, the hetero protocol (the
// guest sends the chosen ids and nothing else; the host keeps the same ids), FATE's messages.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { ComponentContext, PartyRef } from '../../../src/components/contract.js';
import type { DataTable, Instance } from '../../../src/tableData/dataTable.js';
import { federatedSample, sampleSettings } from '../../../src/components/federatedSample/federatedSample.js';
import { chooseIds, resample, rng, sampledTable } from '../../../src/components/federatedSample/sampling.js';
import { InProcessJob, componentInput, type RecordingTracker } from '../../support/inProcessFederation.js';

const t = suite('FederatedSample');

const N = 50;
const ids = Array.from({ length: N }, (_, i) => String(1000 + i));
/** Guest rows: label 1 for the first 30 ids, 0 for the other 20; host rows: 3 features, no label. */
const guestTable: DataTable<Instance> = { schema: { header: ['g0'], sid_name: 'id', label_name: 'y' }, rows: ids.map((id, i) => [id, { features: [i / 10], label: i < 30 ? 1 : 0 }]) };
const hostTable: DataTable<Instance> = { schema: { header: ['h0', 'h1', 'h2'], sid_name: 'id' }, rows: ids.map((id, i) => [id, { features: [i, -i, i * 2] }]) };

const roles = { guest: ['9999'], host: ['10000', '10001'] };

/** Runs guest and both hosts together; records every payload a party received. */
async function hetero(params: Record<string, unknown>) {
  const job = new InProcessJob();
  const received: { to: PartyRef; name: string; payload: unknown }[] = [];
  const ctx = (self: PartyRef): ComponentContext & { tracker: RecordingTracker } => {
    const c = job.context(self);
    const federation = {
      remote: c.federation.remote,
      get: async (name: string, tag: string, from: PartyRef) => {
        const payload = await c.federation.get(name, tag, from);
        received.push({ to: self, name, payload });
        return payload;
      },
    };
    return { ...c, federation };
  };
  const parties = [
    { role: 'guest', partyId: '9999', data: guestTable },
    { role: 'host', partyId: '10000', data: hostTable },
    { role: 'host', partyId: '10001', data: hostTable },
  ];
  const contexts = parties.map((p) => ctx({ role: p.role, partyId: p.partyId }));
  const outs = await Promise.all(parties.map((p, i) => federatedSample(componentInput({ module: 'FederatedSample', role: p.role, roles, params, data: { data: p.data } }), contexts[i]!)));
  return { outs: outs.map((o) => o.data as DataTable<Instance>), trackers: contexts.map((c) => c.tracker), received, job };
}

async function rejection(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

t('random downsample, hetero: int(0.3·50) = 15 guest rows, each host keeps exactly those ids; hosts receive only the id list', async () => {
  const { outs, trackers, received, job } = await hetero({ mode: 'random', method: 'downsample', fractions: 0.3, random_state: 7 });
  const [guest, host1, host2] = outs;
  assert.is(guest!.rows.length, 15);
  const chosen = guest!.rows.map(([k]) => k);
  assert.equal(host1!.rows.map(([k]) => k), chosen);
  assert.equal(host2!.rows.map(([k]) => k), chosen);
  assert.equal(host1!.rows[0]![1], hostTable.rows.find(([k]) => k === chosen[0])![1]);
  // Privacy: exactly one message per host, a list of ids — no label, no feature.
  assert.is(received.length, 2);
  for (const r of received) {
    assert.is(r.name, 'sample_ids');
    assert.ok(Array.isArray(r.payload) && (r.payload as unknown[]).every((x) => typeof x === 'string'));
    assert.equal([...(r.payload as string[])].sort(), [...chosen].sort());
  }
  assert.ok(job.sent.every((m) => m.from.role === 'guest'), 'hosts send nothing');
  for (const tr of trackers) assert.equal(tr.get('sample_count', 'random'), { data: [['count', 15]], meta: { name: 'sample_count', metric_type: 'SAMPLE_TEXT' } });
  // The same random_state gives the same ids.
  const again = await hetero({ mode: 'random', fractions: 0.3, random_state: 7 });
  assert.equal(again.outs[0]!.rows.map(([k]) => k), chosen);
});

t('stratified downsample: per label max(1, int(rate·n)) in the conf\'s label order; FATE\'s two metrics', async () => {
  const { outs, trackers } = await hetero({ mode: 'stratified', method: 'downsample', fractions: [[0, 0.5], [1, 0.1]], random_state: 3 });
  const guest = outs[0]!;
  assert.is(guest.rows.filter(([, v]) => v.label === 0).length, 10);
  assert.is(guest.rows.filter(([, v]) => v.label === 1).length, 3);
  assert.equal(outs[1]!.rows.map(([k]) => k), guest.rows.map(([k]) => k));
  assert.equal(trackers[0]!.get('sample_count', 'stratified'), { data: [[0, 10], [1, 3]], meta: { name: 'sample_count', metric_type: 'SAMPLE_TABLE' } });
  assert.equal(trackers[0]!.get('original_count', 'stratified').data, [[0, 20], [1, 30]]);
  assert.equal(trackers[1]!.names(), {}, 'a host logs no stratified counts (it never sees labels)');
});

t('upsample: keys become 0..m-1 (row i = the row of the i-th drawn id), hosts aligned row by row', async () => {
  const { outs } = await hetero({ mode: 'stratified', method: 'upsample', fractions: [[0, 1.5], [1, 1]], random_state: 11 });
  const [guest, host] = outs;
  assert.is(guest!.rows.length, 30 + 30);
  assert.equal(guest!.rows.map(([k]) => k).sort(), Array.from({ length: 60 }, (_, i) => String(i)).sort());
  // Row k on the host is the host row of the same original id as row k on the guest.
  const guestOrigin = new Map(guestTable.rows.map(([k, v]) => [v.features[0], k]));
  const hostOrigin = new Map(hostTable.rows.map(([k, v]) => [v.features[0], k]));
  const hostRows = new Map(host!.rows);
  for (const [k, v] of guest!.rows) assert.is(hostOrigin.get(hostRows.get(k)!.features[0]), guestOrigin.get(v.features[0]));
  assert.is(guest!.rows.filter(([, v]) => v.label === 0).length, 30);
});

t('homo: every party samples alone (nothing crosses)', async () => {
  const job = new InProcessJob();
  const out = await federatedSample(componentInput({ module: 'FederatedSample', role: 'host', roles, params: { task_type: 'homo', fractions: 0.2 }, data: { data: hostTable } }), job.context({ role: 'host', partyId: '10000' }));
  assert.is((out.data as DataTable).rows.length, 10);
  assert.is(job.sent.length, 0);
});

t('helpers: resample without replacement gives distinct ids; downsample keeps at least one row; unknown ids are dropped', () => {
  const r = rng(5);
  const drawn = resample(ids, 20, false, r);
  assert.is(new Set(drawn).size, 20);
  assert.is(chooseIds(guestTable, sampleSettings({ fractions: 0.001 }), rng(1)).ids.length, 1);
  assert.equal(sampledTable(hostTable, ['1001', 'nope'], 'downsample').rows.map(([k]) => k), ['1001']);
  assert.throws(() => sampledTable(hostTable, ['nope'], 'upsample'), /sampled id "nope" is not in this party's data/);
});

t('FATE\'s checks and messages', async () => {
  assert.throws(() => sampleSettings({ mode: 'systematic' }), /sample param systematic not supported, should be one of \['random', 'stratified'\]/);
  assert.throws(() => sampleSettings({ mode: 'stratified', fractions: [[0, 0.5, 1]] }), /should be a pair like \[label_i, rate_i\]/);
  assert.throws(() => sampleSettings({ mode: 'stratified', fractions: 0.5 }), /when using stratified should be list/);
  assert.throws(() => chooseIds(guestTable, sampleSettings({ fractions: 1.5 }), rng(1)), /between 0 and 1inclusive/);
  assert.throws(() => chooseIds(guestTable, sampleSettings({ mode: 'stratified', fractions: [[1, 0.5]] }), rng(1)), /label not specify sample rate! check it please/);
  const job = new InProcessJob();
  const e = await rejection(federatedSample(componentInput({ module: 'FederatedSample', role: 'guest', roles, params: { fractions: 'half' }, data: { data: guestTable } }), job.context({ role: 'guest', partyId: '9999' })));
  assert.match(e.message, /fractions must be a number/);
});

t.run();

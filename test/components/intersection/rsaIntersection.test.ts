import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { ComponentContext, PartyRef } from '../../../src/components/contract.js';
import type { DataTable } from '../../../src/tableData/dataTable.js';
import { intersection } from '../../../src/components/intersection/intersection.js';
import {
  INTERSECT_GUEST_IDS,
  INTERSECT_GUEST_IDS_PROCESS,
  INTERSECT_HOST_IDS_PROCESS,
  INTERSECT_IDS,
  RSA_PUBKEY,
  rsaSettings,
} from '../../../src/components/intersection/rsaIntersection.js';
import { hashToBigInt, rsaVerify } from '../../../src/components/crypto/rsa.js';
import { CryptoPool } from '../../../src/components/crypto/cryptoPool.js';
import { rsaIntersect } from '../../../src/components/intersection/rsaIntersection.js';
import { InProcessJob, componentInput } from '../../support/inProcessFederation.js';
import { fixtureTable } from '../dataio/csvTable.js';

const t = suite('Intersection (rsa)');

function table(keys: string[], header = ['x0', 'x1']): DataTable<string> {
  return { schema: { header, sid_name: 'id' }, rows: keys.map((k) => [k, `${k}.1,${k}.2`]) };
}

const keysOf = (data: DataTable | undefined) => data!.rows.map(([k]) => k);

interface Party {
  self: PartyRef;
  data: DataTable;
}

interface Received {
  name: string;
  from: PartyRef;
  payload: unknown;
}

/** Runs every party concurrently; records every payload each party receives. */
async function runJob(parties: Party[], params: Record<string, unknown> = {}) {
  const job = new InProcessJob();
  const roles: Record<string, string[]> = {};
  for (const p of parties) (roles[p.self.role] ??= []).push(p.self.partyId);
  const received: Received[][] = parties.map(() => []);
  const contexts = parties.map((p, i) => {
    const ctx = job.context(p.self);
    const inner = ctx.federation;
    const federation: ComponentContext['federation'] = {
      remote: (name, tag, payload, to) => inner.remote(name, tag, payload, to),
      get: async (name, tag, from) => {
        const payload = await inner.get(name, tag, from);
        received[i]!.push({ name, from, payload: structuredClone(payload) });
        return payload;
      },
    };
    return { ...ctx, federation };
  });
  const outputs = await Promise.all(
    parties.map((p, i) =>
      intersection(
        componentInput({
          module: 'Intersection', componentName: 'intersection_0', role: p.self.role, partyId: p.self.partyId, roles,
          params: { intersect_method: 'rsa', rsa_params: { key_length: 512 }, ...params }, data: { data: p.data },
        }),
        contexts[i]!,
      ),
    ),
  );
  return { job, outputs, contexts, received };
}

const GUEST: PartyRef = { role: 'guest', partyId: '9999' };
const HOST: PartyRef = { role: 'host', partyId: '10000' };
const HOST2: PartyRef = { role: 'host', partyId: '10001' };

t('given guest and host with partial overlap, when intersecting with rsa, then both keep the same rows as raw mode', async () => {
  const guestTable = table(['1', '2', '3', '4']);
  const hostTable = table(['2', '4', '6'], ['h0', 'h1']);
  const rsa = await runJob([{ self: GUEST, data: guestTable }, { self: HOST, data: hostTable }]);
  const raw = await runJob([{ self: GUEST, data: guestTable }, { self: HOST, data: hostTable }], { intersect_method: 'raw' });
  const [guest, host] = rsa.outputs;
  assert.equal(keysOf(guest!.data), ['2', '4']);
  assert.equal(keysOf(host!.data), ['2', '4']);
  assert.equal(guest!.data, raw.outputs[0]!.data);
  assert.equal(host!.data, raw.outputs[1]!.data);
  assert.equal(host!.data!.rows, [['2', '2.1,2.2'], ['4', '4.1,4.2']]);
  assert.equal(host!.data!.schema, hostTable.schema);

  // FATE 1.x unified flow: host key and double hashes, guest blinded ids, host signatures, guest sync.
  assert.equal(
    rsa.job.sent.map((m) => [m.name, m.tag, m.from.role, m.to.role]),
    [
      [RSA_PUBKEY, 'fit', 'host', 'guest'],
      [INTERSECT_HOST_IDS_PROCESS, 'fit', 'host', 'guest'],
      [INTERSECT_GUEST_IDS, 'fit', 'guest', 'host'],
      [INTERSECT_GUEST_IDS_PROCESS, 'fit', 'host', 'guest'],
      [INTERSECT_IDS, 'fit', 'guest', 'host'],
    ],
  );
  assert.is(rsa.job.undelivered(), 0);
});

t('given partial overlap, when intersecting with rsa, then metrics match the raw method', async () => {
  const { contexts } = await runJob([{ self: GUEST, data: table(['1', '2', '3', '4']) }, { self: HOST, data: table(['2', '4', '6']) }]);
  const g = contexts[0]!.tracker.get('train', 'intersection');
  assert.equal(g.data, [['intersect_count', 2], ['intersect_rate', 0.5]]);
  assert.equal(g.meta, { name: 'intersection', metric_type: 'INTERSECTION' });
  const h = contexts[1]!.tracker.get('train', 'intersection');
  assert.equal(h.data, [['intersect_count', 2], ['intersect_rate', 2 / 3]]);
  assert.equal(h.meta, { name: 'intersection', metric_type: 'INTERSECTION' });
});

t('given two hosts, when intersecting with rsa, then every party keeps the ids common to all', async () => {
  const { outputs, contexts, job } = await runJob([
    { self: GUEST, data: table(['a', 'b', 'c', 'd', 'e']) },
    { self: HOST, data: table(['b', 'c', 'd', 'z']) },
    { self: HOST2, data: table(['a', 'c', 'd', 'y']) },
  ]);
  for (const out of outputs) assert.equal(keysOf(out.data), ['c', 'd']);
  assert.equal(contexts[0]!.tracker.get('train', 'intersection').data, [['intersect_count', 2], ['intersect_rate', 0.4]]);
  assert.equal(contexts[1]!.tracker.get('train', 'intersection').data, [['intersect_count', 2], ['intersect_rate', 0.5]]);
  assert.equal(contexts[2]!.tracker.get('train', 'intersection').data, [['intersect_count', 2], ['intersect_rate', 0.5]]);
  // Each host has its own key.
  const keys = job.sent.filter((m) => m.name === RSA_PUBKEY).map((m) => m.from.partyId).sort();
  assert.equal(keys, ['10000', '10001']);
  assert.is(job.undelivered(), 0);
});

t('given partial overlap, when intersecting with rsa, then neither side learns the other side\'s non-matching ids', async () => {
  const guestIds = ['g1', 'g2', 'shared1', 'g3', 'shared2'];
  const hostIds = ['h1', 'shared1', 'h2', 'shared2'];
  const { received, outputs } = await runJob([{ self: GUEST, data: table(guestIds) }, { self: HOST, data: table(hostIds) }]);
  assert.equal(keysOf(outputs[0]!.data), ['shared1', 'shared2']);
  const [guestGot, hostGot] = received;

  // What the guest received: the host's public key, one double hash per host id, signatures of its blinded ids.
  const pub = guestGot!.find((r) => r.name === RSA_PUBKEY)!.payload as { n: bigint; e: bigint };
  assert.is(pub.n.toString(2).length, 512);
  const hostTs = guestGot!.find((r) => r.name === INTERSECT_HOST_IDS_PROCESS)!.payload as string[];
  assert.is(hostTs.length, hostIds.length);
  for (const x of hostTs) assert.match(x, /^[0-9a-f]{64}$/);
  const guestText = JSON.stringify(guestGot, (_k, v) => (typeof v === 'bigint' ? v.toString() : v));
  for (const id of hostIds) {
    const h1 = hashToBigInt(id);
    assert.not.ok(guestText.includes(JSON.stringify(id)), `guest saw raw host id ${id}`);
    assert.not.ok(guestText.includes(h1.toString()) || guestText.includes(h1.toString(16)), `guest saw H1(${id})`);
  }

  // What the host received: blinded values only, then the double hashes of the intersection (its own t values).
  assert.equal(hostGot!.map((r) => r.name), [INTERSECT_GUEST_IDS, INTERSECT_IDS]);
  const blinded = hostGot![0]!.payload as bigint[];
  assert.is(blinded.length, guestIds.length);
  const hostText = JSON.stringify(hostGot, (_k, v) => (typeof v === 'bigint' ? v.toString() : v));
  for (const id of guestIds) {
    const h1 = hashToBigInt(id);
    assert.not.ok(hostText.includes(JSON.stringify(id)), `host saw raw guest id ${id}`);
    assert.not.ok(hostText.includes(h1.toString()) || hostText.includes(h1.toString(16)), `host saw H1(${id})`);
    for (const y of blinded) {
      assert.is.not(y, h1);
      // y is not an unblinded signature H1(id)^d either (that would verify to H1(id) under e).
      assert.is.not(rsaVerify(y, pub), h1 % pub.n);
    }
  }
  const synced = hostGot![1]!.payload as string[];
  assert.is(synced.length, 2);
  for (const x of synced) assert.ok(hostTs.includes(x), 'the host only gets back its own double hashes');
});

t('given sync_intersect_ids false, when intersecting with rsa, then only the guest outputs', async () => {
  const { outputs, job } = await runJob(
    [{ self: GUEST, data: table(['1', '2']) }, { self: HOST, data: table(['2', '3']) }],
    { sync_intersect_ids: false },
  );
  assert.equal(keysOf(outputs[0]!.data), ['2']);
  assert.equal(outputs[1], {});
  assert.not.ok(job.sent.some((m) => m.name === INTERSECT_IDS));
  assert.is(job.undelivered(), 0);
});

t('given FATE 1.4 is_send_intersect_ids, only_output_key and top-level rsa params, when intersecting, then they apply', async () => {
  const { outputs, received } = await runJob(
    [{ self: GUEST, data: table(['1', '2']) }, { self: HOST, data: table(['2']) }],
    { rsa_params: undefined, key_length: 256, random_bit: 64, salt: 'pepper', is_send_intersect_ids: true, only_output_key: true },
  );
  assert.equal(outputs[0]!.data!.rows, [['2', 'intersect_id']]);
  assert.equal(outputs[1]!.data!.rows, [['2', 'intersect_id']]);
  const pub = received[0]!.find((r) => r.name === RSA_PUBKEY)!.payload as { n: bigint };
  assert.is(pub.n.toString(2).length, 256);
});

t('given rsa params, when read, then rsa_params wins and defaults follow FATE', () => {
  assert.equal(rsaSettings({}), { keyLength: 1024, randomBit: 128, hashMethod: 'sha256', finalHashMethod: 'sha256', salt: '' });
  assert.is(rsaSettings({ key_length: 2048, rsa_params: { key_length: 512 } }).keyLength, 512);
  assert.throws(() => rsaSettings({ rsa_params: { key_length: 'big' } }), /key_length/);
});

t('given no overlap, when intersecting with rsa, then outputs are empty and the count is 0', async () => {
  const { outputs, contexts } = await runJob([{ self: GUEST, data: table(['1']) }, { self: HOST, data: table(['2']) }]);
  assert.equal(outputs[0]!.data!.rows, []);
  assert.equal(outputs[1]!.data!.rows, []);
  assert.equal(contexts[0]!.tracker.get('train', 'intersection').data, [['intersect_count', 0], ['intersect_rate', 0]]);
});

t('given a host waiting for a guest that never answers, when the task is aborted, then the host rejects', async () => {
  const job = new InProcessJob();
  const abort = new AbortController();
  const pending = intersection(
    componentInput({
      module: 'Intersection', role: 'host', partyId: '10000',
      params: { intersect_method: 'rsa', rsa_params: { key_length: 256 } }, data: { data: table(['1']) },
    }),
    job.context(HOST, abort.signal),
  );
  setTimeout(() => abort.abort(new Error('task stopped')), 50);
  try {
    await pending;
    assert.unreachable('should reject');
  } catch (error) {
    assert.is((error as Error).message, 'task stopped');
  }
});

t('given 3,000 ids a side on two helper threads, when intersecting in mini-batches, then the result equals the single-thread run', async () => {
  const guestIds = Array.from({ length: 3000 }, (_, i) => `u${i * 2}`);
  const hostIds = Array.from({ length: 3000 }, (_, i) => `u${i * 3}`).concat(['u0']);
  const settings = rsaSettings({ rsa_params: { key_length: 512, salt: 's' } });
  const once = async (pool: CryptoPool) => {
    const job = new InProcessJob();
    const run = (self: PartyRef, ownIds: string[]) =>
      rsaIntersect({ role: self.role as 'guest' | 'host', ownIds, guest: GUEST, hosts: [HOST], tag: 'fit', sync: true, settings, pool }, job.context(self));
    return Promise.all([run(GUEST, guestIds), run(HOST, hostIds)]);
  };
  const pool = new CryptoPool(2);
  try {
    const [g, h] = await once(pool);
    const expected = guestIds.filter((id) => hostIds.includes(id));
    assert.is(expected.length, 1000);
    assert.equal(g, expected);
    assert.equal(h, hostIds.filter((id) => expected.includes(id)), 'the host keeps its duplicate id twice');
    assert.equal(await once(new CryptoPool(0)), [g, h]);
  } finally {
    await pool.close();
  }
});

t('given breast_hetero guest and host, when intersecting with 1024-bit rsa, then all 569 ids match within 10 s', async () => {
  const started = Date.now();
  const { outputs, contexts } = await runJob(
    [{ self: GUEST, data: fixtureTable('breast_hetero_guest') }, { self: HOST, data: fixtureTable('breast_hetero_host') }],
    { rsa_params: { key_length: 1024 } },
  );
  const elapsed = Date.now() - started;
  assert.is(outputs[0]!.data!.rows.length, 569);
  assert.is(outputs[1]!.data!.rows.length, 569);
  assert.equal(contexts[0]!.tracker.get('train', 'intersection').data, [['intersect_count', 569], ['intersect_rate', 1]]);
  assert.ok(elapsed < 10_000, `took ${elapsed} ms`);
});

t.run();

// The host's anonymous candidate order (anonymousOrder.ts): a deterministic function of the host's
// own data, so that ties between host candidates — different partitions with exactly the same
// (ΣG, ΣH) — go to the same one on every run. Before, the order came from a fresh crypto shuffle and
// the guest's pick among tied candidates changed from run to run (multi-class cross-validation's loss
// curves differed between runs of the same input).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { ModelBuffers, PartyRef } from '../../../src/components/contract.js';
import type { DataTable, Instance } from '../../../src/tableData/dataTable.js';
import { anonymousOrder, hostOrderKey, keyedWords } from '../../../src/components/heteroSecureBoost/anonymousOrder.js';
import { binColumns } from '../../../src/components/heteroSecureBoost/binning.js';
import { heteroSecureBoost } from '../../../src/components/heteroSecureBoost/heteroSecureBoost.js';
import { instanceTags } from '../../../src/components/heteroSecureBoost/host.js';
import { encodeBuffer } from '../../../src/models/bufferCodec.js';
import { componentInput, InProcessJob } from '../../support/inProcessFederation.js';

const t = suite('HeteroSecureBoost anonymous order');
const GUEST: PartyRef = { role: 'guest', partyId: '9999' };
const HOST: PartyRef = { role: 'host', partyId: '10000' };
const ROLES = { guest: [GUEST.partyId], host: [HOST.partyId] };

const N = 40;
const TIED = 20;

/**
 * 20 positives, 20 negatives; the guest's only feature is constant (no split of its own). Host
 * feature k is 0 on a left set of 15 positives and 5 negatives, a different set for every k: in the
 * first tree every g is ±0.5 and every h 0.25, so all 20 host candidates have the same (ΣG, ΣH) and
 * the same, best, gain.
 */
function tiedTables(): { guest: DataTable<Instance>; host: DataTable<Instance> } {
  const ids = Array.from({ length: N }, (_, i) => `id${i}`);
  const label = (i: number) => (i < N / 2 ? 1 : 0);
  const left = (k: number, i: number) => {
    const excluded = (j: number) => (j - k + N / 2) % (N / 2) < 5; // positives k..k+4 (mod 20) go right
    return i < N / 2 ? !excluded(i) : (i - N / 2 - k + N / 2) % (N / 2) < 5; // negatives 20+k..20+k+4 go left
  };
  return {
    guest: { schema: { header: ['g0'], sid_name: 'id', label_name: 'y' }, rows: ids.map((id, i) => [id, { features: [1], label: label(i) }]) },
    host: {
      schema: { header: Array.from({ length: TIED }, (_, k) => `h${k}`), sid_name: 'id' },
      rows: ids.map((id, i) => [id, { features: Array.from({ length: TIED }, (_, k) => (left(k, i) ? 0 : 1)) }]),
    },
  };
}

async function fit(tables: { guest: DataTable<Instance>; host: DataTable<Instance> }) {
  const params = { task_type: 'classification', num_trees: 1, learning_rate: 0.3, tree_param: { max_depth: 1 }, encrypt_param: { method: null } };
  const job = new InProcessJob();
  const input = (self: PartyRef, table: DataTable<Instance>) =>
    componentInput({ module: 'HeteroSecureBoost', componentName: 'hetero_secureboost_0', role: self.role, partyId: self.partyId, roles: ROLES, params, data: { train_data: table } });
  const [guest, host] = await Promise.all([heteroSecureBoost(input(GUEST, tables.guest), job.context(GUEST)), heteroSecureBoost(input(HOST, tables.host), job.context(HOST))]);
  const bytes = (m: ModelBuffers) => Object.entries(m).map(([name, json]) => `${name}:${Buffer.from(encodeBuffer(name, json)).toString('hex')}`);
  return { guest: guest!, host: host!, bytes: [bytes(guest!.model!), bytes(host!.model!)] };
}

t('the data really ties: every host feature splits off 15 positives and 5 negatives, each a different set', () => {
  const { host, guest } = tiedTables();
  const sets = new Set<string>();
  for (let k = 0; k < TIED; k++) {
    const leftRows = host.rows.map(([, inst], i) => [inst.features[k], guest.rows[i]![1].label] as const).filter(([v]) => v === 0);
    assert.is(leftRows.filter(([, y]) => y === 1).length, 15, `feature ${k}`);
    assert.is(leftRows.filter(([, y]) => y === 0).length, 5, `feature ${k}`);
    sets.add(host.rows.filter(([, inst]) => inst.features[k] === 0).map(([id]) => id).join());
  }
  assert.is(sets.size, TIED);
});

// With a fresh shuffle per run (the old code) the winner is one of 20 at random: four equal runs had
// a chance of 1 in 8,000.
t('20 host candidates with the same best gain: every run splits the root on the same host feature', async () => {
  const tables = tiedTables();
  const first = await fit(tables);
  const root = (first.guest.model!.HeteroSecureBoostingTreeGuestParam as { trees: { tree: { sitename: string; isLeaf: boolean }[] }[] }).trees[0]!.tree[0]!;
  assert.is(root.sitename, 'host:10000', 'a host split wins the root (the guest has none)');
  assert.not.ok(root.isLeaf);
  for (let r = 0; r < 3; r++) assert.equal((await fit(tables)).bytes, first.bytes, `run ${r + 2}`);
});

t('anonymousOrder: a permutation, the same for the same key and tag, another for another key or tag', () => {
  const key = Buffer.alloc(32, 1);
  const a = anonymousOrder(key, '0.0.0', 200);
  assert.equal([...a].sort((x, y) => x - y), Array.from({ length: 200 }, (_, i) => i));
  assert.equal(anonymousOrder(key, '0.0.0', 200), a);
  assert.not.equal(a, Array.from({ length: 200 }, (_, i) => i), 'not the feature/bin order');
  assert.not.equal(anonymousOrder(key, '0.0.1', 200), a, 'each node its own order');
  assert.not.equal(anonymousOrder(Buffer.alloc(32, 2), '0.0.0', 200), a, 'another host, another order');
  assert.equal(anonymousOrder(key, 'x', 0), []);
  assert.equal(anonymousOrder(key, 'x', 1), [0]);
});

t('anonymousOrder is uniform: each of the 6 orders of 3 about equally often over 6,000 nodes', () => {
  const key = Buffer.alloc(32, 3);
  const counts = new Map<string, number>();
  for (let i = 0; i < 6000; i++) {
    const o = anonymousOrder(key, String(i), 3).join();
    counts.set(o, (counts.get(o) ?? 0) + 1);
  }
  assert.is(counts.size, 6);
  for (const [o, c] of counts) assert.ok(c > 850 && c < 1150, `${o}: ${c}`);
});

t('hostOrderKey: a digest of the host\'s split points and every bin index — one changed value, another key', () => {
  const cols = [Float64Array.from({ length: 50 }, (_, i) => (i * 7) % 13), Float64Array.from({ length: 50 }, (_, i) => i / 3)];
  const key = hostOrderKey(binColumns(cols, 8));
  assert.is(key.length, 32);
  assert.equal(hostOrderKey(binColumns(cols.map((c) => c.slice()), 8)), key, 'same data, same key');
  const moved = cols.map((c) => c.slice());
  [moved[0]![3], moved[0]![4]] = [moved[0]![4]!, moved[0]![3]!]; // same split points, two bins swapped
  assert.equal(binColumns(moved, 8).splitPoints, binColumns(cols, 8).splitPoints);
  assert.not.equal(hostOrderKey(binColumns(moved, 8)), key, 'bin indexes count');
  const shifted = cols.map((c) => c.map((x) => x + 0.5));
  assert.equal(binColumns(shifted, 8).binOf.map((b) => [...b]), binColumns(cols, 8).binOf.map((b) => [...b]));
  assert.not.equal(hostOrderKey(binColumns(shifted, 8)), key, 'split points count');
});

t('instance tags come from the key: the same for the same key, 32-bit words that differ between instances', () => {
  const key = Buffer.alloc(32, 4);
  const tags = instanceTags(1000, key);
  assert.equal(instanceTags(1000, key), tags);
  assert.is(new Set(tags.a).size, 1000);
  assert.not.equal([...tags.a], [...tags.b]);
  assert.equal([...keyedWords(key, 'tags.a', 5)], [...tags.a.slice(0, 5)], 'a prefix of the same stream');
});

t.run();

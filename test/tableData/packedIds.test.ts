// A packed list of ids (as it crosses threads) read in place: every id where it stands, the same
// list as the split, and a count that does not match is an error naming the sender.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Federation, PartyRef } from '../../src/components/contract.js';
import { getMaybePacked, joinedIds, knownJoinedIds, PackedIds } from '../../src/tableData/packedIds.js';
import { unpackPayload } from '../../src/scheduler/packedPayload.js';
import { packPayload } from '../../src/scheduler/packedPayload.js';

const ids = (n: number) => Array.from({ length: n }, (_, i) => (i % 997 === 0 ? '' : `id-${i}-é𝄞`));
const HOST: PartyRef = { role: 'host', partyId: '10000' };

test('a packed list reads as the list it packs: each id, its equality, the split', () => {
  const list = ids(12_000);
  const packed = new PackedIds(structuredClone(packPayload(list)) as never);
  assert.is(packed.length, list.length);
  for (let i = 0; i < list.length; i++) {
    assert.is(packed.at(i), list[i]);
    assert.is(packed.at(i), list[i]);
    assert.ok(packed.equals(i, list[i]!));
    assert.not.ok(packed.equals(i, list[i] + 'x'));
    if (list[i] !== '') assert.not.ok(packed.equals(i, list[i]!.slice(1)));
  }
  assert.equal(packed.toArray(), list);
  // One empty id, and a trailing empty id.
  assert.equal(new PackedIds({ fedflowPackedStrings: '', count: 1 }).toArray(), ['']);
  assert.equal(new PackedIds({ fedflowPackedStrings: 'a\n', count: 2 }).toArray(), ['a', '']);
});

test('a packed list whose count does not match its separators is an error', () => {
  assert.throws(() => new PackedIds({ fedflowPackedStrings: 'a\nb', count: 3 }), /3 strings holds 2/);
  assert.throws(() => new PackedIds({ fedflowPackedStrings: 'a\nb\nc', count: 2 }), /2 strings holds more/);
  assert.throws(() => new PackedIds({ fedflowPackedStrings: '', count: 0 }), /not a list/);
  assert.throws(() => new PackedIds({ fedflowPackedStrings: 'a', count: 1.5 }), /not a list/);
});

test('getMaybePacked: packed when the federation hands it so, else the payload as get gives it; a bad one names the sender', async () => {
  const list = ids(10_000);
  const packed = packPayload(list);
  const plain: Federation = { remote: async () => {}, get: async () => list };
  assert.is(await getMaybePacked(plain, 'n', 't', HOST), list);
  const worker: Federation = { ...plain, getPacked: async () => packed };
  const got = await getMaybePacked(worker, 'n', 't', HOST);
  assert.instance(got, PackedIds);
  assert.equal((got as PackedIds).toArray(), list);
  const other: Federation = { ...plain, getPacked: async () => ({ v: 1 }) };
  assert.equal(await getMaybePacked(other, 'n', 't', HOST), { v: 1 });
  const bad: Federation = { ...plain, getPacked: async () => ({ fedflowPackedStrings: 'a', count: 2 }) };
  try {
    await getMaybePacked(bad, 'RawIntersectTransferVariable.send_ids_host', 't', HOST);
    assert.unreachable();
  } catch (error) {
    assert.match((error as Error).message, /^RawIntersectTransferVariable.send_ids_host from host 10000: a packed list of 2 strings holds 1/);
  }
});

test('joined ids: runs go packed (a substring of one join) where the federation takes it, else as lists', async () => {
  const list = ids(30_000);
  const sent: [string, unknown][] = [];
  const worker: Federation = {
    remote: async (name, _t, payload) => void sent.push([`remote ${name}`, payload]),
    remotePacked: async (name, _t, packed) => void sent.push([`packed ${name}`, packed]),
    get: async () => null,
  };
  const joined = joinedIds(list);
  assert.is(joinedIds(list), joined, 'one join per ids array');
  await joined.send(worker, 'a', 't', 0, 12_000, [HOST]);
  await joined.send(worker, 'b', 't', 12_000, 30_000, [HOST]);
  await joined.send(worker, 'c', 't', 29_000, 30_000, [HOST]);
  await joined.send({ ...worker, remotePacked: undefined }, 'd', 't', 0, 30_000, [HOST]);
  assert.equal(sent.map(([what]) => what), ['packed a', 'packed b', 'remote c', 'remote d']);
  assert.equal(unpackPayload(sent[0]![1]), list.slice(0, 12_000));
  assert.equal(unpackPayload(sent[1]![1]), list.slice(12_000));
  assert.equal(sent[2]![1], list.slice(29_000));
  assert.is(sent[3]![1], list);
  const newline = [...list];
  newline[3] = 'a\nb';
  sent.length = 0;
  await joinedIds(newline).send(worker, 'e', 't', 0, 20_000, [HOST]);
  assert.equal(sent, [['remote e', newline.slice(0, 20_000)]], 'an id with a newline: never packed');
});

test('joinAt: the ids at ascending indexes joined, by runs or one by one; an id with a newline: null', () => {
  const list = ids(30_000);
  let seed = 7;
  const random = () => ((seed = (seed * 48271) % 2147483647) / 2147483647);
  // Long runs (few cuts), no runs (every other id), random picks, none, all, the first and the last alone.
  const runs = Int32Array.from(list.keys()).filter((i) => i % 5000 < 4000);
  const picks = [runs, Int32Array.from(list.keys()).filter((i) => i % 2 === 0), Int32Array.from(list.keys()).filter(() => random() < 0.3), new Int32Array(0), Int32Array.from(list.keys()), Int32Array.of(0), Int32Array.of(list.length - 1)];
  for (const at of picks) assert.is(joinedIds(list).joinAt(at), Array.from(at, (i) => list[i]).join('\n'), `${at.length} ids`);
  // A known join (a store's) is cut the same way.
  const known = ids(20_000).map((x) => `k${x}`);
  knownJoinedIds(known, known.join('\n'));
  assert.is(joinedIds(known).joinAt(runs.subarray(0, 12_000)), Array.from(runs.subarray(0, 12_000), (i) => known[i]).join('\n'));
  assert.is(joinedIds(['a', 'b\nc', 'd']).joinAt(Int32Array.of(0, 2)), null);
});

test.run();

// Long id lists through a component's federation: packed where the federation takes them so, as
// plain lists otherwise, and a packed list received is read in place (a bad one names its sender).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Federation, PartyRef } from '../../src/components/contract.js';
import { getMaybePacked, sendJoinedIds } from '../../src/components/federatedIds.js';
import { joinedIds, PackedIds } from '../../src/tableData/packedIds.js';
import { packPayload, unpackPayload } from '../../src/scheduler/packedPayload.js';

const ids = (n: number) => Array.from({ length: n }, (_, i) => (i % 997 === 0 ? '' : `id-${i}-é𝄞`));
const HOST: PartyRef = { role: 'host', partyId: '10000' };

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
  await sendJoinedIds(worker, 'a', 't', joined, 0, 12_000, [HOST]);
  await sendJoinedIds(worker, 'b', 't', joined, 12_000, 30_000, [HOST]);
  await sendJoinedIds(worker, 'c', 't', joined, 29_000, 30_000, [HOST]);
  await sendJoinedIds({ ...worker, remotePacked: undefined }, 'd', 't', joined, 0, 30_000, [HOST]);
  assert.equal(sent.map(([what]) => what), ['packed a', 'packed b', 'remote c', 'remote d']);
  assert.equal(unpackPayload(sent[0]![1]), list.slice(0, 12_000));
  assert.equal(unpackPayload(sent[1]![1]), list.slice(12_000));
  assert.equal(sent[2]![1], list.slice(29_000));
  assert.is(sent[3]![1], list);
  const newline = [...list];
  newline[3] = 'a\nb';
  sent.length = 0;
  await sendJoinedIds(worker, 'e', 't', joinedIds(newline), 0, 20_000, [HOST]);
  assert.equal(sent, [['remote e', newline.slice(0, 20_000)]], 'an id with a newline: never packed');
});

test.run();

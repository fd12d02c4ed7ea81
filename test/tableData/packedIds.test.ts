// A packed list of ids (as it crosses threads) read in place: every id where it stands, the same
// list as the split, and a count that does not match its separators is an error.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { joinedIds, knownJoinedIds, PackedIds } from '../../src/tableData/packedIds.js';
import { packPayload } from '../../src/scheduler/packedPayload.js';

const ids = (n: number) => Array.from({ length: n }, (_, i) => (i % 997 === 0 ? '' : `id-${i}-é𝄞`));

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

// Sorted lists meet in one merge pass: the same membership as a Set, for lists as strings or packed,
// with duplicates, empty ids, prefixes and ids outside the BMP; unsorted lists are recognised.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { isSortedList, isSortedStrings, sortedMembership } from '../../../src/components/intersection/sortedMembership.js';
import { PackedIds } from '../../../src/tableData/packedIds.js';

const t = suite('intersection/sortedMembership');
const packed = (list: string[]) => new PackedIds({ fedflowPackedStrings: list.join('\n'), count: list.length });
const ALPHABET = ['', 'a', 'b', 'ab', 'aa', 'a0', '0', '1', '10', '9', 'ñ', '𝄞', '\uffff', 'é', 'id-1', 'id-10', 'id-2'];

/** A deterministic pseudo-random pick (mulberry32-like), so a failure reproduces. */
function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let x = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

t('given sorted lists (duplicates, empty ids, prefixes, surrogates), when merged, then membership is a Set\'s, as strings and packed', () => {
  const next = rng(7);
  const pick = () => ALPHABET[Math.floor(next() * ALPHABET.length)]! + (next() < 0.5 ? '' : ALPHABET[Math.floor(next() * ALPHABET.length)]!);
  for (let round = 0; round < 200; round++) {
    const own = Array.from({ length: Math.floor(next() * 40) }, pick).sort();
    const list = Array.from({ length: 1 + Math.floor(next() * 40) }, pick).sort();
    assert.ok(isSortedStrings(own) && isSortedList(list) && isSortedList(packed(list)));
    const set = new Set(list);
    const expected = own.map((id) => (set.has(id) ? 1 : 0));
    assert.equal(Array.from(sortedMembership(own, list)), expected, `strings, round ${round}`);
    assert.equal(Array.from(sortedMembership(own, packed(list))), expected, `packed, round ${round}`);
    // Own ids packed too (a big stored table's keys, issue 17), against a list as strings and packed.
    if (own.length > 0) {
      assert.equal(Array.from(sortedMembership(packed(own), list)), expected, `own packed, round ${round}`);
      assert.equal(Array.from(sortedMembership(packed(own), packed(list))), expected, `both packed, round ${round}`);
      const kept = Int32Array.from(expected.flatMap((m, i) => (m ? [i] : [])));
      if (kept.length > 0) assert.is(packed(own).joinAt(kept), Array.from(kept, (i) => own[i]).join('\n'), `joinAt, round ${round}`);
    }
  }
});

t('given lists out of order, when checked, then they are not sorted (as strings and packed)', () => {
  // Code-unit order: '\uffff' comes after '𝄞' (a surrogate pair, 0xd834…), though not in UTF-8 order.
  for (const list of [['b', 'a'], ['a', 'b', 'ab'], ['ab', 'a'], ['\uffff', '𝄞'], ['a', '', 'b']]) {
    assert.not.ok(isSortedStrings(list), JSON.stringify(list));
    assert.not.ok(isSortedList(packed(list)), JSON.stringify(list));
  }
  for (const list of [[''], ['', ''], ['a', 'a', 'ab', 'b'], ['𝄞', '\uffff']]) {
    assert.ok(isSortedStrings(list), JSON.stringify(list));
    assert.ok(isSortedList(packed(list)), JSON.stringify(list));
  }
});

t.run();

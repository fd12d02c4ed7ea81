import { createHash } from 'node:crypto';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { DigestSet, fromHex, hexAt } from '../../../src/components/intersection/digestSet.js';

const t = suite('intersection/digestSet');
const digest = (s: string) => createHash('sha256').update(s).digest();

t('given many digests, when added, then each is found once and others are not', () => {
  const set = new DigestSet(32, 5000);
  for (let i = 0; i < 5000; i++) assert.ok(set.add(digest(`in${i}`)));
  for (let i = 0; i < 5000; i += 7) assert.not.ok(set.add(digest(`in${i}`)), 'a duplicate is not added');
  assert.is(set.size, 5000);
  for (let i = 0; i < 5000; i++) assert.ok(set.has(digest(`in${i}`)));
  for (let i = 0; i < 5000; i++) assert.not.ok(set.has(digest(`out${i}`)));
});

t('given digests as hex, then only lowercase hex of the right width is taken', () => {
  const set = new DigestSet(32, 4);
  const h = digest('x').toString('hex');
  assert.ok(set.addHex(h));
  assert.not.ok(set.addHex(h.toUpperCase()));
  assert.not.ok(set.addHex(h.slice(2)));
  assert.not.ok(set.addHex('zz' + h.slice(2)));
  assert.ok(set.has(fromHex(h, 32)!));
  assert.is(set.size, 1);
});

t('given packed digests, when read at an index, then the hex is that digest', () => {
  const packed = Buffer.concat([digest('a'), digest('b')]);
  assert.is(hexAt(packed, 1, 32), digest('b').toString('hex'));
  assert.ok(new DigestSet(32, 2).add(packed, 32));
});

t('given more digests than the capacity, then adding says so clearly', () => {
  const set = new DigestSet(32, 1);
  set.add(digest('a'));
  assert.throws(() => set.add(digest('b')), /capacity/);
});

t.run();

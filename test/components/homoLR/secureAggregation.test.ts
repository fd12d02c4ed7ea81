import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { decodeFixed, encodeFixed, KeyAgreement, pad, PairwiseMasker, SCALE_BITS, sumMasked } from '../../../src/components/homoLR/secureAggregation.js';

const t = suite('HomoLR secure aggregation');

/** Three parties who agreed pairwise on keys, ranked 0, 1, 2. */
function threeParties(): PairwiseMasker[] {
  const agreements = [new KeyAgreement(), new KeyAgreement(), new KeyAgreement()];
  const names = ['guest:9999', 'host:10000', 'host:10001'];
  return agreements.map((mine, i) => {
    const peers = agreements.flatMap((theirs, j) => {
      if (i === j) return [];
      const [low, high] = i < j ? [names[i]!, names[j]!] : [names[j]!, names[i]!];
      return [{ sign: (i < j ? 1 : -1) as 1 | -1, key: mine.pairKey(theirs.publicKey, 'job/homo_lr_0', low, high) }];
    });
    return new PairwiseMasker(peers);
  });
}

t('fixed point: encode/decode round-trips to 2^-48, negatives included, and refuses what does not fit', () => {
  for (const x of [0, 1, -1, 0.1, -123.456, 1e9, -7.25e-10, 2 ** 70]) {
    assert.ok(Math.abs(decodeFixed(encodeFixed(x)) - x) <= 2 ** -SCALE_BITS, String(x));
  }
  assert.ok(encodeFixed(-1) > 2n ** 127n, 'negatives wrap around the ring');
  assert.throws(() => encodeFixed(2 ** 80), /does not fit/);
  assert.throws(() => encodeFixed(Number.NaN), /does not fit/);
});

t('both ends of a pair derive the same key; other pairs, the context and the party names change it', () => {
  const a = new KeyAgreement();
  const b = new KeyAgreement();
  const c = new KeyAgreement();
  const ab = a.pairKey(b.publicKey, 'ctx', 'guest:1', 'host:2');
  assert.equal(b.pairKey(a.publicKey, 'ctx', 'guest:1', 'host:2'), ab);
  assert.is(ab.length, 32);
  assert.not.equal(a.pairKey(c.publicKey, 'ctx', 'guest:1', 'host:2'), ab);
  assert.not.equal(a.pairKey(b.publicKey, 'other', 'guest:1', 'host:2'), ab);
  assert.not.equal(a.pairKey(b.publicKey, 'ctx', 'guest:1', 'host:3'), ab);
});

t('pads are deterministic per (key, round, stream) and differ across rounds and streams', () => {
  const key = Buffer.alloc(32, 7);
  assert.equal(pad(key, 3, 0, 5), pad(key, 3, 0, 5));
  assert.not.equal(pad(key, 3, 0, 5), pad(key, 4, 0, 5));
  assert.not.equal(pad(key, 3, 0, 5), pad(key, 3, 1, 5));
  assert.equal(pad(key, 3, 0, 5).slice(0, 2), pad(key, 3, 0, 2), 'a prefix of the same stream');
  assert.ok(pad(key, 1, 0, 64).every((v) => v >= 0n && v < 2n ** 128n));
});

t('three parties: each masked vector is far from its values, the sum is exact to fixed-point precision', () => {
  const maskers = threeParties();
  const values = [
    [0.5, -2.25, 1e-6, 300],
    [1.5, 0.25, -3e-6, -100],
    [-0.125, 4, 7e-6, 12.5],
  ];
  const uploads = maskers.map((m, i) => m.mask(values[i]!, 1, 0));
  uploads.forEach((u, i) => {
    u.forEach((v, j) => {
      assert.is.not(v, encodeFixed(values[i]![j]!), 'masked');
      assert.ok(Math.abs(decodeFixed(v) - values[i]![j]!) > 1e6, `upload ${i}[${j}] decodes near the value`);
    });
  });
  const sum = sumMasked(uploads);
  const expected = values[0]!.map((_, j) => values.reduce((s, v) => s + v[j]!, 0));
  sum.forEach((s, j) => assert.ok(Math.abs(s - expected[j]!) <= 3 * 2 ** -SCALE_BITS, `${s} vs ${expected[j]}`));
  // Uploads of different rounds do not cancel.
  const mixed = sumMasked([uploads[0]!, uploads[1]!, maskers[2]!.mask(values[2]!, 2, 0)]);
  assert.ok(Math.abs(mixed[0]! - expected[0]!) > 1e6);
});

t('the arbiter refuses uploads that are not ring vectors of one length', () => {
  assert.throws(() => sumMasked([[1n, 2n], [1n]]), /differ in length/);
  assert.throws(() => sumMasked([[1n], [2n ** 128n]]), /not a ring vector/);
  assert.throws(() => sumMasked([[1n], [0.5 as unknown as bigint]]), /not a ring vector/);
});

t.run();

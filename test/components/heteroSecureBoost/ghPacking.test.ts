import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { generatePaillierKeyPair } from '../../../src/components/crypto/paillier.js';
import { bisectLeft, quantileSplitPoints } from '../../../src/components/heteroSecureBoost/binning.js';
import { PaillierGhCipher, paillierDecryptor, PlaintextGhCipherForTestsOnly, type GhCipher, type GhDecryptor } from '../../../src/components/heteroSecureBoost/ghCipher.js';
import { decompress, ghLayout, packGh, slotsPerPlaintext, unpackGh } from '../../../src/components/heteroSecureBoost/ghPacking.js';
import { compress } from '../../../src/components/heteroSecureBoost/host.js';

const t = suite('HeteroSecureBoost g/h packing and binning');

function check(cipher: GhCipher, decryptor: GhDecryptor, maxAbsG: number, maxH: number) {
  const n = 300;
  let seed = 11;
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const g = Array.from({ length: n }, () => (rand() * 2 - 1) * maxAbsG);
  const h = Array.from({ length: n }, () => rand() * maxH);
  const layout = ghLayout(Math.max(...g.map(Math.abs)), Math.max(...h), n);
  const cts = g.map((gi, i) => cipher.encrypt(packGh(layout, gi, h[i]!)));
  // 17 subsets (the all-instances one included): their sums, compressed and cut apart again.
  const subsets = Array.from({ length: 17 }, (_, k) => (k === 0 ? g.map((_, i) => i) : g.map((_, i) => i).filter(() => rand() < 0.4)));
  const sums = subsets.map((members) => members.reduce((acc, i) => cipher.add(acc, cts[i]!), cipher.zero));
  const per = slotsPerPlaintext(cipher.keyBits, layout.slotBits);
  assert.ok(per >= 2, `${per} slots per plaintext`);
  const packed = compress(cipher, sums, layout.slotBits);
  assert.is(packed.length, Math.ceil(subsets.length / per));
  const slots = packed.flatMap((c, j) => decompress(decryptor.decrypt(c), Math.min(per, subsets.length - j * per), layout.slotBits));
  subsets.forEach((members, k) => {
    const s = unpackGh(layout, slots[k]!);
    const eg = members.reduce((a, i) => a + g[i]!, 0);
    const eh = members.reduce((a, i) => a + h[i]!, 0);
    assert.ok(Math.abs(s.g - eg) < 1e-5 * Math.max(1, maxAbsG), `subset ${k}: G ${s.g} vs ${eg}`);
    assert.ok(Math.abs(s.h - eh) < 1e-5 * Math.max(1, maxH), `subset ${k}: H ${s.h} vs ${eh}`);
  });
}

t('given packed g/h summed over subsets and compressed, then every slot decodes to the subset sums (plaintext and Paillier 512)', () => {
  check(new PlaintextGhCipherForTestsOnly(512), new PlaintextGhCipherForTestsOnly(512), 1, 0.25);
  const { publicKey, privateKey } = generatePaillierKeyPair(512);
  check(new PaillierGhCipher(publicKey), paillierDecryptor(privateKey), 1, 0.25);
  // lse: unbounded gradients, constant hessian 2.
  check(new PaillierGhCipher(publicKey), paillierDecryptor(privateKey), 250, 2);
});

t('given a feature, then quantile split points are ascending values of the data ending at the max, and bisect puts x in the first bin whose bound is ≥ x', () => {
  const values = Array.from({ length: 100 }, (_, i) => (i % 10) * 1.5);
  const points = quantileSplitPoints(values, 32);
  assert.equal(points, [0, 1.5, 3, 4.5, 6, 7.5, 9, 10.5, 12, 13.5]);
  assert.is(bisectLeft(points, 0), 0);
  assert.is(bisectLeft(points, 1.5), 1);
  assert.is(bisectLeft(points, 1.6), 2);
  assert.is(bisectLeft(points, 13.5), 9);
  const continuous = Array.from({ length: 569 }, (_, i) => Math.sin(i) * 3);
  const q = quantileSplitPoints(continuous, 32);
  assert.is(q.length, 32);
  assert.is(q[31], Math.max(...continuous));
  for (let i = 1; i < q.length; i++) assert.ok(q[i]! > q[i - 1]!);
});

t.run();

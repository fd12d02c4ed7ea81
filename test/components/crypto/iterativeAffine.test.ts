import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { bitLength } from '../../../src/components/crypto/bigint.js';
import { generateIterativeAffineKey, iterativeAffineDecrypt, iterativeAffineEncrypt, iterativeAffinePlainBits } from '../../../src/components/crypto/iterativeAffine.js';

const t = suite('IterativeAffine (FATE 1.4)');

t('key: 5 rounds of moduli growing from key_size/2 to key_size bits, a_r coprime to n_r', () => {
  const key = generateIterativeAffineKey(1024, 5);
  assert.is(key.n.length, 5);
  const sizes = key.n.map(bitLength);
  [512, 640, 768, 896, 1024].forEach((s, r) => assert.ok(sizes[r]! <= s && sizes[r]! > s - 9, `round ${r}: ${sizes[r]} bits`));
  key.a.forEach((a, r) => assert.is((a * key.aInv[r]!) % key.n[r]!, 1n));
});

t('decrypt(encrypt(m)) = m for signed m, and sums of ciphertexts (plain integer additions) decrypt to the sum', () => {
  const key = generateIterativeAffineKey(512, 5);
  const bits = iterativeAffinePlainBits(key);
  const ms = [0n, 1n, -1n, 123456789n, -(2n ** BigInt(bits - 12)), 2n ** BigInt(bits - 12)];
  for (const m of ms) assert.is(iterativeAffineDecrypt(key, iterativeAffineEncrypt(key, m)), m);
  const values = Array.from({ length: 1000 }, (_, i) => BigInt(i * 7919 - 3_000_000) * 2n ** 60n);
  const sum = values.reduce((s, v) => s + iterativeAffineEncrypt(key, v), 0n);
  assert.is(iterativeAffineDecrypt(key, sum), values.reduce((a, b) => a + b, 0n));
});

t('ciphertexts are not the plaintexts and are deterministic (why it is weaker than Paillier)', () => {
  const key = generateIterativeAffineKey(512, 5);
  const c = iterativeAffineEncrypt(key, 42n);
  assert.ok(c !== 42n && bitLength(c) > 400);
  assert.is(iterativeAffineEncrypt(key, 42n), c);
});

t.run();

import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { generatePaillierKeyPair } from '../../../src/components/crypto/paillier.js';
import { FEATURE_BITS, PaillierCipher, RESIDUAL_BITS } from '../../../src/components/linearModel/cipher.js';

const t = suite('heteroLR/cipher dots: subset tables (short vectors) and Pippenger (long vectors) agree with plaintext');
const { publicKey, privateKey } = generatePaillierKeyPair(512);

function check(rows: number, columns: number): void {
  const cipher = new PaillierCipher(publicKey);
  const residuals = Array.from({ length: rows }, (_, i) => ((i * 37) % 101) / 50 - 1);
  const features = Array.from({ length: columns }, (_, j) => Array.from({ length: rows }, (_, i) => Math.sin(i * (j + 1)) * 3));
  const cts = residuals.map((r) => publicKey.encrypt(BigInt(Math.round(r * 2 ** RESIDUAL_BITS))));
  const dots = cipher.dots(cts, cipher.prepare(features));
  features.forEach((col, j) => {
    const expected = col.reduce((s, x, i) => s + BigInt(Math.round(residuals[i]! * 2 ** RESIDUAL_BITS)) * BigInt(Math.round(x * 2 ** FEATURE_BITS)), 0n);
    assert.is(privateKey.decryptSigned(dots[j] as bigint), expected, `${rows} rows, column ${j}`);
  });
}

t('569 rows × 20 columns (the subset-product branch)', () => check(569, 20));
t('4,000 rows × 2 columns (the Pippenger branch)', () => check(4000, 2));

t('5,000 rows × 10 columns (encoded only while in use) on the crypto helper threads: the same ciphertexts as on the calling thread, and the right sums', async () => {
  process.env.FEDFLOW_CRYPTO_WORKERS ??= '2';
  const { cryptoPool } = await import('../../../src/components/crypto/cryptoPool.js');
  assert.ok(cryptoPool().size >= 2, 'this test needs the pool path');
  const cipher = new PaillierCipher(publicKey);
  const rows = 5000;
  const features = (shift: number) => Array.from({ length: 10 }, (_, j) => Array.from({ length: rows }, (_, i) => Math.cos(i + j + shift) * 2));
  const residuals = Array.from({ length: rows }, (_, i) => (i % 7) / 3 - 1);
  const cts = residuals.map((r) => publicKey.encrypt(BigInt(Math.round(r * 2 ** RESIDUAL_BITS))));
  const a = cipher.prepare(features(0));
  const b = cipher.prepare(features(1));
  const parallelA = await cipher.dotsAsync(cts, a);
  const parallelB = await cipher.dotsAsync(cts, b);
  assert.equal(cipher.dots(cts, a), parallelA);
  assert.equal(cipher.dots(cts, b), parallelB);
  [0, 9].forEach((j) => {
    const expected = features(1)[j]!.reduce((s, x, i) => s + BigInt(Math.round(residuals[i]! * 2 ** RESIDUAL_BITS)) * BigInt(Math.round(x * 2 ** FEATURE_BITS)), 0n);
    assert.is(privateKey.decryptSigned(parallelB[j] as bigint), expected, `column ${j}`);
  });
  await cryptoPool().close();
});

t.run();

import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { bitLength, randomBelow } from '../../../src/components/crypto/bigint.js';
import {
  RSA_DEFAULT_E,
  doubleHash,
  finalHash,
  generateRsaKeyPair,
  hashHex,
  hashToBigInt,
  randomBlindingFactor,
  rsaBlind,
  rsaKeyPairFromPrimes,
  rsaKeyObject,
  rsaSign,
  rsaSigner,
  rsaUnblind,
  rsaVerify,
} from '../../../src/components/crypto/rsa.js';
import { modPow } from '../../../src/components/crypto/bigint.js';

const t = suite('crypto/rsa blind signatures (1024-bit)');

const t0 = performance.now();
const { publicKey: pub, privateKey: priv } = generateRsaKeyPair(1024);
const keygenMs = performance.now() - t0;

t('key generation', () => {
  assert.is(bitLength(pub.n), 1024);
  assert.is(pub.e, RSA_DEFAULT_E);
  assert.is(priv.p * priv.q, pub.n);
  assert.is((priv.e * priv.d) % ((priv.p - 1n) * (priv.q - 1n)), 1n);
  console.log(`    RSA keygen 1024-bit: ${keygenMs.toFixed(0)} ms`);
});

t('CRT signing equals x^d mod n and verifies', () => {
  for (const x of [0n, 1n, 2n, pub.n - 1n, ...Array.from({ length: 20 }, () => randomBelow(pub.n))]) {
    const s = rsaSign(x, priv);
    assert.is(s, modPow(x, priv.d, pub.n));
    assert.is(rsaVerify(s, pub), x);
  }
});

t('blind → sign → unblind equals direct signing', () => {
  for (let i = 0; i < 50; i++) {
    const id = `id-${i}-${Math.random()}`;
    const h = hashToBigInt(id);
    const r = randomBlindingFactor(pub);
    assert.ok(bitLength(r) <= 128);
    const y = rsaBlind(h, r, pub);
    assert.is.not(y, h);
    const z = rsaSign(y, priv);
    const u = rsaUnblind(z, r, pub);
    assert.is(u, rsaSign(h, priv));
    assert.is(finalHash(u), doubleHash(id, priv));
  }
});

t('FATE hashing: H1 = int(sha256(id + salt), 16), H2 = sha256(str(s) + salt)', () => {
  assert.is(hashHex('abc'), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  assert.is(hashToBigInt('abc'), BigInt('0xba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'));
  assert.is(hashToBigInt('a', 'bc'), hashToBigInt('abc'));
  const s = 123456789n;
  assert.is(finalHash(s, 'salt'), hashHex('123456789salt'));
  const id = '42';
  assert.is(doubleHash(id, priv, 'x'), hashHex(rsaSign(hashToBigInt(id + 'x'), priv).toString() + 'x'));
});

t('PSI flow on small id sets finds exactly the intersection', () => {
  const hostIds = Array.from({ length: 60 }, (_, i) => `u${i * 2}`);
  const guestIds = Array.from({ length: 60 }, (_, i) => `u${i * 3}`);
  const hostT = new Map(hostIds.map((id) => [doubleHash(id, priv), id]));
  const matched: string[] = [];
  for (const id of guestIds) {
    const r = randomBlindingFactor(pub);
    const z = rsaSign(rsaBlind(hashToBigInt(id), r, pub), priv);
    if (hostT.has(finalHash(rsaUnblind(z, r, pub)))) matched.push(id);
  }
  const want = guestIds.filter((id) => hostIds.includes(id));
  assert.equal(matched, want);
});

t('rejects bad parameters', () => {
  assert.throws(() => rsaKeyPairFromPrimes(11n, 11n));
  assert.throws(() => rsaKeyPairFromPrimes(7n, 11n, 3n)); // gcd(3, 60) ≠ 1
});

t('given a 1024-bit key, when signing through rsaSigner (OpenSSL), then every signature equals the BigInt CRT one', () => {
  assert.ok(rsaKeyObject(priv), 'OpenSSL accepts the 1024-bit key');
  const sign = rsaSigner(priv);
  const xs = [0n, 1n, 2n, pub.n - 1n, pub.n, pub.n + 5n, -3n, ...Array.from({ length: 40 }, () => randomBelow(pub.n))];
  xs.push(hashToBigInt('133'), hashToBigInt('42', 'pepper'));
  for (const x of xs) assert.is(sign(x), rsaSign(x, priv), `x = ${x}`);
  const blinded = rsaBlind(hashToBigInt('7'), 12345n, pub);
  assert.is(rsaUnblind(sign(blinded), 12345n, pub), rsaSign(hashToBigInt('7'), priv));
});

t('given a key OpenSSL refuses (256-bit), when building a signer, then it falls back to the BigInt CRT with equal results', () => {
  const { privateKey: tiny } = generateRsaKeyPair(256);
  const sign = rsaSigner(tiny);
  for (let i = 0; i < 10; i++) {
    const x = randomBelow(tiny.n);
    assert.is(sign(x), rsaSign(x, tiny));
  }
});

t.run();

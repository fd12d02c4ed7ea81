import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { modPowBinary, randomBelow, randomBits } from '../../../src/components/crypto/bigint.js';
import { FixedModPow } from '../../../src/components/crypto/nativeModPow.js';
import { generatePaillierKeyPair } from '../../../src/components/crypto/paillier.js';

const t = suite('crypto/FixedModPow (OpenSSL modular exponentiation)');

const { publicKey: pk, privateKey: sk } = generatePaillierKeyPair(1024);

t('rⁿ mod n² of a 1024-bit key: OpenSSL computes it and agrees with BigInt on random and edge values', () => {
  const pow = new FixedModPow(pk.n2, pk.n);
  assert.ok(pow.native, 'OpenSSL should accept a 2048-bit modulus with a 1024-bit exponent');
  const values = [0n, 1n, 2n, pk.n - 1n, pk.n, pk.n2 - 1n, pk.n2, pk.n2 + 5n, -3n];
  for (let i = 0; i < 20; i++) values.push(randomBelow(pk.n2));
  for (const x of values) {
    const expected = modPowBinary(((x % pk.n2) + pk.n2) % pk.n2, pk.n, pk.n2);
    assert.is(pow.pow(x), expected, `x = ${x.toString(16).slice(0, 16)}…`);
  }
});

t('CRT decryption exponent c^(p−1) mod p² (even exponent) is computed natively and correctly', () => {
  const p2 = sk.p * sk.p;
  const pow = new FixedModPow(p2, sk.p - 1n);
  assert.ok(pow.native);
  for (let i = 0; i < 10; i++) {
    const x = randomBelow(p2);
    assert.is(pow.pow(x), modPowBinary(x, sk.p - 1n, p2));
  }
});

t('OpenSSL refusals fall back to BigInt with the same answers (4096-bit modulus, even modulus, e < 2)', () => {
  const bigModulus = (1n << 4095n) + randomBits(4000) * 2n + 1n;
  const bigExponent = (1n << 2047n) + 1n;
  const cases: [bigint, bigint][] = [
    [bigModulus, bigExponent],
    [(1n << 1024n) + 2n, 65537n],
    [pk.n2, 1n],
    [pk.n2, 0n],
  ];
  for (const [m, e] of cases) {
    const pow = new FixedModPow(m, e);
    assert.is(pow.native, false, `modulus of ${m.toString(2).length} bits, e=${e.toString(2).length} bits`);
    const x = randomBelow(m);
    assert.is(pow.pow(x), modPowBinary(x, e, m));
  }
});

t('Paillier still round-trips with OpenSSL obfuscators and decryption', () => {
  for (const m of [0n, 1n, -1n, 123456789n, -(pk.maxInt), pk.maxInt]) {
    assert.is(sk.decryptSigned(pk.encrypt(m)), m);
  }
  const a = pk.encrypt(5n);
  assert.is.not(a, pk.encrypt(5n), 'fresh randomness per encryption');
});

t.run();

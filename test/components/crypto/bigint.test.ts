import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import {
  bitLength,
  gcd,
  mod,
  modInv,
  modPow,
  modPowBinary,
  randomBelow,
  randomBits,
  randomUnit,
} from '../../../src/components/crypto/bigint.js';
import { generateProbablePrime, isProbablePrime } from '../../../src/components/crypto/prime.js';

const t = suite('crypto/bigint');

t('bitLength on edges', () => {
  assert.is(bitLength(0n), 0);
  assert.is(bitLength(1n), 1);
  assert.is(bitLength(-1n), 1);
  assert.is(bitLength(2n), 2);
  assert.is(bitLength(255n), 8);
  assert.is(bitLength(256n), 9);
  for (let b = 1; b < 300; b += 7) {
    assert.is(bitLength(1n << BigInt(b - 1)), b);
    assert.is(bitLength((1n << BigInt(b)) - 1n), b);
  }
});

t('modPow (sliding window) agrees with binary modPow on random values', () => {
  for (const modBits of [8, 64, 521, 1024, 2048]) {
    for (let i = 0; i < 12; i++) {
      const m = randomBits(modBits) | 1n | (1n << BigInt(modBits - 1));
      const b = randomBelow(m);
      for (const expBits of [1, 2, 17, 25, 81, 241, 673, 1024]) {
        const e = randomBits(expBits);
        assert.is(modPow(b, e, m), modPowBinary(b, e, m), `mod ${modBits} exp ${expBits}`);
      }
    }
  }
});

t('modPow edge cases', () => {
  assert.is(modPow(5n, 0n, 7n), 1n);
  assert.is(modPow(0n, 5n, 7n), 0n);
  assert.is(modPow(0n, 0n, 7n), 1n);
  assert.is(modPow(5n, 3n, 1n), 0n);
  assert.is(modPow(-2n, 3n, 7n), mod(-8n, 7n));
  assert.is(modPow(3n, -1n, 7n), 5n);
  assert.is(modPow(2n, 1n << 20n, 1000003n), modPowBinary(2n, 1n << 20n, 1000003n));
  assert.throws(() => modPow(2n, 3n, 0n));
});

t('modInv inverts and rejects non-units', () => {
  for (let i = 0; i < 50; i++) {
    const m = randomBits(700) | 1n;
    const a = randomUnit(m);
    const inv = modInv(a, m);
    assert.is((a * inv) % m, 1n);
    assert.ok(inv >= 0n && inv < m);
  }
  assert.is(modInv(-3n, 7n), 2n);
  assert.throws(() => modInv(6n, 9n), /not invertible/);
  assert.is(gcd(-12n, 18n), 6n);
});

t('randomBelow stays in range and covers small ranges', () => {
  const seen = new Set<bigint>();
  for (let i = 0; i < 2000; i++) {
    const r = randomBelow(10n);
    assert.ok(r >= 0n && r < 10n);
    seen.add(r);
  }
  assert.is(seen.size, 10);
  assert.is(randomBelow(1n), 0n);
  assert.throws(() => randomBelow(0n));
  const big = (1n << 1024n) + 12345n;
  for (let i = 0; i < 200; i++) assert.ok(randomBelow(big) < big);
  assert.is(randomBits(0), 0n);
  for (let i = 0; i < 100; i++) assert.ok(bitLength(randomBits(13)) <= 13);
});

t('Miller–Rabin classifies known primes and composites', () => {
  const primes = [2n, 3n, 1999n, 2003n, 1000003n, (1n << 127n) - 1n, (1n << 521n) - 1n];
  for (const p of primes) assert.ok(isProbablePrime(p), `${p} is prime`);
  // Carmichael numbers and a product of two large primes
  const composites = [1n, 0n, 4n, 561n, 41041n, 825265n, 3215031751n, ((1n << 127n) - 1n) * ((1n << 61n) - 1n)];
  for (const c of composites) assert.not.ok(isProbablePrime(c), `${c} is composite`);
  const p = generateProbablePrime(256);
  assert.is(bitLength(p), 256);
  assert.ok(isProbablePrime(p, 40));
});

t.run();

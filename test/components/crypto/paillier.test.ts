import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { bitLength, lcm, modInv, modPowBinary, randomBelow, randomBits, randomUnit } from '../../../src/components/crypto/bigint.js';
import { FixedPointCodec } from '../../../src/components/crypto/fixedPoint.js';
import {
  DjnObfuscator,
  ObfuscatorPool,
  PaillierEncryptor,
  generatePaillierKeyPair,
  paillierKeyPairFromPrimes,
} from '../../../src/components/crypto/paillier.js';
import { generateProbablePrime } from '../../../src/components/crypto/prime.js';

const t = suite('crypto/paillier (1024-bit)');

// Generate the key once per file and reuse it.
const t0 = performance.now();
const { publicKey: pk, privateKey: sk } = generatePaillierKeyPair(1024);
const keygenMs = performance.now() - t0;
const n = pk.n;
const n2 = pk.n2;
const codec = new FixedPointCodec(n);

function randomSigned(bits: number): bigint {
  const v = randomBits(bits);
  return Math.random() < 0.5 ? -v : v;
}
const signed = (c: bigint) => sk.decryptSigned(c);

t('key generation: n has 1024 bits, g = n+1, CRT parameters', () => {
  assert.is(bitLength(n), 1024);
  assert.is(pk.g, n + 1n);
  assert.is(sk.p * sk.q, n);
  assert.is(pk.maxInt, n / 3n - 1n);
  console.log(`    keygen 1024-bit: ${keygenMs.toFixed(0)} ms`);
});

t('keygen from given primes; rejects p = q and bad moduli', () => {
  const p = generateProbablePrime(128);
  let q = generateProbablePrime(128);
  while (q === p) q = generateProbablePrime(128);
  const kp = paillierKeyPairFromPrimes(p, q);
  for (let i = 0; i < 50; i++) {
    const m = randomBelow(kp.publicKey.n);
    assert.is(kp.privateKey.decrypt(kp.publicKey.encrypt(m)), m);
  }
  assert.throws(() => paillierKeyPairFromPrimes(p, p));
  // small textbook primes
  const tiny = paillierKeyPairFromPrimes(17n, 19n);
  for (let m = 0n; m < tiny.publicKey.n; m += 7n) assert.is(tiny.privateKey.decrypt(tiny.publicKey.encrypt(m)), m);
});

t('decrypt(encrypt(m)) = m for random and edge plaintexts', () => {
  const edges = [0n, 1n, -1n, 2n, -2n, pk.maxInt, -pk.maxInt, 1n << 53n, -(1n << 53n)];
  for (const m of edges) assert.is(signed(pk.encrypt(m)), m, `edge ${m}`);
  assert.is(sk.decrypt(pk.encrypt(n - 1n)), n - 1n);
  for (let i = 0; i < 40; i++) {
    const m = randomBelow(n);
    assert.is(sk.decrypt(pk.encrypt(m)), m);
  }
  // semantic security sanity: two encryptions of the same m differ
  assert.is.not(pk.encrypt(5n), pk.encrypt(5n));
  assert.throws(() => sk.decrypt(0n));
  assert.throws(() => sk.decrypt(n2));
});

t('matches the textbook formulas: c = (1+mn)·rⁿ, m = L(c^λ mod n²)·μ mod n', () => {
  const lambda = lcm(sk.p - 1n, sk.q - 1n);
  const L = (x: bigint) => (x - 1n) / n;
  const mu = modInv(L(modPowBinary(pk.g, lambda, n2)), n);
  for (let i = 0; i < 5; i++) {
    const m = randomBelow(n);
    const r = randomUnit(n);
    const c = pk.encrypt(m, modPowBinary(r, n, n2));
    assert.is(c, ((1n + m * n) * modPowBinary(r, n, n2)) % n2);
    assert.is(c, (modPowBinary(pk.g, m, n2) * modPowBinary(r, n, n2)) % n2);
    assert.is((L(modPowBinary(c, lambda, n2)) * mu) % n, m);
    assert.is(sk.decrypt(c), m);
  }
});

t('encoded floats round-trip through encryption', () => {
  for (const x of [0, 1, -1, 0.5, -0.25, 1e-9, -1e-9, 12345.678, -98765.4321, codec.maxValue() / 2, -codec.maxValue() / 2]) {
    const y = codec.decode(sk.decrypt(pk.encrypt(codec.encode(x))));
    assert.ok(Math.abs(y - x) <= Math.max(2 ** -54, Math.abs(x) * 1e-15), `${x} vs ${y}`);
  }
  for (let i = 0; i < 40; i++) {
    const x = (Math.random() - 0.5) * 10 ** (Math.random() * 10 - 3);
    const y = codec.decode(sk.decrypt(pk.encrypt(codec.encode(x))));
    assert.ok(Math.abs(y - x) <= 2 ** -54, `${x} vs ${y}`);
  }
});

t('homomorphic add / addPlain / sub / negate agree with plaintext', () => {
  for (let i = 0; i < 20; i++) {
    const a = randomSigned(300);
    const b = randomSigned(300);
    const ca = pk.encrypt(a);
    const cb = pk.encrypt(b);
    assert.is(signed(pk.add(ca, cb)), a + b);
    assert.is(signed(pk.addPlain(ca, b)), a + b);
    assert.is(signed(pk.sub(ca, cb)), a - b);
    assert.is(signed(pk.negate(ca)), -a);
  }
  const cs = [1n, -1n, 0n, 7n, -100n].map((m) => pk.encrypt(m));
  assert.is(signed(pk.add(...cs)), -93n);
  assert.is(signed(pk.add()), 0n);
});

t('scalar multiply with signed scalars agrees with plaintext', () => {
  const scalars = [0n, 1n, -1n, 2n, -2n, 1n << 23n, -(1n << 23n), (1n << 53n) - 1n, -((1n << 53n) - 1n)];
  const plains = [0n, 1n, -1n, 123456789n, -987654321n];
  for (const m of plains) {
    const c = pk.encrypt(m);
    for (const k of scalars) assert.is(signed(pk.mulScalar(c, k)), m * k, `${m}·${k}`);
  }
  for (let i = 0; i < 30; i++) {
    const m = randomSigned(200);
    const k = randomSigned(60);
    assert.is(signed(pk.mulScalar(pk.encrypt(m), k)), m * k);
  }
});

t('float encodings: scalar-mul product must be rescaled by 2^(2p)', () => {
  for (let i = 0; i < 20; i++) {
    const a = (Math.random() - 0.5) * 200;
    const b = (Math.random() - 0.5) * 200;
    const c = pk.mulScalar(pk.encrypt(codec.encode(a)), codec.toScaledInt(b));
    const got = codec.decodeProduct(sk.decrypt(c));
    assert.ok(Math.abs(got - a * b) <= (Math.abs(a) + Math.abs(b) + 1) * 2 ** -53 + Math.abs(a * b) * 1e-15, `${got} vs ${a * b}`);
  }
});

t('signed batched dot product Σ kᵢ·cᵢ (with and without shared Straus tables)', () => {
  const len = 40;
  const ms = Array.from({ length: len }, () => randomSigned(64));
  const cs = ms.map((m) => pk.encrypt(m));
  const tables = pk.precompute(cs);
  for (let trial = 0; trial < 4; trial++) {
    const ks = Array.from({ length: len }, (_, i) => (i % 7 === 0 ? 0n : randomSigned(trial === 3 ? 53 : 24)));
    const expected = ms.reduce((s, m, i) => s + m * ks[i]!, 0n);
    assert.is(signed(pk.dot(cs, ks)), expected);
    assert.is(signed(pk.dot(tables, ks)), expected);
  }
  // all negative, all zero, single element
  assert.is(signed(pk.dot(cs, ms.map(() => -1n))), -ms.reduce((s, m) => s + m, 0n));
  assert.is(signed(pk.dot(cs, ms.map(() => 0n))), 0n);
  assert.is(signed(pk.dot([cs[0]!], [-5n])), -5n * ms[0]!);
  assert.throws(() => pk.dot(cs, [1n]), /scalars/);
  // float dot product (HeteroLR gradient shape): Σ residual_i · x_i
  const res = Array.from({ length: len }, () => Math.random() - 0.5);
  const xs = Array.from({ length: len }, () => (Math.random() - 0.5) * 10);
  const enc = res.map((r) => pk.encrypt(codec.encode(r)));
  const got = codec.decodeProduct(sk.decrypt(pk.dot(enc, xs.map((x) => codec.toScaledInt(x)))));
  const want = res.reduce((s, r, i) => s + r * xs[i]!, 0);
  assert.ok(Math.abs(got - want) < 1e-12, `${got} vs ${want}`);
});

t('precomputed obfuscator pool', () => {
  const pool = new ObfuscatorPool(pk);
  pool.precompute(5);
  assert.is(pool.available, 5);
  const seen = new Set<bigint>();
  for (let i = 0; i < 7; i++) {
    const obf = pool.next();
    seen.add(obf);
    assert.is(sk.decrypt(pk.encrypt(42n, obf)), 42n);
  }
  assert.is(pool.available, 0);
  assert.is(seen.size, 7);
  const enc = new PaillierEncryptor(pk, { precompute: 3 });
  assert.is(enc.obfuscation, 'standard');
  for (const m of [0n, -1n, 99n, 1n << 100n]) assert.is(signed(enc.encrypt(m)), m);
});

t('DJN fast encryption (opt-in) decrypts correctly', () => {
  const enc = new PaillierEncryptor(pk, { obfuscation: 'djn' });
  assert.is(enc.obfuscation, 'djn');
  const djn = enc.obfuscator as DjnObfuscator;
  // fixed-base comb agrees with plain modPow
  for (let i = 0; i < 5; i++) {
    const a = randomBits(djn.alphaBits);
    assert.is(djn.pow(a), (() => {
      let r = 1n;
      let b = djn.hs;
      let e = a;
      while (e > 0n) {
        if (e & 1n) r = (r * b) % n2;
        b = (b * b) % n2;
        e >>= 1n;
      }
      return r;
    })());
  }
  for (let i = 0; i < 100; i++) {
    const m = randomSigned(500);
    assert.is(signed(enc.encrypt(m)), m);
  }
  const c1 = enc.encrypt(7n);
  const c2 = enc.encrypt(7n);
  assert.is.not(c1, c2);
  assert.is(signed(pk.mulScalar(pk.add(c1, c2), -3n)), -42n);
});

t('throughput at 1024 bits (informational)', () => {
  const time = (label: string, count: number, fn: (i: number) => void) => {
    const start = performance.now();
    for (let i = 0; i < count; i++) fn(i);
    const ms = performance.now() - start;
    console.log(`    ${label}: ${(ms / count).toFixed(3)} ms/op, ${((count * 1000) / ms).toFixed(0)} op/s`);
  };
  const ms = Array.from({ length: 30 }, () => randomSigned(60));
  const cs: bigint[] = [];
  time('encrypt (standard rⁿ)', 30, (i) => cs.push(pk.encrypt(ms[i]!)));
  const djn = new PaillierEncryptor(pk, { obfuscation: 'djn' });
  time('encrypt (DJN)', 200, (i) => djn.encrypt(ms[i % 30]!));
  time('decrypt (CRT)', 60, (i) => sk.decrypt(cs[i % 30]!));
  time('add', 20000, (i) => pk.add(cs[i % 30]!, cs[(i + 1) % 30]!));
  const k24 = Array.from({ length: 30 }, () => randomBits(24));
  const kneg = k24.map((k) => -k);
  time('scalar-mul 24-bit k', 300, (i) => pk.mulScalar(cs[i % 30]!, k24[i % 30]!));
  time('scalar-mul -24-bit k', 100, (i) => pk.mulScalar(cs[i % 30]!, kneg[i % 30]!));
  const ks = Array.from({ length: 30 }, () => randomSigned(24));
  const tables = pk.precompute(cs);
  time('dot, 30 signed 24-bit terms (shared tables), per dot', 20, () => pk.dot(tables, ks));
});

t.run();

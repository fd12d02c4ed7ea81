import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { modPowBinary, randomBelow, randomBits } from '../../../src/components/crypto/bigint.js';
import { generatePaillierKeyPair } from '../../../src/components/crypto/paillier.js';
import { pippengerCost, pippengerMultiExp, pippengerWindow } from '../../../src/components/crypto/pippenger.js';

const t = suite('crypto/pippenger multi-exponentiation');

function naive(bases: bigint[], exps: bigint[], m: bigint): bigint {
  let acc = 1n % m;
  for (let i = 0; i < bases.length; i++) acc = (acc * modPowBinary(bases[i]!, exps[i]!, m)) % m;
  return acc;
}

const m = (1n << 255n) - 19n; // odd, prime: any modulus works

t('equals the product of single powers for every window size, with zeros, repeats and 1-bit exponents', () => {
  const bases = Array.from({ length: 40 }, () => randomBelow(m));
  const exps = Array.from({ length: 40 }, (_, i) => (i % 7 === 0 ? 0n : i % 5 === 0 ? 1n : randomBits(24)));
  exps[3] = exps[4]!; // repeated digits land in one bucket
  const expected = naive(bases, exps, m);
  for (let c = 1; c <= 12; c++) assert.is(pippengerMultiExp(bases, exps, m, c), expected, `window ${c}`);
  assert.is(pippengerMultiExp(bases, exps, m), expected, 'default window');
});

t('exponents above 2^52 (bigint digit path) and edge cases', () => {
  const bases = Array.from({ length: 9 }, () => randomBelow(m));
  const exps = bases.map(() => randomBits(120));
  assert.is(pippengerMultiExp(bases, exps, m), naive(bases, exps, m));
  assert.is(pippengerMultiExp([], [], m), 1n);
  assert.is(pippengerMultiExp([5n, 7n], [0n, 0n], m), 1n);
  assert.is(pippengerMultiExp([m + 3n], [2n], m), 9n, 'bases are reduced');
  assert.throws(() => pippengerMultiExp([2n], [-1n], m), /non-negative/);
  assert.throws(() => pippengerMultiExp([2n], [], m), /1 bases but 0 exponents/);
});

t('the cost model picks larger windows for longer vectors and beats 4-bit Straus at 30,000 rows', () => {
  assert.ok(pippengerWindow(30_000, 24) > pippengerWindow(569, 24));
  const straus = (n: number, bits: number) => Math.ceil(bits / 4) * n;
  assert.ok(pippengerCost(30_000, 24, pippengerWindow(30_000, 24)) < straus(30_000, 24) / 2);
});

t('Paillier dots: Straus and Pippenger branches give the same encrypted dot products (signed scalars)', () => {
  const { publicKey: pk, privateKey: sk } = generatePaillierKeyPair(512);
  const values = Array.from({ length: 300 }, (_, i) => BigInt(i % 11) - 5n);
  const cts = values.map((v) => pk.encrypt(v));
  const scalars = Array.from({ length: 3 }, () => values.map(() => {
    const k = randomBits(24);
    return Math.random() < 0.5 ? -k : k;
  }));
  const viaDots = pk.dots(cts, scalars);
  const tables = pk.precompute(cts);
  scalars.forEach((ks, j) => {
    const expected = ks.reduce((s, k, i) => s + k * values[i]!, 0n);
    assert.is(sk.decryptSigned(viaDots[j]!), expected, `dots output ${j}`);
    assert.is(sk.decryptSigned(pk.dotPippenger(cts, ks)), expected, `pippenger output ${j}`);
    assert.is(sk.decryptSigned(pk.dot(tables, ks)), expected, `straus output ${j}`);
  });
  assert.throws(() => pk.dots(cts, [[1n]]), /300 ciphertexts but 1 scalars/);
});

t.run();

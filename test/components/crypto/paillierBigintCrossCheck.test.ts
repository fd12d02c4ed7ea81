// Property-style cross-check of our Paillier (g = n+1, CRT, signed scalars, Straus dot) against the
// reference npm package paillier-bigint 3.4.3 (same "simple variant" g = n+1): ciphertexts made by one
// implementation are decrypted by the other, on random values and on the edges (0, ±1, ±max magnitude).
// Keys go both ways too: ours drives paillier-bigint, and paillier-bigint's key generation drives ours.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import * as pb from 'paillier-bigint';
import { modInv, randomBelow, randomBits } from '../../../src/components/crypto/bigint.js';
import { generatePaillierKeyPair, paillierKeyPairFromPrimes, type PaillierKeyPair } from '../../../src/components/crypto/paillier.js';

const t = suite('crypto/paillier cross-checked against paillier-bigint (512-bit)');

/** paillier-bigint's key objects for one of our key pairs (simple variant: λ = φ(n), μ = φ⁻¹ mod n). */
function referenceOf(ours: PaillierKeyPair): pb.KeyPair {
  const { n } = ours.publicKey;
  const { p, q } = ours.privateKey;
  const lambda = (p - 1n) * (q - 1n);
  const publicKey = new pb.PublicKey(n, n + 1n);
  return { publicKey, privateKey: new pb.PrivateKey(lambda, modInv(lambda, n), publicKey, p, q) };
}

/** Our key pair for a paillier-bigint key (its p and q are private fields of PrivateKey). */
function oursOf(reference: pb.KeyPair): PaillierKeyPair {
  const secret = reference.privateKey as unknown as { _p: bigint; _q: bigint };
  return paillierKeyPairFromPrimes(secret._p, secret._q);
}

const ourKeygen = generatePaillierKeyPair(512);
const theirKeygen = pb.generateRandomKeysSync(512, true);
const pairs: [string, PaillierKeyPair, pb.KeyPair][] = [
  ['our keygen', ourKeygen, referenceOf(ourKeygen)],
  ['paillier-bigint keygen', oursOf(theirKeygen), theirKeygen],
];

/** Signed plaintexts: the edges, then random magnitudes of every size up to FATE's max_int (n/3 − 1). */
function plaintexts(maxInt: bigint, count: number): bigint[] {
  const edges = [0n, 1n, -1n, 2n, -2n, maxInt, -maxInt, maxInt - 1n, -(maxInt - 1n)];
  const random = Array.from({ length: count }, (_, i) => {
    const bits = 1 + ((i * 37) % Number(maxInt.toString(2).length));
    const v = randomBits(bits) % (maxInt + 1n);
    return i % 2 === 0 ? v : -v;
  });
  return [...edges, ...random];
}

for (const [label, ours, ref] of pairs) {
  const { publicKey: pk, privateKey: sk } = ours;
  const n = pk.n;
  const wrap = (m: bigint) => ((m % n) + n) % n;
  const values = plaintexts(pk.maxInt, 12);

  t(`${label}: the same public key and the same private key on both sides`, () => {
    assert.is(ref.publicKey.n, n);
    assert.is(ref.publicKey.g, pk.g);
    assert.is(ref.publicKey.bitLength, 512);
    assert.is(pk.bitLength, 512);
  });

  t(`${label}: encrypt in one, decrypt in the other, for 0, ±1, ±max magnitude and random signed values`, () => {
    for (const m of values) {
      assert.is(ref.privateKey.decrypt(pk.encrypt(m)), wrap(m), `ours → paillier-bigint: ${m}`);
      assert.is(sk.decrypt(ref.publicKey.encrypt(wrap(m))), wrap(m), `paillier-bigint → ours: ${m}`);
      assert.is(sk.decryptSigned(ref.publicKey.encrypt(wrap(m))), m, `signed: ${m}`);
    }
  });

  t(`${label}: homomorphic add and plaintext add agree with paillier-bigint's`, () => {
    for (let i = 0; i < values.length; i++) {
      const a = values[i]!;
      const b = values[(i * 7 + 3) % values.length]!;
      const ca = pk.encrypt(a);
      const cb = ref.publicKey.encrypt(wrap(b));
      assert.is(ref.privateKey.decrypt(pk.add(ca, cb)), wrap(a + b), `add ${a} + ${b}`);
      assert.is(sk.decrypt(ref.publicKey.addition(ca, cb)), wrap(a + b), `addition ${a} + ${b}`);
      assert.is(ref.privateKey.decrypt(pk.addPlain(ca, b)), wrap(a + b), `addPlain ${a} + ${b}`);
      assert.is(sk.decrypt(ref.publicKey.plaintextAddition(ca, wrap(b))), wrap(a + b), `plaintextAddition ${a} + ${b}`);
    }
  });

  t(`${label}: signed scalar multiplication and the Straus dot product agree with paillier-bigint's multiply`, () => {
    const scalars = [0n, 1n, -1n, (1n << 23n) - 1n, -(1n << 23n), ...Array.from({ length: 12 }, (_, i) => (i % 2 ? -1n : 1n) * randomBits(1 + i * 5))];
    for (let i = 0; i < values.length; i++) {
      const m = values[i]!;
      const k = scalars[i % scalars.length]!;
      const c = pk.encrypt(m);
      const expected = wrap(m * k);
      assert.is(ref.privateKey.decrypt(pk.mulScalar(c, k)), expected, `ours ${m}·${k}`);
      // paillier-bigint only takes non-negative exponents: a negative k is n − |k| there.
      assert.is(sk.decrypt(ref.publicKey.multiply(c, wrap(k))), expected, `paillier-bigint ${m}·${k}`);
    }
    const cts = values.map((m) => pk.encrypt(m));
    const ks = values.map((_, i) => scalars[(i * 5 + 1) % scalars.length]!);
    const reference = ref.publicKey.addition(...cts.map((c, i) => ref.publicKey.multiply(c, wrap(ks[i]!))));
    const expected = wrap(values.reduce((s, m, i) => s + m * ks[i]!, 0n));
    assert.is(ref.privateKey.decrypt(pk.dot(cts, ks)), expected);
    assert.is(sk.decrypt(reference), expected);
  });

  t(`${label}: random ciphertexts of random residues round-trip through both decryptions`, () => {
    for (let i = 0; i < 10; i++) {
      const m = randomBelow(n);
      const c = ref.publicKey.encrypt(m);
      assert.is(sk.decrypt(c), ref.privateKey.decrypt(c));
      assert.is(sk.decrypt(pk.rerandomize(c)), m);
    }
  });
}

t.run();

import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { modPowBinary, randomBelow } from '../../../src/components/crypto/bigint.js';
import { BackgroundObfuscators } from '../../../src/components/crypto/backgroundObfuscators.js';
import { generatePaillierKeyPair, paillierKeyPairFromPrimes } from '../../../src/components/crypto/paillier.js';

const t = suite('crypto/PaillierPrivateKey.randomObfuscator (CRT form of rⁿ mod n², 512-bit)');
const { publicKey: pk, privateKey: sk } = generatePaillierKeyPair(512);
const phi = (sk.p - 1n) * (sk.q - 1n);

t('given the key holder, then its obfuscators are encryptions of 0 of order dividing φ(n), all different', () => {
  const seen = new Set<bigint>();
  for (let i = 0; i < 30; i++) {
    const z = sk.randomObfuscator();
    assert.ok(z > 1n && z < pk.n2, 'a residue mod n²');
    assert.is(sk.decrypt(z), 0n, 'an n-th residue decrypts to 0');
    assert.is(modPowBinary(z, phi, pk.n2), 1n, 'z^φ(n) ≡ 1 mod n²: z lies in the n-th residues');
    assert.not.ok(seen.has(z), 'a value came twice');
    seen.add(z);
  }
});

t('given a CRT obfuscator, then encryptions with it round-trip, negatives included', () => {
  for (const m of [0n, 1n, -1n, 123456789n, -(1n << 100n), pk.maxInt, -pk.maxInt, randomBelow(pk.n)]) {
    const c = pk.encrypt(m, sk.randomObfuscator());
    assert.is(sk.decryptSigned(c), m > pk.n / 2n ? m - pk.n : m, `m = ${m}`);
  }
});

t('given the same r, then the CRT pieces are exactly rⁿ mod n² (the map the public key uses)', () => {
  // rⁿ mod p² = (r^p)^q mod p²: checks the algebra behind "same distribution" on concrete values.
  const r = randomBelow(pk.n);
  const rn = modPowBinary(r, pk.n, pk.n2);
  const p2 = sk.p * sk.p;
  assert.is(rn % p2, modPowBinary(modPowBinary(r % sk.p, sk.p, p2), sk.q, p2));
});

t('given a tiny key (OpenSSL refuses it), then the BigInt fallback gives valid obfuscators', () => {
  const tiny = paillierKeyPairFromPrimes(17n, 19n);
  const n2 = tiny.publicKey.n2;
  const tinyPhi = 16n * 18n;
  for (let i = 0; i < 50; i++) {
    const z = tiny.privateKey.randomObfuscator();
    assert.is(modPowBinary(z, tinyPhi, n2), 1n);
    assert.is(tiny.privateKey.decrypt(z), 0n);
    const m = BigInt(i * 5) % tiny.publicKey.n;
    assert.is(tiny.privateKey.decrypt(tiny.publicKey.encrypt(m, z)), m);
  }
});

t('given the private key, then helper threads compute CRT obfuscators, each handed out once', async () => {
  const supply = new BackgroundObfuscators(sk, { budget: 60, window: 40, workers: 1 });
  try {
    const all = [...(await supply.take(25)), ...(await supply.take(35))];
    assert.is(new Set(all).size, 60);
    for (const z of all) assert.is(sk.decrypt(pk.encrypt(77n, z)), 77n);
  } finally {
    supply.close();
  }
});

t.run();

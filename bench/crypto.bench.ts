// npm run bench:crypto — Paillier and RSA operation speed at 1024 and 2048 bits, in one run with
// the plaintext cost of the same arithmetic (a BigInt multiply-add) as the floor to compare against.
import { PaillierEncryptor, generatePaillierKeyPair } from '../src/components/crypto/paillier.js';
import { generateRsaKeyPair, rsaSign } from '../src/components/crypto/rsa.js';
import { randomBelow } from '../src/components/crypto/bigint.js';

function opsPerSecond(label: string, count: number, op: (i: number) => unknown): number {
  op(0); // warm
  const started = performance.now();
  for (let i = 0; i < count; i++) op(i);
  const ms = (performance.now() - started) / count;
  console.log(`  ${label.padEnd(34)} ${ms.toFixed(4)} ms/op  ${Math.round(1000 / ms)} op/s`);
  return 1000 / ms;
}

for (const bits of [1024, 2048]) {
  const t0 = performance.now();
  const { publicKey: pk, privateKey: sk } = generatePaillierKeyPair(bits);
  console.log(`Paillier ${bits}-bit (key generation ${(performance.now() - t0).toFixed(0)} ms)`);
  const count = bits === 1024 ? 60 : 12;
  const plain = Array.from({ length: count }, () => randomBelow(1n << 40n));
  const standard = new PaillierEncryptor(pk);
  const cts = plain.map((m) => standard.encrypt(m));
  opsPerSecond('encrypt (standard rⁿ)', count, (i) => standard.encrypt(plain[i]!));
  const djn = new PaillierEncryptor(pk, { obfuscation: 'djn' });
  opsPerSecond('encrypt (DJN, opt-in)', count * 10, (i) => djn.encrypt(plain[i % count]!));
  opsPerSecond('decrypt (CRT)', count, (i) => sk.decrypt(cts[i]!));
  opsPerSecond('add', count * 200, (i) => pk.add(cts[i % count]!, cts[(i + 1) % count]!));
  opsPerSecond('scalar-mul, 24-bit k', count * 10, (i) => pk.mulScalar(cts[i % count]!, BigInt(1 + (i % 1000)) << 14n));
  opsPerSecond('scalar-mul, negative 24-bit k', count * 3, (i) => pk.mulScalar(cts[i % count]!, -(BigInt(1 + (i % 1000)) << 14n)));
  opsPerSecond('plaintext multiply-add (the floor)', 200_000, (i) => (plain[i % count]! * 12345n + plain[(i + 1) % count]!) % pk.n);
}
for (const bits of [1024, 2048]) {
  const rsa = generateRsaKeyPair(bits);
  console.log(`RSA ${bits}-bit`);
  const values = Array.from({ length: 40 }, () => randomBelow(rsa.publicKey.n));
  opsPerSecond('sign (CRT)', 40, (i) => rsaSign(values[i % 40]!, rsa.privateKey));
}

// Encrypted dot products (HeteroLR's gradients): Straus with shared tables against Pippenger's buckets,
// same ciphertexts and 24-bit signed scalars, at breast's and default_credit's row counts.
{
  const { publicKey: pk } = generatePaillierKeyPair(1024);
  console.log('Encrypted dot products, Paillier 1024 (24-bit signed scalars; µs per ciphertext·feature term)');
  for (const [rows, features] of [[569, 20], [30_000, 2]] as const) {
    const cts = Array.from({ length: rows }, () => randomBelow(pk.n2));
    const scalars = Array.from({ length: features }, () => Array.from({ length: rows }, () => {
      const k = randomBelow(1n << 24n);
      return k & 1n ? -k : k;
    }));
    const t0 = performance.now();
    const tables = pk.precompute(cts);
    scalars.forEach((ks) => pk.dot(tables, ks));
    const straus = performance.now() - t0;
    const t1 = performance.now();
    scalars.forEach((ks) => pk.dotPippenger(cts, ks));
    const pippenger = performance.now() - t1;
    const t2 = performance.now();
    pk.dots(cts, scalars);
    const chosen = performance.now() - t2;
    const per = (ms: number) => ((ms * 1000) / (rows * features)).toFixed(1);
    console.log(`  ${rows} rows × ${features} features: Straus ${per(straus)} µs, Pippenger ${per(pippenger)} µs (×${(straus / pippenger).toFixed(2)}), dots() picks ${per(chosen)} µs`);
  }
}

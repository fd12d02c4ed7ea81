import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { randomBits } from '../../../src/components/crypto/bigint.js';
import { generatePaillierKeyPair } from '../../../src/components/crypto/paillier.js';
import { BitSlicedColumns, SubsetProductTables } from '../../../src/components/crypto/subsetProducts.js';

const t = suite('crypto/SubsetProductTables (bit-sliced multi-exponentiation, 512-bit)');
const { publicKey: pk, privateKey: sk } = generatePaillierKeyPair(512);

const signed = (bits: number) => (Math.random() < 0.5 ? -randomBits(bits) : randomBits(bits));

t('given signed, positive, zero and single-bit columns, then every product equals the Straus dot product', () => {
  for (const rows of [1, 3, 7, 8, 50]) {
    const cts = Array.from({ length: rows }, (_, i) => pk.encrypt(BigInt(i * 1000 - 20_000)));
    const columns = [
      Array.from({ length: rows }, () => signed(27)),
      Array.from({ length: rows }, () => randomBits(24)),
      Array.from({ length: rows }, () => 0n),
      Array.from({ length: rows }, () => 1n << 23n), // the intercept column
      Array.from({ length: rows }, (_, i) => (i % 2 ? -1n : 0n)),
    ];
    for (const groupBits of [1, 5, 7]) {
      const tables = new SubsetProductTables(cts, pk.n2, groupBits);
      const got = tables.multiExp(new BitSlicedColumns(columns, rows, groupBits));
      columns.forEach((ks, j) => assert.is(got[j], pk.dot(cts, ks), `rows ${rows}, g ${groupBits}, column ${j}`));
    }
  }
});

t('given one set of tables, then several column sets reuse it and decrypt to the plaintext dot products', () => {
  const values = Array.from({ length: 40 }, () => signed(40));
  const cts = values.map((m) => pk.encrypt(m));
  const tables = new SubsetProductTables(cts, pk.n2);
  for (let round = 0; round < 3; round++) {
    const columns = Array.from({ length: 4 }, () => Array.from({ length: 40 }, () => signed(24)));
    const got = tables.multiExp(new BitSlicedColumns(columns, 40));
    columns.forEach((ks, j) => assert.is(sk.decryptSigned(got[j]!), ks.reduce((s, k, i) => s + k * values[i]!, 0n)));
  }
});

t('given columns of another length or group size, then it refuses', () => {
  const cts = [pk.encrypt(1n), pk.encrypt(2n)];
  const tables = new SubsetProductTables(cts, pk.n2);
  assert.throws(() => tables.multiExp(new BitSlicedColumns([[1n, 2n, 3n]], 3)), /3 rows/);
  assert.throws(() => tables.multiExp(new BitSlicedColumns([[1n, 2n]], 2, 5)), /5-bit groups/);
  assert.throws(() => new BitSlicedColumns([[1n]], 2), /1 exponents for 2 bases/);
});

t.run();

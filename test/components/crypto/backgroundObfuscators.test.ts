import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { BackgroundObfuscators } from '../../../src/components/crypto/backgroundObfuscators.js';
import { generatePaillierKeyPair } from '../../../src/components/crypto/paillier.js';

const t = suite('crypto/BackgroundObfuscators (512-bit)');
const { publicKey: pk, privateKey: sk } = generatePaillierKeyPair(512);

/** An obfuscator is valid iff it is an n-th residue: (1 + m·n)·obf decrypts to m. */
const decryptsBack = (obf: bigint, m: bigint) => sk.decrypt(pk.encrypt(m, obf)) === m;

t('given helper threads, then every obfuscator handed out is a fresh n-th residue, even past the budget', async () => {
  const supply = new BackgroundObfuscators(pk, { budget: 100, window: 40, workers: 2 });
  try {
    const seen = new Set<bigint>();
    for (const count of [1, 30, 50, 19, 25]) {
      const batch = await supply.take(count);
      assert.is(batch.length, count);
      for (const obf of batch) {
        assert.not.ok(seen.has(obf), 'an obfuscator was handed out twice');
        seen.add(obf);
        assert.ok(decryptsBack(obf, 424242n));
      }
    }
    assert.is(seen.size, 125);
  } finally {
    supply.close();
  }
});

t('given time to work ahead, then the helpers prepare up to the window and no more than the budget', async () => {
  const supply = new BackgroundObfuscators(pk, { budget: 40, window: 1000, workers: 1 });
  try {
    for (let i = 0; i < 400 && supply.available < 40; i++) await new Promise((r) => setTimeout(r, 10));
    assert.is(supply.available, 40, 'prepared ahead of need');
    await new Promise((r) => setTimeout(r, 100));
    assert.is(supply.available, 40, 'never beyond the budget');
    assert.is((await supply.take(40)).length, 40);
  } finally {
    supply.close();
  }
});

t('given no helper thread, then the calling thread computes them itself; after close it refuses', async () => {
  const supply = new BackgroundObfuscators(pk, { budget: 10, window: 10, workers: 0 });
  const batch = await supply.take(3);
  assert.ok(batch.every((obf) => decryptsBack(obf, -7n + pk.n)));
  supply.close();
  try {
    await supply.take(1);
    assert.unreachable('take after close');
  } catch (error) {
    assert.match((error as Error).message, /closed/);
  }
});

t.run();

import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { randomBelow } from '../../../src/components/crypto/bigint.js';
import { CryptoPool } from '../../../src/components/crypto/cryptoPool.js';
import { generateRsaKeyPair, rsaSign } from '../../../src/components/crypto/rsa.js';
import { packResidues, slotWidth, unpackResidues } from '../../../src/components/crypto/rsaBatch.js';

const t = suite('crypto/cryptoPool');

const { privateKey: key } = generateRsaKeyPair(512);
const values = Array.from({ length: 101 }, () => randomBelow(key.n));
const expected = values.map((x) => rsaSign(x, key));
const width = slotWidth(key.n);

async function signAll(pool: CryptoPool, batch: number, signal?: AbortSignal): Promise<bigint[]> {
  const out: bigint[] = new Array(values.length);
  let inFlight = 0;
  let maxInFlight = 0;
  await pool.forEachBatch(
    values.length,
    batch,
    async (from, to) => {
      maxInFlight = Math.max(maxInFlight, ++inFlight);
      try {
        return await pool.run('rsa.signSlots', { key, packed: packResidues(values.slice(from, to), key.n) }, signal);
      } finally {
        inFlight--;
      }
    },
    (from, packed) => unpackResidues(packed, width).forEach((z, i) => (out[from + i] = z)),
    signal,
  );
  assert.ok(maxInFlight <= Math.max(1, 2 * pool.size), `at most 2 batches per helper in flight, saw ${maxInFlight}`);
  return out;
}

t('given two helper threads, when a column is signed in mini-batches, then the result equals the single-thread one, index-aligned', async () => {
  const pool = new CryptoPool(2);
  try {
    assert.equal(await signAll(pool, 7), expected);
  } finally {
    await pool.close();
  }
});

t('given no helper threads, when signing, then the calling thread computes the same values', async () => {
  assert.equal(await signAll(new CryptoPool(0), 10), expected);
});

t('given an aborted signal, when batches are pending, then the call rejects with the reason', async () => {
  const pool = new CryptoPool(1);
  const controller = new AbortController();
  try {
    const pending = signAll(pool, 5, controller.signal);
    controller.abort(new Error('stop'));
    await pending;
    assert.unreachable('should reject');
  } catch (error) {
    assert.match(String(error), /stop/);
  } finally {
    await pool.close();
  }
});

t('given a failing batch in a helper, then the call rejects with its message and the helper keeps serving', async () => {
  const pool = new CryptoPool(1);
  try {
    await pool.run('rsa.signSlots', { key, packed: new Uint8Array(width + 1) }).then(
      () => assert.unreachable('should reject'),
      (error) => assert.ok(error instanceof Error),
    );
    const [x] = values;
    const packed = await pool.run('rsa.signSlots', { key, packed: packResidues([x!], key.n) });
    assert.equal(unpackResidues(packed, width), [expected[0]]);
  } finally {
    await pool.close();
  }
});

t.run();

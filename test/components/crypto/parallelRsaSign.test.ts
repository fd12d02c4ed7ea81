import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { randomBelow } from '../../../src/components/crypto/bigint.js';
import { signInParallel } from '../../../src/components/crypto/parallelRsaSign.js';
import { generateRsaKeyPair, rsaSign } from '../../../src/components/crypto/rsa.js';

const t = suite('crypto/parallelRsaSign');

const { privateKey } = generateRsaKeyPair(512);
const values = Array.from({ length: 101 }, () => randomBelow(privateKey.n));
const expected = values.map((x) => rsaSign(x, privateKey));
const here = async (share: readonly bigint[]) => share.map((x) => rsaSign(x, privateKey));

t('given two helper threads, when signing a batch, then the signatures equal the single-thread ones, index-aligned', async () => {
  let hereCount = 0;
  const signed = await signInParallel(privateKey, values, async (share) => ((hereCount = share.length), here(share)), new AbortController().signal, {
    workers: 2,
    minBatch: 1,
  });
  assert.equal(signed, expected);
  assert.is(hereCount, 34, 'the calling thread signs one of three shares');
});

t('given a batch smaller than minBatch, when signing, then no helper thread is used', async () => {
  let hereCount = 0;
  const signed = await signInParallel(privateKey, values, async (share) => ((hereCount = share.length), here(share)), new AbortController().signal, {
    workers: 2,
    minBatch: 1000,
  });
  assert.equal(signed, expected);
  assert.is(hereCount, values.length);
});

t('given more helpers than values, when signing, then empty shares are fine', async () => {
  const signed = await signInParallel(privateKey, values.slice(0, 2), here, new AbortController().signal, { workers: 3, minBatch: 1 });
  assert.equal(signed, expected.slice(0, 2));
});

t('given an aborted signal, when the helpers are running, then the call rejects', async () => {
  const controller = new AbortController();
  const big = Array.from({ length: 3000 }, () => randomBelow(privateKey.n));
  const pending = signInParallel(privateKey, big, async () => new Promise<bigint[]>(() => {}), controller.signal, { workers: 1, minBatch: 1 });
  controller.abort(new Error('stop'));
  try {
    await pending;
    assert.unreachable('should reject');
  } catch (error) {
    assert.match(String(error), /stop/);
  }
});

t.run();

import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { generatePaillierKeyPair } from '../../../src/components/crypto/paillier.js';
import { encryptedBinSums } from '../../../src/components/featureBinning/binSums.js';

const t = suite('featureBinning encrypted bin sums');

t('given encrypted 0/1 labels split across 2 helper threads, then each bin decrypts to its event count, as on one thread', async () => {
  const { publicKey, privateKey } = generatePaillierKeyPair(512);
  const labels = Array.from({ length: 301 }, (_, i) => (i % 3 === 0 || i % 5 === 0 ? 1 : 0));
  const cts = labels.map((y) => publicKey.encrypt(BigInt(y)));
  const bins = [Int32Array.from(labels, (_, i) => i % 4), Int32Array.from(labels, (_, i) => (i < 150 ? 0 : 2))];
  const tops = [3, 2];
  const signal = new AbortController().signal;
  const parallel = await encryptedBinSums(publicKey.n2, cts, bins, tops, signal, { workers: 2, minWork: 0 });
  const single = await encryptedBinSums(publicKey.n2, cts, bins, tops, signal, { workers: 0 });
  const expected = bins.map((col, c) => {
    const e = new Array(tops[c]! + 1).fill(0);
    col.forEach((b, i) => (e[b] += labels[i]!));
    return e;
  });
  assert.equal(parallel.map((col) => col.map((x) => Number(privateKey.decrypt(x)))), expected);
  assert.equal(single, parallel);
  assert.is(Number(privateKey.decrypt(parallel[1]![1]!)), 0, 'an empty bin is an encryption of 0');
});

t.run();

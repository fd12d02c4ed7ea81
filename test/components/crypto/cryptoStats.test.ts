// The Paillier counters of /metrics are shared with worker threads: what a worker records and
// flushes before it ends is counted by the main thread, even when the worker is terminated at once
// (the pool ends idle workers right after a task; a short task's few operations used to be lost).
import { Worker } from 'node:worker_threads';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { cryptoStatsBuffer, paillierStats } from '../../../src/components/crypto/cryptoStats.js';

const t = suite('crypto stats shared with workers');
const MODULE = new URL('../../../src/components/crypto/cryptoStats.js', import.meta.url).href;

/** Runs `body` (with `stats` the module) in a worker that shares the cells, then terminates it. */
async function inWorker(body: string): Promise<void> {
  const worker = new Worker(
    `const { parentPort } = require('node:worker_threads');
     import(${JSON.stringify(MODULE)}).then((stats) => { ${body}; parentPort.postMessage('done'); });`,
    { eval: true, workerData: { cryptoStats: cryptoStatsBuffer() } },
  );
  await new Promise<void>((resolve, reject) => (worker.once('message', () => resolve()), worker.once('error', reject)));
  await worker.terminate();
}

t('a few decrypts flushed before the worker reports are counted after it is terminated', async () => {
  const before = paillierStats().decrypt.count;
  await inWorker(`stats.recordPaillier('decrypt', 0.5, 3); stats.flushPaillierStats()`);
  assert.is(paillierStats().decrypt.count - before, 3);
});

t.run();

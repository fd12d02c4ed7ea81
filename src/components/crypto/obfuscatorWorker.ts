// Worker thread body of BackgroundObfuscators: computes standard Paillier obfuscators rⁿ mod n² on
// request and posts them back in small batches, so the encrypting thread can start using the first
// ones while the rest are still being computed.
import { parentPort } from 'node:worker_threads';
import { modPow, randomUnit } from './bigint.js';

export interface ObfuscatorRequest {
  n: bigint;
  count: number;
}

const BATCH = 8;
const port = parentPort;
if (!port) throw new Error('obfuscatorWorker must run in a worker thread');

port.on('message', ({ n, count }: ObfuscatorRequest) => {
  const n2 = n * n;
  for (let done = 0; done < count; ) {
    const batch: bigint[] = [];
    for (; batch.length < BATCH && done < count; done++) batch.push(modPow(randomUnit(n), n, n2));
    port.postMessage(batch);
  }
});

// Worker thread body of BackgroundObfuscators: computes standard Paillier obfuscators rⁿ mod n² on
// request and posts them back in small batches, so the encrypting thread can start using the first
// ones while the rest are still being computed.
import { parentPort } from 'node:worker_threads';
import { PaillierPublicKey } from './paillier.js';

export interface ObfuscatorRequest {
  n: bigint;
  count: number;
}

const BATCH = 8;
const port = parentPort;
if (!port) throw new Error('obfuscatorWorker must run in a worker thread');

// One key per job: keep its OpenSSL key object between requests.
let key: PaillierPublicKey | null = null;

port.on('message', ({ n, count }: ObfuscatorRequest) => {
  if (key?.n !== n) key = new PaillierPublicKey(n);
  for (let done = 0; done < count; ) {
    const batch: bigint[] = [];
    for (; batch.length < BATCH && done < count; done++) batch.push(key.randomObfuscator());
    port.postMessage(batch);
  }
});

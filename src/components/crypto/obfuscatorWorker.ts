// Worker thread body of BackgroundObfuscators: computes standard Paillier obfuscators on request and
// posts them back in small batches, so the encrypting thread can start using the first ones while the
// rest are still being computed. Either from the public key (rⁿ mod n²) or, for the key holder, from
// p and q (the CRT form, same distribution, ≈ 3× cheaper: PaillierPrivateKey.randomObfuscator).
import { parentPort } from 'node:worker_threads';
import { PaillierPrivateKey, PaillierPublicKey } from './paillier.js';

export type ObfuscatorRequest = { n: bigint; count: number } | { p: bigint; q: bigint; count: number };

const BATCH = 8;
const port = parentPort;
if (!port) throw new Error('obfuscatorWorker must run in a worker thread');

// One key per job: keep its OpenSSL key objects between requests.
let cached: { id: string; key: { randomObfuscator(): bigint } } | null = null;

function sourceFor(request: ObfuscatorRequest): { randomObfuscator(): bigint } {
  const id = 'p' in request ? `crt:${request.p}:${request.q}` : `n:${request.n}`;
  if (cached?.id !== id) {
    const key = 'p' in request ? new PaillierPrivateKey(new PaillierPublicKey(request.p * request.q), request.p, request.q) : new PaillierPublicKey(request.n);
    cached = { id, key };
  }
  return cached.key;
}

port.on('message', (request: ObfuscatorRequest) => {
  const key = sourceFor(request);
  for (let done = 0; done < request.count; ) {
    const batch: bigint[] = [];
    for (; batch.length < BATCH && done < request.count; done++) batch.push(key.randomObfuscator());
    port.postMessage(batch);
  }
});

// Worker thread body of `signInParallel`: signs one slice of a batch with the host's RSA key and
// posts the signatures back (index-aligned with the slice).
import { parentPort, workerData } from 'node:worker_threads';
import { type RsaPrivateKey, rsaSigner } from './rsa.js';

export interface RsaSignJob {
  key: RsaPrivateKey;
  values: bigint[];
}

const port = parentPort;
if (!port) throw new Error('rsaSignWorker must run in a worker thread');
const { key, values } = workerData as RsaSignJob;
const sign = rsaSigner(key);
port.postMessage(values.map(sign));

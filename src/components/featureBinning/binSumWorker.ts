// Worker thread body of encryptedBinSums: one share of the host's rows, products per column and bin.
import { parentPort, workerData } from 'node:worker_threads';
import { productsByBin } from './binSums.js';

export interface BinSumJob {
  n2: bigint;
  cts: bigint[];
  bins: Int32Array[];
  tops: number[];
}

const port = parentPort;
if (!port) throw new Error('binSumWorker must run in a worker thread');
const job = workerData as BinSumJob;
port.postMessage(productsByBin(job.n2, job.cts, job.bins, job.tops));

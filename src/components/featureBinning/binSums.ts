// The host's per-bin sums of the guest's encrypted labels: for every column, Π of the ciphertexts of
// the rows in each bin (mod n²). That is one modular multiplication per row and column (300,000 for
// default_credit's host), the host's whole share of the protocol, so large tables are split by rows
// across helper threads (the guest is waiting meanwhile, so a core is free) and the partial products
// multiplied together. The ciphertexts only move between threads of the host's own process.
import { Worker } from 'node:worker_threads';
import { defaultObfuscatorWorkers } from '../crypto/backgroundObfuscators.js';
import type { BinSumJob } from './binSumWorker.js';

const ENTRY = new URL('./binSumWorker.js', import.meta.url);
/** Below this many row × column additions the calling thread does them alone (a worker costs ~40 ms to start). */
export const PARALLEL_SUM_MIN = 50_000;

/** Π per bin over rows [from, to): out[column][bin]. */
export function productsByBin(n2: bigint, cts: readonly bigint[], bins: readonly Int32Array[], tops: readonly number[], from = 0, to = cts.length): bigint[][] {
  return bins.map((col, c) => {
    const acc = new Array<bigint>(tops[c]! + 1).fill(1n);
    for (let i = from; i < to; i++) {
      const b = col[i]!;
      acc[b] = (acc[b]! * cts[i]!) % n2;
    }
    return acc;
  });
}

function inWorker(job: BinSumJob, signal: AbortSignal): Promise<bigint[][]> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(ENTRY, { workerData: job });
    const onAbort = () => void worker.terminate();
    signal.addEventListener('abort', onAbort, { once: true });
    let result: bigint[][] | undefined;
    worker.once('message', (sums: bigint[][]) => (result = sums));
    worker.once('error', reject);
    worker.once('exit', () => {
      signal.removeEventListener('abort', onAbort);
      if (result) resolve(result);
      else reject(signal.aborted ? signal.reason : new Error('binSumWorker exited without a result'));
    });
  });
}

/** Per column and bin, the product of the ciphertexts of its rows (1n for an empty bin). */
export async function encryptedBinSums(
  n2: bigint,
  cts: readonly bigint[],
  bins: readonly Int32Array[],
  tops: readonly number[],
  signal: AbortSignal,
  options: { workers?: number; minWork?: number } = {},
): Promise<bigint[][]> {
  const workers = options.workers ?? defaultObfuscatorWorkers();
  if (workers === 0 || cts.length * bins.length < (options.minWork ?? PARALLEL_SUM_MIN)) return productsByBin(n2, cts, bins, tops);
  const parts = workers + 1;
  const size = Math.ceil(cts.length / parts);
  const helped = Array.from({ length: workers }, (_, w) => {
    const from = (w + 1) * size;
    const to = Math.min(cts.length, from + size);
    if (from >= to) return Promise.resolve(null);
    return inWorker({ n2, cts: cts.slice(from, to), bins: bins.map((b) => b.slice(from, to)), tops: [...tops] }, signal);
  });
  // The calling thread takes the first share while the helpers run.
  const own = productsByBin(n2, cts, bins, tops, 0, Math.min(size, cts.length));
  for (const part of await Promise.all(helped)) {
    if (!part) continue;
    part.forEach((col, c) => col.forEach((v, b) => (own[c]![b] = (own[c]![b]! * v) % n2)));
  }
  return own;
}

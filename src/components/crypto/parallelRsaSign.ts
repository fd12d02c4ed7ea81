/**
 * RSA signing of a large batch split across helper threads (issue 4: default_credit's 30,000 ids per
 * side took minutes on one core). The calling thread signs its own share too, so with one helper
 * both cores work. Small batches stay on the calling thread: a worker costs ~30–50 ms to start.
 * The private key only moves between threads of the host's own process.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { RsaPrivateKey } from './rsa.js';
import type { RsaSignJob } from './rsaSignWorker.js';

const ENTRY = new URL('./rsaSignWorker.js', import.meta.url);
/** Below this many values a batch is signed on the calling thread only. */
export const PARALLEL_SIGN_MIN = 2000;

/** Helper threads for signing: `FEDFLOW_CRYPTO_WORKERS`, else one less than the cores (≥ 1). */
export function defaultSignWorkers(): number {
  const env = Number(process.env.FEDFLOW_CRYPTO_WORKERS);
  if (Number.isInteger(env) && env >= 0) return env;
  return Math.max(1, availableParallelism() - 1);
}

function signInWorker(key: RsaPrivateKey, values: bigint[], signal: AbortSignal): Promise<bigint[]> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(ENTRY, { workerData: { key, values } satisfies RsaSignJob });
    const onAbort = () => void worker.terminate();
    signal.addEventListener('abort', onAbort, { once: true });
    let result: bigint[] | undefined;
    worker.once('message', (signed: bigint[]) => (result = signed));
    worker.once('error', reject);
    worker.once('exit', () => {
      signal.removeEventListener('abort', onAbort);
      if (result) resolve(result);
      else reject(signal.aborted ? signal.reason : new Error('rsaSignWorker exited without a result'));
    });
  });
}

/**
 * Signs `values` (x ↦ x^d mod n), index-aligned, using `workers` helper threads for large batches;
 * `signHere` maps the calling thread's share (it should yield to the event loop and honour the signal).
 */
export async function signInParallel(
  key: RsaPrivateKey,
  values: readonly bigint[],
  signHere: (share: readonly bigint[]) => Promise<bigint[]>,
  signal: AbortSignal,
  options: { workers?: number; minBatch?: number } = {},
): Promise<bigint[]> {
  const workers = options.workers ?? defaultSignWorkers();
  if (workers === 0 || values.length < (options.minBatch ?? PARALLEL_SIGN_MIN)) return signHere(values);
  const parts = workers + 1;
  const size = Math.ceil(values.length / parts);
  const shares = Array.from({ length: parts }, (_, i) => values.slice(i * size, (i + 1) * size));
  const [own, ...helped] = await Promise.all([
    signHere(shares[0]!),
    ...shares.slice(1).map((share) => (share.length ? signInWorker(key, share, signal) : Promise.resolve([]))),
  ]);
  return own!.concat(...helped);
}

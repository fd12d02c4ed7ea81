// Counts and times of Paillier operations for the node's /metrics. The counters live in a
// SharedArrayBuffer so task workers (where the crypto runs) add to the same cells as the main
// thread: the pool passes the buffer as workerData.cryptoStats and a worker adopts it on load.
// Per process (one node per process in production); Atomics keep concurrent adds exact.
import { isMainThread, workerData } from 'node:worker_threads';

export const PAILLIER_OPS = ['encrypt', 'decrypt', 'add', 'mul_scalar', 'dot'] as const;
export type PaillierOp = (typeof PAILLIER_OPS)[number];
const INDEX: Record<PaillierOp, number> = Object.fromEntries(PAILLIER_OPS.map((op, i) => [op, i])) as Record<PaillierOp, number>;

let buffer = new SharedArrayBuffer(PAILLIER_OPS.length * 2 * 8);
let cells = new BigInt64Array(buffer);
if (!isMainThread && (workerData as { cryptoStats?: unknown } | null)?.cryptoStats instanceof SharedArrayBuffer) {
  buffer = (workerData as { cryptoStats: SharedArrayBuffer }).cryptoStats;
  cells = new BigInt64Array(buffer);
}

/** The shared cells, to hand to a worker as `workerData.cryptoStats`. */
export function cryptoStatsBuffer(): SharedArrayBuffer {
  return buffer;
}

/** Records `count` operations that took `ms` together (performance.now() differences). */
export function recordPaillier(op: PaillierOp, ms: number, count = 1): void {
  const i = INDEX[op] * 2;
  Atomics.add(cells, i, BigInt(count));
  Atomics.add(cells, i + 1, BigInt(Math.round(ms * 1e6)));
}

/** Operations and total nanoseconds so far, per operation. */
export function paillierStats(): Record<PaillierOp, { count: number; seconds: number }> {
  const out = {} as Record<PaillierOp, { count: number; seconds: number }>;
  for (const op of PAILLIER_OPS) {
    const i = INDEX[op] * 2;
    out[op] = { count: Number(Atomics.load(cells, i)), seconds: Number(Atomics.load(cells, i + 1)) / 1e9 };
  }
  return out;
}

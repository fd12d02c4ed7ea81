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

// Ops are tallied in plain numbers and moved to the shared cells in batches: an Atomics.add of a
// BigInt per homomorphic addition would cost a noticeable share of the addition itself.
const pendingCount = new Float64Array(PAILLIER_OPS.length);
const pendingMs = new Float64Array(PAILLIER_OPS.length);
let pendingOps = 0;
let pendingTime = 0;
const FLUSH_OPS = 512;
const FLUSH_MS = 20;

/**
 * Moves this thread's pending tally to the shared cells now. A task worker calls it before it reports
 * a task's end: an idle worker may be terminated right after, and a short task's few operations
 * (under FLUSH_OPS and FLUSH_MS) would otherwise be lost with it.
 */
export function flushPaillierStats(): void {
  flush();
}

function flush(): void {
  for (let op = 0; op < PAILLIER_OPS.length; op++) {
    if (pendingCount[op] === 0) continue;
    Atomics.add(cells, op * 2, BigInt(pendingCount[op]!));
    Atomics.add(cells, op * 2 + 1, BigInt(Math.round(pendingMs[op]! * 1e6)));
    pendingCount[op] = 0;
    pendingMs[op] = 0;
  }
  pendingOps = 0;
  pendingTime = 0;
}
// What is left after a burst is moved once the thread is idle (unref: it keeps no thread alive).
setInterval(() => pendingOps > 0 && flush(), 500).unref();

/** Records `count` operations that took `ms` together (performance.now() differences). */
export function recordPaillier(op: PaillierOp, ms: number, count = 1): void {
  const i = INDEX[op];
  pendingCount[i]! += count;
  pendingMs[i]! += ms;
  pendingOps += count;
  pendingTime += ms;
  if (pendingOps >= FLUSH_OPS || pendingTime >= FLUSH_MS) flush();
}

/** Operations and their total time so far, per operation (this thread's pending tally included). */
export function paillierStats(): Record<PaillierOp, { count: number; seconds: number }> {
  flush();
  const out = {} as Record<PaillierOp, { count: number; seconds: number }>;
  for (const op of PAILLIER_OPS) {
    const i = INDEX[op] * 2;
    out[op] = { count: Number(Atomics.load(cells, i)), seconds: Number(Atomics.load(cells, i + 1)) / 1e9 };
  }
  return out;
}

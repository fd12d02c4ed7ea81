/**
 * Persistent helper threads for the crypto of big tables (issue 17): RSA signatures, blinding and
 * hashing of the RSA intersection, Paillier encryptions and homomorphic sums, all as named
 * operations on mini-batches (poolOps.ts).
 *
 * Why a pool and mini-batches: starting a worker costs 30–50 ms and a whole column per worker means
 * a whole column of intermediate values in memory at once. Here the threads start once per process
 * and a long column is cut into batches of a few thousand values, at most `2 × threads` of them in
 * flight, written into their place of the output as they come back — so every core works and the
 * memory beyond the input and output is a few batches. Idle helpers do not keep the process alive.
 *
 * `FEDFLOW_CRYPTO_WORKERS` sets the number of helpers (default: one per core, because the calling
 * thread only cuts and joins batches); 0 runs every batch on the calling thread, yielding between
 * batches so an abort lands.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { PoolReply, PoolRequest } from './cryptoPoolWorker.js';
import { type PoolArgs, type PoolOpName, type PoolResult, poolOps } from './poolOps.js';

const ENTRY = new URL('./cryptoPoolWorker.js', import.meta.url);

/** Helper threads: `FEDFLOW_CRYPTO_WORKERS`, else one per core. */
export function defaultCryptoWorkers(): number {
  const env = Number(process.env.FEDFLOW_CRYPTO_WORKERS);
  if (process.env.FEDFLOW_CRYPTO_WORKERS !== undefined && Number.isInteger(env) && env >= 0) return env;
  return availableParallelism();
}

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
}

interface Helper {
  worker: Worker;
  busy: number;
}

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

export class CryptoPool {
  private readonly helpers: Helper[] = [];
  private readonly pending = new Map<number, Pending & { helper: Helper }>();
  private nextId = 1;

  constructor(readonly size: number) {}

  /** Runs one batch on the least busy helper (on the calling thread when the pool has none). */
  async run<K extends PoolOpName>(op: K, args: PoolArgs<K>, signal?: AbortSignal): Promise<PoolResult<K>> {
    signal?.throwIfAborted();
    if (this.size === 0) {
      await tick();
      signal?.throwIfAborted();
      return (poolOps[op] as (a: PoolArgs<K>) => PoolResult<K>)(args);
    }
    const helper = this.pick();
    const id = this.nextId++;
    const result = new Promise<unknown>((resolve, reject) => this.pending.set(id, { resolve, reject, helper }));
    helper.busy++;
    helper.worker.ref();
    helper.worker.postMessage({ id, op, args } satisfies PoolRequest);
    if (!signal) return result as Promise<PoolResult<K>>;
    // An abort rejects at once; the helper finishes its (small) batch and the reply is dropped.
    return new Promise((resolve, reject) => {
      const onAbort = () => reject(signal.reason);
      signal.addEventListener('abort', onAbort, { once: true });
      result.then(
        (value) => (signal.removeEventListener('abort', onAbort), resolve(value as PoolResult<K>)),
        (error) => (signal.removeEventListener('abort', onAbort), reject(error)),
      );
    });
  }

  /**
   * Cuts [0, count) into batches of `batch`, runs `task(from, to)` for each with at most
   * `2 × size` (or 1 without helpers) in flight, and hands every result to `accept(from, result)`
   * as it arrives (not necessarily in order).
   */
  async forEachBatch<R>(
    count: number,
    batch: number,
    task: (from: number, to: number) => Promise<R>,
    accept: (from: number, result: R) => void,
    signal?: AbortSignal,
  ): Promise<void> {
    const limit = Math.max(1, 2 * this.size);
    let next = 0;
    const lane = async () => {
      while (next < count) {
        const from = next;
        next = Math.min(count, next + batch);
        accept(from, await task(from, next));
        signal?.throwIfAborted();
      }
    };
    await Promise.all(Array.from({ length: Math.min(limit, Math.ceil(count / batch)) }, lane));
  }

  private pick(): Helper {
    while (this.helpers.length < this.size) this.helpers.push(this.spawn());
    return this.helpers.reduce((a, b) => (b.busy < a.busy ? b : a));
  }

  private spawn(): Helper {
    const worker = new Worker(ENTRY);
    const helper: Helper = { worker, busy: 0 };
    worker.unref();
    worker.on('message', (reply: PoolReply) => {
      const pending = this.pending.get(reply.id);
      if (!pending) return;
      this.pending.delete(reply.id);
      if (--helper.busy === 0) worker.unref();
      if ('error' in reply) pending.reject(new Error(reply.error));
      else pending.resolve(reply.result);
    });
    const fail = (error: Error) => {
      const i = this.helpers.indexOf(helper);
      if (i >= 0) this.helpers.splice(i, 1);
      for (const [id, pending] of this.pending) {
        if (pending.helper !== helper) continue;
        this.pending.delete(id);
        pending.reject(error);
      }
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`crypto helper thread exited (code ${code})`)));
    return helper;
  }

  /** Ends the helpers (tests; a process's shared pool just lets idle helpers be). */
  async close(): Promise<void> {
    const helpers = this.helpers.splice(0);
    await Promise.all(helpers.map((h) => h.worker.terminate()));
  }
}

let shared: CryptoPool | undefined;

/** The process's pool, sized by `defaultCryptoWorkers()` at first use. */
export function cryptoPool(): CryptoPool {
  shared ??= new CryptoPool(defaultCryptoWorkers());
  return shared;
}

/** A pool for one call: the shared one, or an inline one (no helpers) for inputs below `minParallel`. */
export function poolFor(count: number, minParallel: number): CryptoPool {
  return count < minParallel ? INLINE : cryptoPool();
}

const INLINE = new CryptoPool(0);

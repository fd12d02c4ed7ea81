// The computing API's worker-thread map for partitions that are not read from a stored table (issue
// 17): a component's own work per output partition (DataIO parses a partition's lines and writes
// its file) run on `threads` worker threads, each partition on one worker, so that nothing it
// produces crosses threads. `map` (compute.ts) runs a kernel over a stored table's partitions;
// this runs a kernel named by its module and export over partition indexes, since the component's
// kernel lives with the component, not in the computing API.
//
// Dealing: each worker gets one partition, and the next when it posts a result (a slow worker on a
// busy core takes fewer; the results are by partition, whoever computed them). A partition's own
// input (`input(p)`, made in the calling thread when the partition is dealt: DataIO's key bytes) is
// transferred with it. A kernel that throws fails the map; the other workers are stopped.
import { Worker } from 'node:worker_threads';
import type { PartitionTaskMessage, PartitionTaskOrder, PartitionTaskSetup } from './partitionTaskWorker.js';

const ENTRY = new URL('./partitionTaskWorker.js', import.meta.url);

/** A kernel by name: export `name` of the module at `module` (a file URL), called as fn(partition, shared, input). */
export interface KernelRef {
  readonly module: string;
  readonly name: string;
}

export interface PartitionTasks {
  readonly kernel: KernelRef;
  /** Partitions 0 .. partitions − 1. */
  readonly partitions: number;
  /** What every call gets (structured-cloned once per worker). */
  readonly shared: unknown;
  /** Partition p's own input and the buffers to transfer with it (they are detached here). */
  readonly input?: (p: number) => { readonly value: unknown; readonly transfer?: readonly ArrayBuffer[] };
  /** Worker threads (at most one per partition). */
  readonly threads: number;
  readonly signal?: AbortSignal;
}

/** Each partition's result, in partition order. */
export async function mapPartitionTasks<R>(tasks: PartitionTasks): Promise<R[]> {
  const { partitions, threads } = tasks;
  if (!(Number.isInteger(threads) && threads >= 1)) throw new Error(`partition tasks need a whole number of threads >= 1, got ${threads}`);
  const results = new Array<R>(partitions);
  if (partitions === 0) return results;
  tasks.signal?.throwIfAborted();
  let next = 0;
  const workers: Worker[] = [];
  let failure: Error | undefined;
  const stopAll = (error: Error): void => {
    failure ??= error;
    for (const w of workers) void w.terminate();
  };
  const onAbort = (): void => stopAll(tasks.signal!.reason instanceof Error ? tasks.signal!.reason : new Error(String(tasks.signal!.reason)));
  tasks.signal?.addEventListener('abort', onAbort, { once: true });
  const deal = (worker: Worker): void => {
    if (failure || next >= partitions) {
      worker.postMessage({ type: 'end' } satisfies PartitionTaskOrder);
      return;
    }
    const p = next++;
    let input: ReturnType<NonNullable<PartitionTasks['input']>> | undefined;
    try {
      input = tasks.input?.(p);
    } catch (error) {
      stopAll(error instanceof Error ? error : new Error(String(error)));
      return;
    }
    worker.postMessage({ type: 'run', partition: p, input: input?.value } satisfies PartitionTaskOrder, [...(input?.transfer ?? [])]);
  };
  try {
    const setup: PartitionTaskSetup = { module: tasks.kernel.module, name: tasks.kernel.name, shared: tasks.shared };
    // Every worker started before the first partition is dealt: their start (a thread, the kernel's
    // imports) overlaps whatever the first `input` does in this thread.
    for (let w = 0; w < Math.min(threads, partitions); w++) workers.push(new Worker(ENTRY, { workerData: setup }));
    await Promise.all(
      workers.map((worker) => new Promise<void>((resolve) => {
        worker.on('message', (m: PartitionTaskMessage) => {
          if (m.type === 'result') {
            results[m.partition] = m.result as R;
            deal(worker);
          } else stopAll(new Error(m.message));
        });
        worker.on('error', (e) => stopAll(e));
        worker.on('exit', (code) => {
          if (code !== 0 && !failure) stopAll(new Error(`partition worker exited with ${code}`));
          resolve();
        });
        deal(worker);
      })),
    );
  } finally {
    tasks.signal?.removeEventListener('abort', onAbort);
  }
  if (failure) throw failure;
  for (let p = 0; p < partitions; p++) if (!(p in results)) throw new Error(`partition ${p} got no result`);
  return results;
}

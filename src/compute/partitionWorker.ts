// A partition worker: runs one kernel of partitions.ts over the partitions it is given, each read
// from its own Arrow file, and posts each result back as soon as it is computed (typed arrays are
// transferred, not copied). Started per call by compute.ts; it ends when its partitions are done.
import { parentPort, workerData } from 'node:worker_threads';
import { KERNELS, metaOf, readPartition, type KernelName, type TableRef } from './partitions.js';

export interface PartitionJob {
  readonly ref: TableRef;
  readonly kernel: KernelName;
  readonly args: readonly unknown[];
  readonly partitions: readonly number[];
}

export type PartitionMessage = { type: 'result'; partition: number; result: unknown } | { type: 'error'; message: string };

const job = workerData as PartitionJob;
try {
  const meta = metaOf(job.ref);
  const kernel = KERNELS[job.kernel] as (...a: unknown[]) => unknown;
  for (const p of job.partitions) {
    const result = kernel(readPartition(job.ref, meta, p), p, ...job.args);
    parentPort!.postMessage({ type: 'result', partition: p, result } satisfies PartitionMessage, transferablesOf(result));
  }
} catch (error) {
  parentPort!.postMessage({ type: 'error', message: error instanceof Error ? error.message : String(error) } satisfies PartitionMessage);
}

function transferablesOf(result: unknown): ArrayBuffer[] {
  if (ArrayBuffer.isView(result)) return result.buffer instanceof ArrayBuffer ? [result.buffer] : [];
  if (result && typeof result === 'object') {
    const out = new Set<ArrayBuffer>();
    for (const v of Object.values(result)) if (ArrayBuffer.isView(v) && v.buffer instanceof ArrayBuffer) out.add(v.buffer);
    return [...out];
  }
  return [];
}

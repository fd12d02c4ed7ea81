// A partition worker: runs one kernel of partitions.ts over the partitions it is given, each read
// from its own Arrow file, and posts each result back as soon as it is computed (typed arrays are
// transferred, not copied). Started per call by compute.ts; it ends when its partitions are done.
import { parentPort, workerData } from 'node:worker_threads';
import { readColumnarMeta } from '../store/tables/columnarTable.js';
import { KERNELS, readPartition, type KernelName } from './partitions.js';

export interface PartitionJob {
  /** The table's directory (its partitions are its rows). */
  readonly dir: string;
  readonly kernel: KernelName;
  readonly args: readonly unknown[];
  readonly partitions: readonly number[];
}

export type PartitionMessage = { type: 'result'; partition: number; result: unknown } | { type: 'error'; message: string };

const job = workerData as PartitionJob;
try {
  const meta = readColumnarMeta(job.dir);
  const kernel = KERNELS[job.kernel] as (...a: unknown[]) => unknown;
  for (const p of job.partitions) {
    const result = kernel(readPartition(job.dir, meta, p), p, ...job.args);
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

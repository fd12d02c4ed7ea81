// A handle on a partitioned columnar table (see store/tables/columnarTable.ts) and the pure,
// per-partition kernels of the computing API. Kernels run in the calling thread or in a partition
// worker (partitionWorker.ts): they read one partition's typed columns and return a small result
// (a partial sum, a sample, sorted column values), never the partition's rows.
import { join } from 'node:path';
import { compareUtf8 } from '../store/tables/packedTable.js';
import { COLUMNAR_SUFFIX, readColumnarMeta, readColumnarPartition, type ColumnarMeta, type ColumnarPartition } from '../store/tables/columnarTable.js';
import { mulberry32 } from '../random/mulberry32.js';

/** Where a partitioned table lives: the table store's directory and the table's location. */
export interface TableRef {
  readonly tablesDir: string;
  readonly location: string;
}

export const tableDir = (ref: TableRef): string => join(ref.tablesDir, ref.location + COLUMNAR_SUFFIX);
export const metaOf = (ref: TableRef): ColumnarMeta => readColumnarMeta(tableDir(ref));
export const readPartition = (dir: string, meta: ColumnarMeta, index: number): ColumnarPartition => readColumnarPartition(dir, meta, index);

/** Per column: count of non-NaN values, sum, sum of squares, min, max (NaN cells skipped). */
export interface ColumnStats {
  readonly count: Float64Array;
  readonly sum: Float64Array;
  readonly sumSq: Float64Array;
  readonly min: Float64Array;
  readonly max: Float64Array;
}

export function emptyStats(width: number): ColumnStats {
  return {
    count: new Float64Array(width),
    sum: new Float64Array(width),
    sumSq: new Float64Array(width),
    min: new Float64Array(width).fill(Infinity),
    max: new Float64Array(width).fill(-Infinity),
  };
}

/**
 * The kernels a partition worker can run, by name (functions cannot cross threads; names can). Each
 * gets the partition's columns, its index, then the call's arguments.
 */
export const KERNELS = {
  /** Column statistics of the feature columns. */
  columnStats(part: ColumnarPartition, _index: number): ColumnStats {
    const features = part.features ?? [];
    const out = emptyStats(features.length);
    for (let c = 0; c < features.length; c++) {
      const col = features[c]!;
      let n = 0, s = 0, q = 0, lo = Infinity, hi = -Infinity;
      for (let r = 0; r < col.length; r++) {
        const x = col[r]!;
        if (x !== x) continue; // NaN
        n++; s += x; q += x * x;
        if (x < lo) lo = x;
        if (x > hi) hi = x;
      }
      out.count[c] = n; out.sum[c] = s; out.sumSq[c] = q; out.min[c] = lo; out.max[c] = hi;
    }
    return out;
  },
  /** One feature column's non-NaN values, sorted ascending (the input of an exact quantile merge). */
  sortedColumn(part: ColumnarPartition, _index: number, column: number): Float64Array {
    const col = part.features?.[column];
    if (!col) throw new Error(`the table has no feature column ${column}`);
    let n = 0;
    const out = new Float64Array(col.length);
    for (let r = 0; r < col.length; r++) if (col[r] === col[r]) out[n++] = col[r]!;
    return out.subarray(0, n).sort();
  },
  /** Bernoulli sample of the keys with probability `fraction`, reproducible from (seed, partition). */
  sampleKeys(part: ColumnarPartition, partition: number, fraction: number, seed: number): string[] {
    const random = mulberry32((seed ^ Math.imul(partition + 1, 0x9e3779b1)) >>> 0);
    return part.keys.filter(() => random() < fraction);
  },
  /** The keys of the partition that are in `keys` (in key order, UTF-8 bytes: binary search, no Set of the other side). */
  keysIn(part: ColumnarPartition, _index: number, keys: readonly string[]): string[] {
    return part.keys.filter((k) => binarySearch(keys, k));
  },
  /** Row count and label counts (a labelled table): the reduce of a class-balance aggregate. */
  labelCounts(part: ColumnarPartition, _index: number): Record<string, number> {
    const out: Record<string, number> = {};
    if (part.labels) for (const l of part.labels) out[String(l)] = (out[String(l)] ?? 0) + 1;
    return out;
  },
} as const;

export type KernelName = keyof typeof KERNELS;
export type KernelArgs<K extends KernelName> = (typeof KERNELS)[K] extends (part: ColumnarPartition, index: number, ...args: infer A) => unknown ? A : never;
export type KernelResult<K extends KernelName> = ReturnType<(typeof KERNELS)[K]>;

function binarySearch(sorted: readonly string[], key: string): boolean {
  let lo = 0;
  let hi = sorted.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const c = compareUtf8(sorted[mid]!, key);
    if (c === 0) return true;
    if (c < 0) lo = mid + 1;
    else hi = mid - 1;
  }
  return false;
}

export { mulberry32 };

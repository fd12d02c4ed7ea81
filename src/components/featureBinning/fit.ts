// Fitting split points on one party's own columns, and the bin of every row in every binned column: the
// part of HeteroFeatureBinning both roles do alike, with nothing crossing the federation.
import type { BinColumns } from './columns.js';
import type { FeatureBinningParams } from './params.js';
import { binIndex, bucketSplitPoints, categorySplitPoints, quantileSplitPoints } from './splitPoints.js';

/**
 * Split points of every column in `cols.all`, by column name. `binNum` and `method` are the ones this
 * fit uses (optimal binning starts from init_bin_nums buckets of init_bucket_method).
 */
export function fitSplitPoints(
  features: readonly Float64Array[],
  cols: BinColumns,
  p: FeatureBinningParams,
  method: 'quantile' | 'bucket',
  binNum: number,
): Map<string, number[]> {
  const numeric =
    method === 'bucket'
      ? bucketSplitPoints(features, cols.numeric, binNum)
      : quantileSplitPoints(features, cols.numeric, binNum, { compressThres: p.compressThres, headSize: p.headSize, error: p.error });
  const category = categorySplitPoints(features, cols.category);
  const out = new Map<string, number[]>();
  cols.numeric.forEach((c, i) => out.set(cols.header[c]!, numeric[i]!));
  cols.category.forEach((c, i) => out.set(cols.header[c]!, category[i]!));
  return out;
}

/** The bin of each row of a column (in row order), or of the rows at `at` (in that order). */
export function binsOf(column: Float64Array, splitPoints: readonly number[], at?: ArrayLike<number>): Int32Array {
  const n = at ? at.length : column.length;
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = binIndex(column[at ? at[i]! : i]!, splitPoints);
  return out;
}

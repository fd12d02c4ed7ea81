// Fitting split points on one party's own rows, and the bin of every row in every binned column: the
// part of HeteroFeatureBinning both roles do alike, with nothing crossing the federation.
import type { Instance } from '../contract.js';
import type { BinColumns } from './columns.js';
import type { FeatureBinningParams } from './params.js';
import { binIndex, bucketSplitPoints, categorySplitPoints, quantileSplitPoints } from './splitPoints.js';

/**
 * Split points of every column in `cols.all`, by column name. `binNum` and `method` are the ones this
 * fit uses (optimal binning starts from init_bin_nums buckets of init_bucket_method).
 */
export function fitSplitPoints(
  rows: readonly Instance[],
  cols: BinColumns,
  p: FeatureBinningParams,
  method: 'quantile' | 'bucket',
  binNum: number,
): Map<string, number[]> {
  const numeric =
    method === 'bucket'
      ? bucketSplitPoints(rows, cols.numeric, binNum)
      : quantileSplitPoints(rows, cols.numeric, binNum, { compressThres: p.compressThres, headSize: p.headSize, error: p.error });
  const category = categorySplitPoints(rows, cols.category);
  const out = new Map<string, number[]>();
  cols.numeric.forEach((c, i) => out.set(cols.header[c]!, numeric[i]!));
  cols.category.forEach((c, i) => out.set(cols.header[c]!, category[i]!));
  return out;
}

/** The bin of each row (in row order) for one column. */
export function binsOf(rows: readonly Instance[], column: number, splitPoints: readonly number[]): Int32Array {
  const out = new Int32Array(rows.length);
  for (let i = 0; i < rows.length; i++) out[i] = binIndex(rows[i]!.features[column]!, splitPoints);
  return out;
}

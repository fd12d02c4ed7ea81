// Optimal binning (FATE 1.4.5 optimal_binning/): placeholder replaced below.
import type { FeatureBinningParams } from './params.js';

export interface BucketCounts {
  readonly events: number;
  readonly nonEvents: number;
}

export interface LabelTotals {
  readonly eventTotal: number;
  readonly nonEventTotal: number;
}

/** Indexes of the initial buckets whose right bounds stay as split points, ascending. */
export function optimalFromBuckets(_buckets: readonly BucketCounts[], _p: FeatureBinningParams, _maxBin: number, _totals?: LabelTotals): number[] {
  throw new Error('HeteroFeatureBinning: method optimal is not implemented yet');
}

// Fitting split points on one party's own columns, and counting the rows of each bin: the part of
// HeteroFeatureBinning both roles do alike, with nothing crossing the federation. Every pass reads
// the rows a piece at a time (rowPieces.ts: a big stored table is never whole in memory, issue 17).
import type { BinColumns } from './columns.js';
import type { FeatureBinningParams } from './params.js';
import type { RowPieces } from './rowPieces.js';
import { binIndex, BucketFitter, CategoryFitter, QuantileFitter } from './splitPoints.js';
import type { BinCounts } from './woe.js';

/**
 * Split points of every column in `cols.all`, by column name, in one pass over the rows. `binNum`
 * and `method` are the ones this fit uses (optimal binning starts from init_bin_nums buckets of
 * init_bucket_method).
 */
export function fitSplitPoints(data: RowPieces, cols: BinColumns, p: FeatureBinningParams, method: 'quantile' | 'bucket', binNum: number): Map<string, number[]> {
  const numeric =
    method === 'bucket'
      ? new BucketFitter(cols.numeric, binNum)
      : new QuantileFitter(cols.numeric, binNum, { compressThres: p.compressThres, headSize: p.headSize, error: p.error });
  const category = new CategoryFitter(cols.category);
  data.forEachPiece((_, features) => {
    numeric.add(features);
    category.add(features);
  });
  const out = new Map<string, number[]>();
  const numericPoints = numeric.points();
  const categoryPoints = category.points();
  cols.numeric.forEach((c, i) => out.set(cols.header[c]!, numericPoints[i]!));
  cols.category.forEach((c, i) => out.set(cols.header[c]!, categoryPoints[i]!));
  return out;
}

/** The bin of each value of a column (in row order), or of the values at `at` (in that order), into `out` when given. */
export function binsOf(column: Float64Array, splitPoints: readonly number[], at?: ArrayLike<number>, out?: Int32Array): Int32Array {
  const n = at ? at.length : column.length;
  const bins = out ? out.subarray(0, n) : new Int32Array(n);
  for (let i = 0; i < n; i++) bins[i] = binIndex(column[at ? at[i]! : i]!, splitPoints);
  return bins;
}

/**
 * Per column of `columns`, its per-bin event and non-event counts in the clear (woe.ts countBins over
 * the whole column: bins up to the highest one a row reaches, as FATE's add_label_in_partition grows
 * its list), in one pass over the rows. `events[r]` is 1 for an event.
 */
export function countBinsOf(data: RowPieces, columns: readonly number[], points: readonly (readonly number[])[], events: Uint8Array): BinCounts[] {
  const counts = columns.map(() => ({ events: [] as number[], nonEvents: [] as number[] }));
  data.forEachPiece((from, features) => {
    columns.forEach((c, k) => {
      const column = features[c]!;
      const sp = points[k]!;
      const { events: e, nonEvents: ne } = counts[k]!;
      for (let i = 0; i < column.length; i++) {
        const b = binIndex(column[i]!, sp);
        // Bins below b reached by no row yet start at 0, as countBins's arrays do.
        while (e.length <= b) {
          e.push(0);
          ne.push(0);
        }
        if (events[from + i] === 1) e[b] = e[b]! + 1;
        else ne[b] = ne[b]! + 1;
      }
    });
  });
  return counts;
}

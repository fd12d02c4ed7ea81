// Split points per column (FATE 1.4.5 quantile_binning.py, bucket_binning.py, base_binning.py
// fit_category_features and get_bin_num). A value falls in the first bin whose split point is ≥ it,
// values above the last split point in the last bin; so the last split point is the column maximum.
//
// Each reads the table's Float64Array columns (`features[c][r]`, issue 17): a column's values reach
// its summary, min/max or set in row order, as they did row by row, so the split points are the same.
import { QuantileSummaries, type SummaryOptions } from './quantileSummaries.js';

/** Quantile binning: the summary's value at 1/b, 2/b, …, 1, duplicates dropped (allow_duplicate false). */
export function quantileSplitPoints(features: readonly Float64Array[], columns: readonly number[], binNum: number, options: SummaryOptions): number[][] {
  const summaries = columns.map((c) => {
    const summary = new QuantileSummaries(options);
    const column = features[c]!;
    for (let r = 0; r < column.length; r++) summary.insert(column[r]!);
    return summary;
  });
  const rates: number[] = [];
  for (let i = 1; i < binNum; i++) rates.push(i * (1 / binNum));
  rates.push(1.0);
  return summaries.map((s) => {
    const points: number[] = [];
    for (const r of rates) {
      const v = s.query(r);
      if (!points.includes(v)) points.push(v);
    }
    return points;
  });
}

/** Bucket binning: bin_num equal-width buckets between the column's min and max. */
export function bucketSplitPoints(features: readonly Float64Array[], columns: readonly number[], binNum: number): number[][] {
  return columns.map((c) => {
    let min = Infinity;
    let max = -Infinity;
    const column = features[c]!;
    for (let r = 0; r < column.length; r++) {
      const v = column[r]!;
      if (Number.isNaN(v)) continue;
      if (v < min) min = v;
      if (v > max) max = v;
    }
    if (min === Infinity) {
      min = 0;
      max = 0;
    }
    const width = (max - min) / binNum;
    const points: number[] = [];
    for (let k = 0; k < binNum - 1; k++) points.push(min + (k + 1) * width);
    points.push(max);
    return points;
  });
}

/** Category columns: every distinct value, sorted, is a split point (its own bin). */
export function categorySplitPoints(features: readonly Float64Array[], columns: readonly number[]): number[][] {
  return columns.map((c) => {
    const values = new Set<number>();
    const column = features[c]!;
    for (let r = 0; r < column.length; r++) {
      const v = column[r]!;
      if (!Number.isNaN(v)) values.add(v);
    }
    return [...values].sort((a, b) => a - b);
  });
}

/** FATE's get_bin_num: the first bin whose split point is ≥ value (binary search), else the last. */
export function binIndex(value: number, splitPoints: readonly number[]): number {
  let lo = 0;
  let hi = splitPoints.length - 1;
  if (hi < 0) return 0;
  if (!(value <= splitPoints[hi]!)) return hi;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (value <= splitPoints[mid]!) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

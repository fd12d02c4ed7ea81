// Split points per column (FATE 1.4.5 quantile_binning.py, bucket_binning.py, base_binning.py
// fit_category_features and get_bin_num). A value falls in the first bin whose split point is ≥ it,
// values above the last split point in the last bin; so the last split point is the column maximum.
import type { Instance } from '../contract.js';
import { QuantileSummaries, type SummaryOptions } from './quantileSummaries.js';

/** Quantile binning: the summary's value at 1/b, 2/b, …, 1, duplicates dropped (allow_duplicate false). */
export function quantileSplitPoints(rows: readonly Instance[], columns: readonly number[], binNum: number, options: SummaryOptions): number[][] {
  const summaries = columns.map(() => new QuantileSummaries(options));
  for (const row of rows) {
    const f = row.features;
    for (let c = 0; c < columns.length; c++) summaries[c]!.insert(f[columns[c]!]!);
  }
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
export function bucketSplitPoints(rows: readonly Instance[], columns: readonly number[], binNum: number): number[][] {
  return columns.map((c) => {
    let min = Infinity;
    let max = -Infinity;
    for (const row of rows) {
      const v = row.features[c]!;
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
export function categorySplitPoints(rows: readonly Instance[], columns: readonly number[]): number[][] {
  return columns.map((c) => {
    const values = new Set<number>();
    for (const row of rows) {
      const v = row.features[c]!;
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

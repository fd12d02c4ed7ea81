// Split points per column (FATE 1.4.5 quantile_binning.py, bucket_binning.py, base_binning.py
// fit_category_features and get_bin_num). A value falls in the first bin whose split point is ≥ it,
// values above the last split point in the last bin; so the last split point is the column maximum.
//
// Each reads the table's Float64Array columns (`features[c][r]`, issue 17) a piece of rows at a time:
// a column's values reach its summary, min/max or set in row order, as they did row by row, so the
// split points are the same.
import { QuantileSummaries, type SummaryOptions } from './quantileSummaries.js';

/**
 * Split points of some columns, fitted from the rows a piece at a time (issue 17: a big stored table
 * is read so, a table in memory is one piece). Each column's values reach its summary, min/max or
 * set in row order, as they did row by row, so the split points do not depend on the pieces.
 */
export interface SplitPointFitter {
  /** The next rows: `features[c]` holds column c's values of the piece, in row order. */
  add(features: readonly Float64Array[]): void;
  /** Per column (in the order given), its split points. */
  points(): number[][];
}

/** Quantile binning: the summary's value at 1/b, 2/b, …, 1, duplicates dropped (allow_duplicate false). */
export class QuantileFitter implements SplitPointFitter {
  private readonly summaries: QuantileSummaries[];
  constructor(private readonly columns: readonly number[], private readonly binNum: number, options: SummaryOptions) {
    this.summaries = columns.map(() => new QuantileSummaries(options));
  }
  add(features: readonly Float64Array[]): void {
    this.columns.forEach((c, i) => {
      const summary = this.summaries[i]!;
      const column = features[c]!;
      for (let r = 0; r < column.length; r++) summary.insert(column[r]!);
    });
  }
  points(): number[][] {
    const rates: number[] = [];
    for (let i = 1; i < this.binNum; i++) rates.push(i * (1 / this.binNum));
    rates.push(1.0);
    return this.summaries.map((s) => {
      const points: number[] = [];
      for (const r of rates) {
        const v = s.query(r);
        if (!points.includes(v)) points.push(v);
      }
      return points;
    });
  }
}

/** Bucket binning: bin_num equal-width buckets between the column's min and max (NaN skipped). */
export class BucketFitter implements SplitPointFitter {
  private readonly min: number[];
  private readonly max: number[];
  constructor(private readonly columns: readonly number[], private readonly binNum: number) {
    this.min = columns.map(() => Infinity);
    this.max = columns.map(() => -Infinity);
  }
  add(features: readonly Float64Array[]): void {
    this.columns.forEach((c, i) => {
      // The running min/max carried over from the pieces before: the same comparisons in the same order.
      let min = this.min[i]!;
      let max = this.max[i]!;
      const column = features[c]!;
      for (let r = 0; r < column.length; r++) {
        const v = column[r]!;
        if (Number.isNaN(v)) continue;
        if (v < min) min = v;
        if (v > max) max = v;
      }
      this.min[i] = min;
      this.max[i] = max;
    });
  }
  points(): number[][] {
    return this.columns.map((_, i) => {
      let min = this.min[i]!;
      let max = this.max[i]!;
      if (min === Infinity) {
        min = 0;
        max = 0;
      }
      const width = (max - min) / this.binNum;
      const points: number[] = [];
      for (let k = 0; k < this.binNum - 1; k++) points.push(min + (k + 1) * width);
      points.push(max);
      return points;
    });
  }
}

/** Category columns: every distinct value, sorted, is a split point (its own bin). */
export class CategoryFitter implements SplitPointFitter {
  private readonly values: Set<number>[];
  constructor(private readonly columns: readonly number[]) {
    this.values = columns.map(() => new Set<number>());
  }
  add(features: readonly Float64Array[]): void {
    this.columns.forEach((c, i) => {
      const values = this.values[i]!;
      const column = features[c]!;
      for (let r = 0; r < column.length; r++) {
        const v = column[r]!;
        if (!Number.isNaN(v)) values.add(v);
      }
    });
  }
  points(): number[][] {
    return this.values.map((values) => [...values].sort((a, b) => a - b));
  }
}

/** Quantile split points of columns in memory (one piece). */
export function quantileSplitPoints(features: readonly Float64Array[], columns: readonly number[], binNum: number, options: SummaryOptions): number[][] {
  const fitter = new QuantileFitter(columns, binNum, options);
  fitter.add(features);
  return fitter.points();
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

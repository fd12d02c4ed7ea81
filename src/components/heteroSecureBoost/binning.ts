// Quantile binning of a party's own features (FATE's QuantileBinning, exact quantiles instead of a
// GK sketch): split points are the values at ranks ⌈k·N/bin_num⌉, k = 1..bin_num, de-duplicated; the
// last one is the maximum. A value goes to the first bin whose upper bound is ≥ it (bisect_left), so
// "left of split b" means value ≤ splitPoints[b]. The split points are raw feature values: they never
// leave the party.

export interface FeatureBins {
  /** Per feature: ascending bin upper bounds. */
  readonly splitPoints: number[][];
  /** Per feature: the bin index of every instance (column-major); MISSING_BIN for a missing value. */
  readonly binOf: Int32Array[];
}

/** The bin of a missing value (use_missing): outside every split, its side learned per split. */
export const MISSING_BIN = -1;

export interface MissingSettings {
  readonly useMissing: boolean;
  readonly zeroAsMissing: boolean;
}

/** Whether a value counts as missing: NaN with use_missing, and 0 too with zero_as_missing. */
export const isMissing = (x: number, m: MissingSettings): boolean => m.useMissing && (Number.isNaN(x) || (m.zeroAsMissing && x === 0));

/** First index i with points[i] ≥ x (points ascending; x ≤ the last point). */
export function bisectLeft(points: readonly number[], x: number): number {
  let lo = 0;
  let hi = points.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (points[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return Math.min(lo, points.length - 1);
}

export function quantileSplitPoints(values: readonly number[], binNum: number): number[] {
  const sorted = Float64Array.from(values).sort();
  const n = sorted.length;
  const points: number[] = [];
  for (let k = 1; k <= binNum; k++) {
    const v = sorted[Math.max(0, Math.ceil((k * n) / binNum) - 1)]!;
    if (points.length === 0 || v > points[points.length - 1]!) points.push(v);
  }
  return points;
}

export function binFeatures(rows: readonly (readonly number[])[], featureCount: number, binNum: number, missing: MissingSettings = { useMissing: false, zeroAsMissing: false }): FeatureBins {
  const splitPoints: number[][] = [];
  const binOf: Int32Array[] = [];
  for (let f = 0; f < featureCount; f++) {
    const column = rows.map((r) => {
      const x = r[f];
      if (typeof x !== 'number' || (!Number.isFinite(x) && !(missing.useMissing && Number.isNaN(x)))) {
        throw new Error(`HeteroSecureBoost: feature ${f} has a missing or non-numeric value (set use_missing to learn where missing values go)`);
      }
      return x;
    });
    const present = column.filter((x) => !isMissing(x, missing));
    const points = present.length === 0 ? [0] : quantileSplitPoints(present, binNum);
    splitPoints.push(points);
    binOf.push(Int32Array.from(column, (x) => (isMissing(x, missing) ? MISSING_BIN : bisectLeft(points, x))));
  }
  return { splitPoints, binOf };
}

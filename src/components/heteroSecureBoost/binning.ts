// Quantile binning of a party's own features (FATE's QuantileBinning, exact quantiles instead of a
// GK sketch): split points are the values at ranks ⌈k·N/bin_num⌉, k = 1..bin_num, de-duplicated; the
// last one is the maximum. A value goes to the first bin whose upper bound is ≥ it (bisect_left), so
// "left of split b" means value ≤ splitPoints[b]. The split points are raw feature values: they never
// leave the party.

/**
 * A bin index per instance, in the narrowest signed type that holds every bin and MISSING_BIN: one
 * byte per instance and feature at FATE's default bin_num 32 (issue 17: a million rows of 20
 * features are 20 MB of bins, not 80 MB).
 */
export type BinIndexes = Int8Array | Int16Array | Int32Array;

export interface FeatureBins {
  /** Per feature: ascending bin upper bounds. */
  readonly splitPoints: number[][];
  /** Per feature: the bin index of every instance (column-major); MISSING_BIN for a missing value. */
  readonly binOf: BinIndexes[];
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

export function quantileSplitPoints(values: readonly number[] | Float64Array, binNum: number): number[] {
  return splitPointsOfSorted(Float64Array.from(values).sort(), binNum);
}

/** quantileSplitPoints of values already sorted ascending. */
function splitPointsOfSorted(sorted: Float64Array, binNum: number): number[] {
  const n = sorted.length;
  const points: number[] = [];
  for (let k = 1; k <= binNum; k++) {
    const v = sorted[Math.max(0, Math.ceil((k * n) / binNum) - 1)]!;
    if (points.length === 0 || v > points[points.length - 1]!) points.push(v);
  }
  return points;
}

/** An empty bin-index array of the narrowest type for bins 0..binNum−1 and MISSING_BIN. */
export function binIndexes(binNum: number, n: number): BinIndexes {
  return binNum <= 127 ? new Int8Array(n) : binNum <= 32767 ? new Int16Array(n) : new Int32Array(n);
}

export const notNumeric = (f: number) => new Error(`HeteroSecureBoost: feature ${f} has a missing or non-numeric value (set use_missing to learn where missing values go)`);

/**
 * Split points and bin indexes of one feature column (feature `f`, for the error): the values are
 * read in place, only the present ones are copied (to sort them).
 */
export function binColumn(column: Float64Array, f: number, binNum: number, missing: MissingSettings): { points: number[]; bins: BinIndexes } {
  const n = column.length;
  let present = 0;
  for (let i = 0; i < n; i++) {
    const x = column[i]!;
    if (!Number.isFinite(x) && !(missing.useMissing && Number.isNaN(x))) throw notNumeric(f);
    if (!isMissing(x, missing)) present++;
  }
  const values = new Float64Array(present);
  for (let i = 0, j = 0; i < n; i++) if (!isMissing(column[i]!, missing)) values[j++] = column[i]!;
  // Sorted in place: the copy of the present values is this function's own.
  const points = present === 0 ? [0] : splitPointsOfSorted(values.sort(), binNum);
  const bins = binIndexes(binNum, n);
  for (let i = 0; i < n; i++) {
    const x = column[i]!;
    bins[i] = isMissing(x, missing) ? MISSING_BIN : bisectLeft(points, x);
  }
  return { points, bins };
}

/**
 * Bins feature columns (issue 17: a columnar table's own Float64Arrays, no row objects). With
 * `index`, instance i is row index[i] of the columns (a host's rows in the guest's id order); each
 * feature is gathered into one scratch column at a time.
 */
export function binColumns(columns: readonly Float64Array[], binNum: number, missing: MissingSettings = { useMissing: false, zeroAsMissing: false }, index?: Int32Array): FeatureBins {
  const splitPoints: number[][] = [];
  const binOf: BinIndexes[] = [];
  const scratch = index ? new Float64Array(index.length) : null;
  columns.forEach((source, f) => {
    let column = source;
    if (index && scratch) {
      for (let i = 0; i < index.length; i++) scratch[i] = source[index[i]!]!;
      column = scratch;
    }
    const { points, bins } = binColumn(column, f, binNum, missing);
    splitPoints.push(points);
    binOf.push(bins);
  });
  return { splitPoints, binOf };
}

/** Bins row-major feature arrays: each feature is checked and copied into a column, then binned as a column. */
export function binFeatures(rows: readonly (readonly number[])[], featureCount: number, binNum: number, missing: MissingSettings = { useMissing: false, zeroAsMissing: false }): FeatureBins {
  const splitPoints: number[][] = [];
  const binOf: BinIndexes[] = [];
  for (let f = 0; f < featureCount; f++) {
    const column = new Float64Array(rows.length);
    rows.forEach((r, i) => {
      const x = r[f];
      if (typeof x !== 'number') throw notNumeric(f);
      column[i] = x;
    });
    const { points, bins } = binColumn(column, f, binNum, missing);
    splitPoints.push(points);
    binOf.push(bins);
  }
  return { splitPoints, binOf };
}

// The statistics FeatureScale fits, over one Float64Array column (issue 17: no row objects). The
// operations and their order are those of the row-by-row code they replace (FATE's
// MultivariateStatisticalSummary as this project computes it), so every result is the same double.

const FLOAT_ZERO = 1e-8;

export interface ColumnStats {
  min: number;
  max: number;
  mean: number;
  std: number;
}

/**
 * Min, max, mean and population std of a column, NaN cells skipped. With bounds, each value is
 * first clipped to [lower, upper] (StandardScale fits on the clipped data).
 */
export function columnStats(column: Float64Array, lower = -Infinity, upper = Infinity): ColumnStats {
  const sums = new StatsSums(lower, upper);
  sums.add(column);
  return sums.stats();
}

/**
 * columnStats's sums over a column given in consecutive pieces (issue 17: a stored table's
 * partitions, never whole in memory): the same operations in the same order, so the same doubles.
 */
export class StatsSums {
  private min = Infinity;
  private max = -Infinity;
  private sum = 0;
  private sumSq = 0;
  private n = 0;

  constructor(
    private readonly lower = -Infinity,
    private readonly upper = Infinity,
  ) {}

  /** The next piece of the column. */
  add(column: Float64Array): void {
    const { lower, upper } = this;
    let { min, max, sum, sumSq, n } = this;
    for (let r = 0; r < column.length; r++) {
      let v = column[r]!;
      if (Number.isNaN(v)) continue;
      if (v > upper) v = upper;
      else if (v < lower) v = lower;
      if (v < min) min = v;
      if (v > max) max = v;
      sum += v;
      sumSq += v * v;
      n++;
    }
    Object.assign(this, { min, max, sum, sumSq, n });
  }

  stats(): ColumnStats {
    const { min, max, sum, sumSq, n } = this;
    const mean = n === 0 ? 0 : sum / n;
    let variance = n === 0 ? 0 : sumSq / n - mean * mean;
    if (Math.abs(variance) < FLOAT_ZERO) variance = 0;
    return { min: n === 0 ? 0 : min, max: n === 0 ? 0 : max, mean, std: Math.sqrt(variance) };
  }
}

/**
 * The nearest-rank quantiles of a column's non-NaN values (one sort for all of them), 0 when there
 * are none (FATE uses an approximate GK summary here). A typed-array sort orders -0 before 0 where
 * a stable numeric sort keeps them in column order; when a rank lands on a zero, the zero of that
 * rank in column order is returned, so the sign is the one the row code found.
 */
export function nearestRankQuantiles(column: Float64Array, qs: readonly number[]): number[] {
  let count = 0;
  for (let r = 0; r < column.length; r++) if (!Number.isNaN(column[r]!)) count++;
  if (count === 0) return qs.map(() => 0);
  const values = new Float64Array(count);
  let k = 0;
  for (let r = 0; r < column.length; r++) if (!Number.isNaN(column[r]!)) values[k++] = column[r]!;
  values.sort();
  return qs.map((q) => {
    const rank = Math.min(count - 1, Math.max(0, Math.ceil(q * count) - 1));
    const value = values[rank]!;
    if (value !== 0) return value;
    let firstZero = rank;
    while (firstZero > 0 && values[firstZero - 1] === 0) firstZero--;
    let zeros = rank - firstZero;
    for (let r = 0; r < column.length; r++) if (column[r] === 0 && zeros-- === 0) return column[r]!;
    return value;
  });
}

// Per-column statistics the local filters judge by, as FATE's MultivariateStatisticalSummary gives
// them (federatedml/statistic/statics.py): max, min, mean, population std (a variance under
// consts.FLOAT_ZERO counts as 0), and quantile points. Missing values (NaN) are skipped.
import type { Instance } from '../../tableData/dataTable.js';

/** FATE's consts.FLOAT_ZERO. */
export const FLOAT_ZERO = 1e-6;
/** FATE's consts.DEFAULT_RELATIVE_ERROR, the quantile summary's error. */
const QUANTILE_ERROR = 0.001;

export interface ColumnSummary {
  readonly max: number;
  readonly min: number;
  readonly mean: number;
  readonly std: number;
  /** The column's values, sorted (for quantile points). */
  readonly sorted: Float64Array;
}

export function summarize(rows: readonly Instance[], width: number): ColumnSummary[] {
  const out: ColumnSummary[] = [];
  for (let c = 0; c < width; c++) {
    const values: number[] = [];
    let sum = 0;
    let sumSq = 0;
    for (const inst of rows) {
      const v = inst.features[c];
      if (v === undefined || Number.isNaN(v)) continue;
      values.push(v);
      sum += v;
      sumSq += v * v;
    }
    const sorted = Float64Array.from(values).sort();
    const n = sorted.length;
    const mean = n === 0 ? 0 : sum / n;
    let variance = n === 0 ? 0 : sumSq / n - mean * mean;
    if (Math.abs(variance) < FLOAT_ZERO) variance = 0;
    out.push({ max: n === 0 ? 0 : sorted[n - 1]!, min: n === 0 ? 0 : sorted[0]!, mean, std: Math.sqrt(variance), sorted });
  }
  return out;
}

/**
 * QuantileSummaries.query over a summary that holds every value (FATE's GK summary with error 0.001
 * does so below about a thousand rows; above, FATE answers within its error bound and this answer
 * is the exact one): the ends below `error` and above `1 - error`, else the value whose rank is
 * ceil(q·n) less FATE's tolerance of ceil(error·n), never the first value.
 */
export function quantilePoint(summary: ColumnSummary, q: number): number {
  const values = summary.sorted;
  const n = values.length;
  if (n === 0) return 0;
  if (q <= QUANTILE_ERROR) return values[0]!;
  if (q >= 1 - QUANTILE_ERROR) return values[n - 1]!;
  const rank = Math.ceil(q * n);
  const tolerance = Math.ceil(QUANTILE_ERROR * n);
  // FATE walks samples 1..n-2 with the running rank of sample i equal to i: the first with
  // i - tolerance <= rank <= i + tolerance is i = max(1, rank - tolerance).
  const i = Math.max(1, rank - tolerance);
  return i <= n - 2 ? values[i]! : values[n - 1]!;
}

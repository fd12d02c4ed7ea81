// Regression metrics (sklearn semantics, as FATE's regression_metric.py calls them) and the
// multi-class accuracy / per-class precision and recall.

const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** sklearn's force_finite rule for a zero denominator: 1 when the numerator is 0 too, else 0. */
const ratioScore = (numerator: number, denominator: number): number =>
  denominator === 0 ? (numerator === 0 ? 1.0 : 0.0) : 1 - numerator / denominator;

export const regressionMetrics: Readonly<Record<string, (y: readonly number[], p: readonly number[]) => number>> = {
  explained_variance: (y, p) => {
    const diff = y.map((v, i) => v - p[i]!);
    const md = mean(diff);
    const my = mean(y);
    const num = mean(diff.map((d) => (d - md) ** 2));
    const den = mean(y.map((v) => (v - my) ** 2));
    return ratioScore(num, den);
  },
  mean_absolute_error: (y, p) => mean(y.map((v, i) => Math.abs(v - p[i]!))),
  mean_squared_error: (y, p) => mean(y.map((v, i) => (v - p[i]!) ** 2)),
  median_absolute_error: (y, p) => median(y.map((v, i) => Math.abs(v - p[i]!))),
  r2_score: (y, p) => {
    const my = mean(y);
    const ssRes = y.reduce((a, v, i) => a + (v - p[i]!) ** 2, 0);
    const ssTot = y.reduce((a, v) => a + (v - my) ** 2, 0);
    return ratioScore(ssRes, ssTot);
  },
  root_mean_squared_error: (y, p) => Math.sqrt(mean(y.map((v, i) => (v - p[i]!) ** 2))),
};

type Label = string | number;

/** Sorted union of true and predicted labels (numbers numerically, otherwise as strings). */
export function multiLabels(y: readonly Label[], p: readonly Label[]): Label[] {
  const all = [...new Set([...y, ...p])];
  const numeric = all.every((l) => typeof l === 'number');
  return numeric ? (all as number[]).sort((a, b) => a - b) : all.map(String).sort();
}

export function multiAccuracy(y: readonly Label[], p: readonly Label[]): number {
  return y.reduce<number>((n, v, i) => n + (String(v) === String(p[i]) ? 1 : 0), 0) / y.length;
}

/** sklearn precision_score / recall_score with average=None (0 where undefined). */
export function multiPrecisionRecall(y: readonly Label[], p: readonly Label[]): { labels: Label[]; precision: number[]; recall: number[] } {
  const labels = multiLabels(y, p);
  const precision: number[] = [];
  const recall: number[] = [];
  for (const l of labels) {
    const key = String(l);
    let tp = 0;
    let predicted = 0;
    let actual = 0;
    for (let i = 0; i < y.length; i++) {
      const isTrue = String(y[i]) === key;
      const isPred = String(p[i]) === key;
      if (isPred) predicted++;
      if (isTrue) actual++;
      if (isTrue && isPred) tp++;
    }
    precision.push(predicted === 0 ? 0 : tp / predicted);
    recall.push(actual === 0 ? 0 : tp / actual);
  }
  return { labels, precision, recall };
}

// HeteroLR's predictions at the guest: the sigmoid of its own W·x and the hosts' partial scores
// (linearModel/hostSums.ts), one-vs-rest taking the most probable class.
import type { InstanceColumns } from '../../tableData/columns.js';
import type { PredictColumns } from '../../tableData/predictColumns.js';
import { dotColumns } from '../linearModel/featureColumns.js';
import type { RowSource } from '../linearModel/rowSource.js';

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

/** A guest model: binary (one model, classes null) or one-vs-rest (one model per class). */
export interface GuestModels {
  coefs: number[][];
  intercepts: number[];
  classes: number[] | null;
}

/**
 * FATE's predictions of the rows of `cols` as predict columns (predictColumns.ts): per model the
 * sigmoid of W_g·x + b + the hosts' sums; one-vs-rest takes the class of the highest probability
 * (OneVsRest.__get_multi_class_res: the first on ties).
 */
export function predictColumns(m: GuestModels, cols: InstanceColumns, sums: readonly (readonly number[])[], threshold: number, type: string, source?: RowSource): PredictColumns {
  const n = cols.keys.length;
  // `source` read from storage (rowSource.ts): W·x a piece at a time, the labels read alone.
  const stored = source && !source.stable ? source : undefined;
  const probs = m.coefs.map((w, c) => {
    const z = stored ? stored.dot(w, 0, n) : dotColumns(w, cols.features, n);
    const s = sums[c]!;
    for (let i = 0; i < n; i++) z[i] = sigmoid(z[i]! + m.intercepts[c]! + s[i]!);
    return z;
  });
  const labels = (stored ? stored.labels : cols.labels) ?? null;
  if (m.classes === null) {
    const scores = probs[0]!;
    const results = new Float64Array(n);
    for (let i = 0; i < n; i++) results[i] = scores[i]! > threshold ? 1 : 0;
    return { keys: cols.keys, labels, results, scores, detail: { kind: 'binary' }, type };
  }
  const results = new Float64Array(n);
  const scores = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let c = 1; c < probs.length; c++) if (probs[c]![i]! > probs[best]![i]!) best = c;
    results[i] = m.classes[best]!;
    scores[i] = probs[best]![i]!;
  }
  return { keys: cols.keys, labels, results, scores, detail: { kind: 'classes', classes: m.classes.map(String), probs }, type };
}

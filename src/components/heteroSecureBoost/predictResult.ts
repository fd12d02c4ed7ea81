// A row's prediction from its raw scores, as FATE's HeteroSecureBoostingTreeGuest.predict writes it:
// [label, predict_result, predict_score, predict_detail, type]. Training, predict jobs and online
// serving all call this, so the three give the same numbers.
import type { PredictColumns } from '../../tableData/predictColumns.js';
import { regressionPrediction, sigmoid } from './objective.js';

export interface ResultShape {
  readonly taskType: string;
  /** The objective (FATE's objective_meta): tweedie's log link maps a raw score f to e^f. Absent: lse's identity. */
  readonly objective?: string;
  readonly numClasses: number;
  /** Class labels as strings (FATE's classes_), ascending. */
  readonly classes: readonly string[];
}

/** Softmax of raw scores, shifted by the maximum so exp never overflows. */
export function softmax(f: readonly number[]): number[] {
  const max = Math.max(...f);
  const e = f.map((x) => Math.exp(x - max));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((x) => x / s);
}

/** A class label as the data holds it: a number when the string is one. */
export const classValue = (c: string): number | string => (c.trim() !== '' && Number.isFinite(Number(c)) ? Number(c) : c);

export interface Prediction {
  readonly result: number | string;
  readonly score: number;
  readonly detail: Record<string, number>;
}

export function predictionOf(shape: ResultShape, f: readonly number[], threshold: number): Prediction {
  if (shape.taskType === 'regression') {
    const y = regressionPrediction(shape.objective ?? 'lse', f[0]!);
    return { result: y, score: y, detail: { label: y } };
  }
  const classes = shape.classes.length ? shape.classes : ['0', '1'];
  if (shape.numClasses <= 2) {
    const p = sigmoid(f[0]!);
    return { result: classValue(p > threshold ? classes[1]! : classes[0]!), score: p, detail: { '0': 1 - p, '1': p } };
  }
  const probs = softmax(f);
  let best = 0;
  for (let c = 1; c < probs.length; c++) if (probs[c]! > probs[best]!) best = c;
  return { result: classValue(classes[best]!), score: probs[best]!, detail: Object.fromEntries(classes.map((c, k) => [c, probs[k]!])) };
}

export function resultRow(shape: ResultShape, f: readonly number[], threshold: number, label: unknown, type: string): unknown[] {
  const p = predictionOf(shape, f, threshold);
  return [label ?? null, p.result, p.score, p.detail, type];
}

/**
 * The predictions of rows 0..keys.length−1 as typed predict columns (predictColumns.ts), whose rows
 * are resultRow's to the last bit (issue 17: no array and detail object per row). `raw(i)` gives row
 * i's raw scores. Undefined where there is no column form: regression's detail ({label}), or a class
 * label that is not a number (the result column is numeric).
 */
export function predictColumnsFor(
  shape: ResultShape, keys: readonly string[], labels: Float64Array | null, raw: (i: number) => readonly number[], threshold: number, type: string,
): PredictColumns | undefined {
  if (shape.taskType === 'regression' || shape.classes.length < 2 || !shape.classes.every((c) => typeof classValue(c) === 'number')) return undefined;
  const n = keys.length;
  const results = new Float64Array(n);
  const scores = new Float64Array(n);
  const multi = shape.numClasses > 2;
  const probs = multi ? shape.classes.map(() => new Float64Array(n)) : [];
  for (let i = 0; i < n; i++) {
    const p = predictionOf(shape, raw(i), threshold);
    results[i] = p.result as number;
    scores[i] = p.score;
    for (let k = 0; k < probs.length; k++) probs[k]![i] = p.detail[shape.classes[k]!]!;
  }
  return { keys, labels, results, scores, type, detail: multi ? { kind: 'classes', classes: shape.classes, probs } : { kind: 'binary' } };
}

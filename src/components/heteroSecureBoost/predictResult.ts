// A row's prediction from its raw scores, as FATE's HeteroSecureBoostingTreeGuest.predict writes it:
// [label, predict_result, predict_score, predict_detail, type]. Training, predict jobs and online
// serving all call this, so the three give the same numbers.
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

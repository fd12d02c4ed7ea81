// Binary-classification metrics as FATE 1.11 computes them (federatedml/evaluation/metric_interface.py
// and metrics/classification_metric.py), including their threshold cuts. Labels are 0/1 (already
// mapped from pos_label), scores are the positive-class probabilities.

import { sortFinite } from './radixSort.js';

export interface Confusion {
  tp: number[];
  fp: number[];
  fn: number[];
  tn: number[];
}

/**
 * Labels and scores sorted by score, descending (numpy's flip(argsort)). The order of the labels
 * within a run of equal scores is irrelevant: every count is taken at the end of such a run.
 */
export interface Sorted {
  readonly labels: ArrayLike<number>;
  readonly scores: ArrayLike<number>;
  readonly pos: number;
  readonly neg: number;
}

export function sortByScore(labels: ArrayLike<number>, scores: ArrayLike<number>): Sorted {
  const grouped = groupedDescending(labels, scores);
  if (grouped) return grouped;
  const s = Array.from(scores);
  const order = s.map((_, i) => i).sort((a, b) => s[b]! - s[a]!);
  const sl = order.map((i) => labels[i]!);
  const pos = sl.reduce((n, l) => n + (l === 1 ? 1 : 0), 0);
  return { labels: sl, scores: order.map((i) => s[i]!), pos, neg: sl.length - pos };
}

/**
 * The scores in descending order with, in each run of equal scores, its positives first — by two
 * native sorts of Float64Arrays (the positives' and the negatives' scores) and a merge: a million
 * scores in ~0.1 s against seconds for a comparator sort of row indexes. The same runs with the
 * same counts as the index sorts of {@link sortByScore} and the ROC curve, so every metric is the
 * same number. Null (those sorts are used) when a label is not 0/1 or a score is NaN or -0 (whose
 * order the native sort and the comparator sort see differently). Kept per scores array: the
 * binary metrics of one evaluation sort once.
 */
function groupedDescending(labels: ArrayLike<number>, scores: ArrayLike<number>): Sorted | null {
  const cached = groupedCache.get(scores);
  if (cached && cached.labels === labels) return cached.sorted;
  const sorted = computeGroupedDescending(labels, scores);
  groupedCache.set(scores, { labels, sorted });
  return sorted;
}

const groupedCache = new WeakMap<ArrayLike<number>, { labels: ArrayLike<number>; sorted: Sorted | null }>();

function computeGroupedDescending(labels: ArrayLike<number>, scores: ArrayLike<number>): Sorted | null {
  const n = scores.length;
  let pos = 0;
  for (let i = 0; i < n; i++) {
    const l = labels[i];
    const s = scores[i]!;
    if ((l !== 0 && l !== 1) || s !== s || (s === 0 && 1 / s < 0)) return null;
    pos += l;
  }
  const positives = new Float64Array(pos);
  const negatives = new Float64Array(n - pos);
  for (let i = 0, p = 0, q = 0; i < n; i++) {
    if (labels[i] === 1) positives[p++] = scores[i]!;
    else negatives[q++] = scores[i]!;
  }
  // No NaN, no -0 (checked above): the radix sort gives exactly the native sort's order.
  sortFinite(positives);
  sortFinite(negatives);
  const outScores = new Float64Array(n);
  const outLabels = new Uint8Array(n);
  for (let i = pos - 1, j = n - pos - 1, k = 0; k < n; k++) {
    if (j < 0 || (i >= 0 && positives[i]! >= negatives[j]!)) {
      outScores[k] = positives[i--]!;
      outLabels[k] = 1;
    } else {
      outScores[k] = negatives[j--]!;
    }
  }
  return { labels: outLabels, scores: outScores, pos, neg: n - pos };
}

/** Counts with "predicted positive" meaning score > threshold (strictly), one entry per threshold. */
export function confusionMatrix(sorted: Sorted, thresholds: readonly number[]): Confusion {
  const out: Confusion = { tp: [], fp: [], fn: [], tn: [] };
  const prefix = positivePrefix(sorted);
  for (const t of thresholds) {
    let tp = 0;
    let fp = 0;
    if (prefix) {
      // Scores descending: the rows with score > t are a prefix; its length by binary search.
      let lo = 0;
      let hi = sorted.scores.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (sorted.scores[mid]! > t) lo = mid + 1;
        else hi = mid;
      }
      tp = prefix[lo]!;
      fp = lo - tp;
    } else {
      for (let i = 0; i < sorted.scores.length; i++) {
        if (!(sorted.scores[i]! > t)) continue;
        if (sorted.labels[i] === 1) tp++;
        else fp++;
      }
    }
    out.tp.push(tp);
    out.fp.push(fp);
    out.fn.push(sorted.pos - tp);
    out.tn.push(sorted.neg - fp);
  }
  return out;
}

/**
 * prefix[i] = rows among the first i with label 1, when the scores are truly descending (no NaN:
 * with NaN the comparator sort gives no order and the counts are taken row by row). Kept per
 * Sorted: a binary evaluation asks for a dozen confusion matrices of 100 thresholds each.
 */
const prefixes = new WeakMap<Sorted, Int32Array | null>();
function positivePrefix(sorted: Sorted): Int32Array | null {
  let prefix = prefixes.get(sorted);
  if (prefix !== undefined) return prefix;
  prefix = new Int32Array(sorted.scores.length + 1);
  for (let i = 0; i < sorted.scores.length; i++) {
    const s = sorted.scores[i]!;
    if (s !== s || (i > 0 && s > sorted.scores[i - 1]!)) {
      prefix = null;
      break;
    }
    prefix[i + 1] = prefix[i]! + (sorted.labels[i] === 1 ? 1 : 0);
  }
  prefixes.set(sorted, prefix);
  return prefix;
}

/** numpy.arange(0, 1, 0.01) element i (start + i*step). */
const stepCut = (i: number): number => i * 0.01;

/** ThresholdCutter.cut_by_step: 100 thresholds picked from the distinct scores, descending. */
export function cutByStep(sortedScores: ArrayLike<number>): { thresholds: number[]; cuts: number[] } {
  const distinct = distinctDescending(sortedScores);
  const cuts: number[] = [];
  const thresholds: number[] = [];
  for (let i = 0; i < 100; i++) {
    const cut = stepCut(i);
    cuts.push(cut);
    thresholds.push(distinct[Math.trunc(distinct.length * cut)]!);
  }
  return { thresholds, cuts };
}

/**
 * The distinct scores, descending: one pass when they are sorted already (no NaN), else a Set and a
 * sort. Kept per scores array: lift, gain, accuracy and precision/recall each cut the same scores.
 */
function distinctDescending(scores: ArrayLike<number>): ArrayLike<number> {
  let distinct = distinctCache.get(scores);
  if (!distinct) distinctCache.set(scores, (distinct = computeDistinctDescending(scores)));
  return distinct;
}

const distinctCache = new WeakMap<ArrayLike<number>, ArrayLike<number>>();

function computeDistinctDescending(scores: ArrayLike<number>): ArrayLike<number> {
  const out = new Float64Array(scores.length);
  let m = 0;
  for (let i = 0; i < scores.length; i++) {
    const s = scores[i]!;
    if (s !== s || (i > 0 && s > scores[i - 1]!)) return [...new Set(Array.from(scores))].sort((a, b) => b - a);
    // -0 and 0 are one value for a Set: the first seen is kept.
    if (i === 0 || s !== out[m - 1]) out[m++] = s;
  }
  return out.subarray(0, m);
}

/** ThresholdCutter.cut_by_index: the score at index ⌊N·c/100⌋ of the descending scores. */
export function cutByIndex(sortedScores: ArrayLike<number>): { thresholds: number[]; cuts: number[] } {
  const cuts: number[] = [];
  const thresholds: number[] = [];
  for (let c = 0; c < 100; c++) {
    const cut = c / 100;
    cuts.push(cut);
    thresholds.push(sortedScores[Math.trunc(sortedScores.length * cut)]!);
  }
  return { thresholds, cuts };
}

/** ThresholdCutter.fixed_interval_threshold: 0, 0.01, …, 0.99. */
export function fixedIntervalThresholds(): number[] {
  return Array.from({ length: 100 }, (_, i) => i * 0.01);
}

/** numpy.around(x) (half to even) for the index of numpy.quantile(..., method='nearest'). */
function roundHalfEven(x: number): number {
  const f = Math.floor(x);
  const d = x - f;
  if (d > 0.5) return f + 1;
  if (d < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
}

/** ThresholdCutter.cut_by_quantile (remove_duplicate=false): 21 'nearest' quantiles, ascending. */
export function cutByQuantile(scores: ArrayLike<number>): number[] {
  const ascending = ascendingOf(scores);
  const n = ascending.length;
  const qs = [...Array.from({ length: 20 }, (_, i) => Math.round(i * 0.05 * 1000) / 1000), 1.0];
  const values = qs.map((q) => ascending[roundHalfEven(q * (n - 1))]!);
  return values.sort((a, b) => a - b);
}

/**
 * The scores ascending, as a stable comparator sort gives them: descending scores without NaN or -0
 * (Sorted's) reversed, in one pass; anything else by that sort.
 */
function ascendingOf(scores: ArrayLike<number>): ArrayLike<number> {
  const n = scores.length;
  let descending = true;
  for (let i = 0; i < n && descending; i++) {
    const s = scores[i]!;
    if (s !== s || Object.is(s, -0) || (i > 0 && s > scores[i - 1]!)) descending = false;
  }
  if (!descending) return Array.from(scores).sort((a, b) => a - b);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = scores[n - 1 - i]!;
  return out;
}

/** sklearn.metrics.roc_curve(y, s, drop_intermediate=True), with thresholds[0] = max score + 1. */
export function rocCurve(labels: ArrayLike<number>, scores: ArrayLike<number>): RocCurve {
  // auc and the ROC curve metric ask for the same curve: computed once per (labels, scores).
  const cached = rocCache.get(scores);
  if (cached?.labels === labels) return cached.curve;
  const curve = computeRocCurve(labels, scores);
  rocCache.set(scores, { labels, curve });
  return curve;
}

export type RocCurve = { fpr: Float64Array; tpr: Float64Array; thresholds: Float64Array };
const rocCache = new WeakMap<ArrayLike<number>, { labels: ArrayLike<number>; curve: RocCurve }>();

function computeRocCurve(labels: ArrayLike<number>, scores: ArrayLike<number>): RocCurve {
  let ys: ArrayLike<number>;
  let ss: ArrayLike<number>;
  const grouped = groupedDescending(labels, scores);
  if (grouped) {
    // The counts below are taken at the end of each run of equal scores: the same runs.
    ys = grouped.labels;
    ss = grouped.scores;
  } else {
    // Stable ascending sort reversed = descending with ties in reverse index order, as sklearn's mergesort[::-1].
    const idx = Array.from(scores, (_, i) => i).sort((a, b) => scores[a]! - scores[b]! || a - b).reverse();
    ys = idx.map((i) => labels[i]!);
    ss = idx.map((i) => scores[i]!);
  }
  // Typed arrays with room for a point per row and a leading (0, 0) point: a million distinct
  // scores are a million points, pushed one by one into arrays they cost seconds.
  const n = ss.length;
  const tps = new Float64Array(n + 1);
  const fps = new Float64Array(n + 1);
  const thr = new Float64Array(n + 1);
  let m = 1;
  let cum = 0;
  for (let i = 0; i < n; i++) {
    cum += ys[i]!;
    if (i === n - 1 || ss[i] !== ss[i + 1]) {
      tps[m] = cum;
      fps[m] = i + 1 - cum;
      thr[m++] = ss[i]!;
    }
  }
  if (m - 1 > 2) {
    // drop_intermediate: keep the first, the last and every point where the curve bends (in place:
    // a kept point is never written before it is read).
    let kept = 2;
    for (let i = 2; i < m - 1; i++) {
      const d2f = fps[i - 1]! - 2 * fps[i]! + fps[i + 1]!;
      const d2t = tps[i - 1]! - 2 * tps[i]! + tps[i + 1]!;
      if (d2f !== 0 || d2t !== 0) {
        tps[kept] = tps[i]!;
        fps[kept] = fps[i]!;
        thr[kept++] = thr[i]!;
      }
    }
    tps[kept] = tps[m - 1]!;
    fps[kept] = fps[m - 1]!;
    thr[kept++] = thr[m - 1]!;
    m = kept;
  }
  thr[0] = thr[1]! + 1;
  const lastF = fps[m - 1]!;
  const lastT = tps[m - 1]!;
  const fpr = new Float64Array(m);
  const tpr = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    fpr[i] = fps[i]! / lastF;
    tpr[i] = tps[i]! / lastT;
  }
  return { fpr, tpr, thresholds: thr.slice(0, m) };
}

/** sklearn.metrics.roc_auc_score for binary labels: trapezoids under the ROC curve (ties count half). */
export function auc(labels: ArrayLike<number>, scores: ArrayLike<number>): number {
  const { fpr, tpr } = rocCurve(labels, scores);
  let area = 0;
  for (let i = 1; i < fpr.length; i++) area += ((fpr[i]! - fpr[i - 1]!) * (tpr[i]! + tpr[i - 1]!)) / 2;
  return area;
}

/** MetricInterface.roc: the sklearn curve sampled at 100 step cuts of its thresholds. */
export function fateRoc(labels: ArrayLike<number>, scores: ArrayLike<number>): { fpr: number[]; tpr: number[]; thresholds: number[]; cuts: number[] } {
  const curve = rocCurve(labels, scores);
  const size = curve.thresholds.length;
  const fpr: number[] = [];
  const tpr: number[] = [];
  const thresholds: number[] = [];
  const cuts: number[] = [];
  for (let i = 0; i < 100; i++) {
    const cut = stepCut(i);
    const index = Math.trunc(size * cut);
    cuts.push(cut);
    fpr.push(curve.fpr[index]!);
    tpr.push(curve.tpr[index]!);
    thresholds.push(curve.thresholds[index]!);
  }
  return { fpr, tpr, thresholds, cuts };
}

export interface KsResult {
  readonly ks: number;
  /** 101 entries: one per index cut plus the (1, 1) end. */
  readonly fpr: number[];
  readonly tpr: number[];
  /** 100 score thresholds. */
  readonly thresholds: number[];
  /** 101 cuts: 0, .01, …, .99, 1. */
  readonly cuts: number[];
}

/** classification_metric.KS: tpr − fpr at 100 index cuts of the descending scores; KS = the max. */
export function ks(sorted: Sorted): KsResult {
  const { thresholds, cuts } = cutByIndex(sorted.scores);
  const cm = confusionMatrix(sorted, thresholds);
  const tpr = cm.tp.map((t) => t / sorted.pos);
  const fpr = cm.fp.map((f) => f / sorted.neg);
  let best = -Infinity;
  for (let i = 0; i < tpr.length; i++) best = Math.max(best, tpr[i]! - fpr[i]!);
  return { ks: best, fpr: [...fpr, 1.0], tpr: [...tpr, 1.0], thresholds, cuts: [...cuts, 1.0] };
}

/**
 * A curve over the share predicted positive (x; 1 without rows) at 100 step cuts, for the positive
 * class: y from each cut's counts (n: the rows). Lift's and gain's.
 */
function stepCurve(sorted: Sorted, yAt: (tp: number, fp: number, fn: number, n: number) => number): { x: number[]; y: number[]; thresholds: number[] } {
  const { thresholds } = cutByStep(sorted.scores);
  const cm = confusionMatrix(sorted, thresholds);
  const n = sorted.labels.length;
  const x: number[] = [];
  const y: number[] = [];
  for (let i = 0; i < thresholds.length; i++) {
    const tp = cm.tp[i]!;
    const fp = cm.fp[i]!;
    x.push(n === 0 ? 1 : (tp + fp) / n);
    y.push(yAt(tp, fp, cm.fn[i]!, n));
  }
  return { x, y, thresholds };
}

/** Lift (x: share predicted positive, y: precision / base rate) for the positive class at 100 step cuts. */
export function lift(sorted: Sorted): { x: number[]; y: number[]; thresholds: number[] } {
  return stepCurve(sorted, (tp, fp, fn, n) => {
    const denominator = n === 0 ? 1 : (tp + fn) / n;
    const numerator = tp + fp === 0 ? 1 : tp / (tp + fp);
    return denominator === 0 ? Number.MAX_VALUE : numerator / denominator;
  });
}

/** Gain (x: share predicted positive, y: recall) for the positive class at 100 step cuts. */
export function gain(sorted: Sorted): { x: number[]; y: number[]; thresholds: number[] } {
  return stepCurve(sorted, (tp, _fp, fn) => (tp + fn === 0 ? 1 : tp / (tp + fn)));
}

/** Step cuts plus one threshold below the lowest (BiClassMetric with add_to_end). */
function stepCutsToEnd(sorted: Sorted): { thresholds: number[]; cuts: number[] } {
  const { thresholds, cuts } = cutByStep(sorted.scores);
  thresholds.push(Math.min(...thresholds) - 0.001);
  cuts.push(1);
  return { thresholds, cuts };
}

const precisionOf = (tp: number, fp: number): number => (tp + fp === 0 ? 1.0 : tp / (tp + fp));

/** BiClassAccuracy: accuracy at 100 step cuts. */
export function accuracy(sorted: Sorted): { scores: number[]; cuts: number[]; thresholds: number[] } {
  const { thresholds, cuts } = stepCutsToEnd(sorted);
  const cm = confusionMatrix(sorted, thresholds);
  const n = sorted.labels.length;
  const scores = cm.tp.map((tp, i) => (tp + cm.tn[i]!) / n).slice(0, -1);
  return { scores, cuts: cuts.slice(0, scores.length), thresholds: thresholds.slice(0, scores.length) };
}

/** BiClassPrecision and BiClassRecall at 101 step cuts (the last below every score). */
export function precisionRecall(sorted: Sorted): { precision: number[]; recall: number[]; cuts: number[]; thresholds: number[] } {
  const { thresholds, cuts } = stepCutsToEnd(sorted);
  const cm = confusionMatrix(sorted, thresholds);
  return {
    precision: cm.tp.map((tp, i) => precisionOf(tp, cm.fp[i]!)),
    recall: cm.tp.map((tp, i) => tp / (tp + cm.fn[i]!)),
    cuts,
    thresholds,
  };
}

/** MetricInterface.confusion_mat: counts at the fixed thresholds 0, .01, …, .99. */
export function confusionAtFixed(sorted: Sorted): { matrix: Confusion; thresholds: number[] } {
  const thresholds = fixedIntervalThresholds();
  return { matrix: confusionMatrix(sorted, thresholds), thresholds };
}

/** FScore (beta 1) at the fixed thresholds. */
export function f1Scores(sorted: Sorted): { f1: number[]; thresholds: number[] } {
  const thresholds = fixedIntervalThresholds();
  const cm = confusionMatrix(sorted, thresholds);
  const f1 = cm.tp.map((tp, i) => {
    const p = precisionOf(tp, cm.fp[i]!);
    const r = tp / (tp + cm.fn[i]!);
    const denominator = p + r === 0 ? 1e-6 : p + r;
    return (2 * p * r) / denominator;
  });
  return { f1, thresholds };
}

/** MetricInterface.quantile_pr: precision/recall at 21 score quantiles, ascending thresholds. */
export function quantilePr(sorted: Sorted): { precision: number[]; recall: number[]; thresholds: number[] } {
  const descending = cutByQuantile(sorted.scores).reverse();
  const cm = confusionMatrix(sorted, descending);
  const precision = cm.tp.map((tp, i) => precisionOf(tp, cm.fp[i]!)).reverse();
  const recall = cm.tp.map((tp, i) => tp / (tp + cm.fn[i]!)).reverse();
  return { precision, recall, thresholds: [...descending].reverse() };
}

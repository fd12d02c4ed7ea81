// Evaluation (FATE 1.11 federatedml/evaluation/evaluation.py): reads a predict table
// (rows [label, predict_result, predict_score, predict_detail, type]), splits it by `type` (the metric
// namespace: train, validate, …) and logs FATE's metrics under the upstream component's name DN:
// single values in the `DN` summary (EVALUATION_SUMMARY), curves as `DN_<metric>` series.
// DN comes from params._upstream, which the runtime sets to the upstream component's name.
import type { Component, ComponentInput, MetricPoint, Tracker } from '../contract.js';
import { jsonNumber, predictColumnsOf, type PredictColumns } from '../../tableData/predictColumns.js';
import {
  accuracy,
  auc,
  confusionAtFixed,
  f1Scores,
  fateRoc,
  gain,
  ks,
  lift,
  precisionRecall,
  quantilePr,
  sortByScore,
  type Sorted,
} from './binaryMetrics.js';
import { multiAccuracy, multiPrecisionRecall, regressionMetrics } from './otherMetrics.js';

export const ALL_BINARY_METRICS = [
  'auc', 'ks', 'lift', 'gain', 'accuracy', 'precision', 'recall', 'roc', 'confusion_mat', 'psi', 'f1_score', 'quantile_pr',
];
export const ALL_REGRESSION_METRICS = [
  'explained_variance', 'mean_absolute_error', 'mean_squared_error', 'median_absolute_error', 'r2_score', 'root_mean_squared_error',
];
export const ALL_MULTI_METRICS = ['accuracy', 'precision', 'recall'];

const ALL_METRIC_NAMES = new Set([...ALL_BINARY_METRICS, ...ALL_REGRESSION_METRICS, 'mean_squared_log_error']);
const ALIASES: [string[], string][] = [
  [['l1', 'mae', 'regression_l1'], 'mean_absolute_error'],
  [['l2', 'mse', 'regression_l2', 'regression'], 'mean_squared_error'],
  [['l2_root', 'rmse'], 'root_mean_squared_error'],
  [['msle'], 'mean_squared_log_error'],
  [['r2'], 'r2_score'],
  [['acc'], 'accuracy'],
];
const ALLOWED: Record<string, string[]> = {
  binary: ALL_BINARY_METRICS,
  regression: ALL_REGRESSION_METRICS,
  multi: ALL_MULTI_METRICS,
};

/** EvaluateParam._check_valid_metric: lower-case, resolve aliases, check the task, pair precision/recall. */
export function resolveMetrics(evalType: string, metrics: unknown): string[] {
  const allowed = ALLOWED[evalType]!;
  const given = Array.isArray(metrics) && metrics.length > 0 ? metrics.map((m) => String(m).toLowerCase()) : allowed;
  const out: string[] = [];
  for (const m of given) {
    let full = ALL_METRIC_NAMES.has(m) ? m : undefined;
    if (!full) full = ALIASES.find(([names]) => names.includes(m))?.[1];
    if (!full) throw new Error(`Evaluation: metric ${m} is not supported`);
    if (!out.includes(full)) out.push(full);
  }
  for (const m of out) if (!allowed.includes(m)) throw new Error(`Evaluation: metric ${m} is not used for ${evalType} task`);
  if (out.includes('recall') && !out.includes('precision')) out.push('precision');
  if (out.includes('precision') && !out.includes('recall')) out.push('recall');
  return out;
}

/** numpy.round(x, 6) (half to even after scaling). */
export function round6(value: number): number {
  const scaled = value * 1e6;
  const floor = Math.floor(scaled);
  const diff = scaled - floor;
  const r = diff > 0.5 ? floor + 1 : diff < 0.5 ? floor : floor % 2 === 0 ? floor : floor + 1;
  return r / 1e6;
}

type Row = readonly unknown[];

class Emitter {
  constructor(
    private readonly tracker: Tracker,
    private readonly dn: string,
  ) {}

  single(ns: string, metric: string, value: number): void {
    const v = Number.isFinite(value) ? value : Number.isNaN(value) ? value : -9999999;
    this.tracker.logMetricData(ns, this.dn, [[metric, round6(v)]]);
    this.tracker.setMetricMeta(ns, this.dn, { name: this.dn, metric_type: 'EVALUATION_SUMMARY' });
  }

  /** Evaluation.__save_curve_data: rounded points sorted by x (stable). */
  curve(ns: string, name: string, xs: readonly (number | string)[], ys: readonly number[]): void {
    const points: MetricPoint[] = xs.map((x, i) => [typeof x === 'number' ? round6(x) : x, round6(ys[i]!)]);
    const order = points.map((_, i) => i).sort((a, b) => {
      const xa = points[a]![0];
      const xb = points[b]![0];
      if (xa < xb) return -1;
      if (xa > xb) return 1;
      return a - b;
    });
    this.tracker.logMetricData(ns, name, order.map((i) => points[i]!));
  }

  /** Evaluation.__save_curve_meta: metric_type <TYPE>_EVALUATION plus the truthy extra metas. */
  curveMeta(
    ns: string,
    name: string,
    type: string,
    extra: { unit_name?: string; ordinate_name?: string; curve_name?: string; pair_type?: string; thresholds?: readonly number[] | null },
  ): void {
    const meta: Record<string, unknown> = { name, metric_type: `${type}_EVALUATION` };
    for (const key of ['unit_name', 'ordinate_name', 'curve_name', 'pair_type'] as const) {
      if (extra[key]) meta[key] = extra[key];
    }
    if (extra.thresholds && extra.thresholds.length > 0) meta.thresholds = extra.thresholds.map(round6);
    this.tracker.setMetricMeta(ns, name, meta);
  }

  table(ns: string, name: string, type: string, extra: Record<string, unknown>): void {
    this.tracker.setMetricMeta(ns, name, { name, metric_type: type, ...extra });
  }
}

/** Evaluation.__filt_override_unit_ordinate_coordinate: per distinct x keep the first max y. */
function maxYPerX(xs: readonly number[], ys: readonly number[]): { x: number[]; y: number[]; idx: number[] } {
  const best = new Map<number, { y: number; idx: number }>();
  xs.forEach((x, i) => {
    const seen = best.get(x);
    if (!seen || seen.y < ys[i]!) best.set(x, { y: ys[i]!, idx: i });
  });
  const x: number[] = [];
  const y: number[] = [];
  const idx: number[] = [];
  for (const [k, v] of best) {
    x.push(k);
    y.push(v.y);
    idx.push(v.idx);
  }
  return { x, y, idx };
}

function evaluateBinary(e: Emitter, dn: string, ns: string, metrics: string[], labels: ArrayLike<number>, scores: ArrayLike<number>): void {
  const sorted: Sorted = sortByScore(labels, scores);
  if (sorted.pos === 0 || sorted.neg === 0) {
    throw new Error(
      `Evaluation: only one class present in the ${ns} labels of ${dn} (positives ${sorted.pos}, negatives ${sorted.neg}); binary metrics are not defined`,
    );
  }
  let pr: ReturnType<typeof precisionRecall> | undefined;
  const prDone = { precision: false, recall: false };
  for (const metric of metrics) {
    const name = `${dn}_${metric}`;
    switch (metric) {
      case 'auc':
        e.single(ns, 'auc', auc(labels, scores));
        break;
      case 'ks': {
        const r = ks(sorted);
        e.single(ns, 'ks', r.ks);
        for (const [suffix, data] of [['fpr', r.fpr], ['tpr', r.tpr]] as const) {
          e.curve(ns, `${name}_${suffix}`, r.cuts, data);
          e.curveMeta(ns, `${name}_${suffix}`, 'KS', { curve_name: `${dn}_${suffix}`, pair_type: dn, thresholds: r.thresholds });
        }
        break;
      }
      case 'lift':
      case 'gain': {
        const r = metric === 'lift' ? lift(sorted) : gain(sorted);
        const f = maxYPerX(r.x, r.y);
        const thresholds = f.idx.map((i) => r.thresholds[i]!);
        e.curve(ns, name, [...f.x, 1.0], [...f.y, 1.0]);
        e.curveMeta(ns, name, metric.toUpperCase(), { curve_name: dn, thresholds: [...thresholds, 0.0] });
        break;
      }
      case 'accuracy': {
        const r = accuracy(sorted);
        e.curve(ns, name, r.cuts, r.scores);
        e.curveMeta(ns, name, 'ACCURACY', { curve_name: dn, thresholds: r.thresholds });
        break;
      }
      case 'precision':
      case 'recall': {
        pr ??= precisionRecall(sorted);
        prDone[metric] = true;
        if (!(prDone.precision && prDone.recall)) break;
        // Evaluation.__save_pr_curve (binary): dedupe on recall, keep the best precision.
        const f = maxYPerX(pr.recall, pr.precision);
        const cuts = f.idx.map((i) => pr!.cuts[i]!);
        let idx = f.idx;
        if (idx[idx.length - 1] === pr.thresholds.length - 1) idx = idx.slice(0, -1);
        const thresholds = idx.map((i) => pr!.thresholds[i]!);
        e.curve(ns, `${dn}_precision`, cuts, f.y);
        e.curveMeta(ns, `${dn}_precision`, 'PRECISION_BINARY', { ordinate_name: 'Precision', curve_name: dn, pair_type: dn, thresholds });
        e.curve(ns, `${dn}_recall`, cuts, f.x);
        e.curveMeta(ns, `${dn}_recall`, 'RECALL_BINARY', { ordinate_name: 'Recall', curve_name: dn, pair_type: dn, thresholds });
        break;
      }
      case 'roc': {
        const r = fateRoc(labels, scores);
        // Evaluation.__filter_duplicate_roc_data_point, then the (1, 1) edge.
        const seen = new Set<string>();
        const fpr: number[] = [];
        const tpr: number[] = [];
        const thresholds: number[] = [];
        r.fpr.forEach((f, i) => {
          const key = `${f}|${r.tpr[i]}|${r.thresholds[i]}`;
          if (seen.has(key)) return;
          seen.add(key);
          fpr.push(f);
          tpr.push(r.tpr[i]!);
          thresholds.push(r.thresholds[i]!);
        });
        fpr.push(1.0);
        tpr.push(1.0);
        thresholds.push(1.0);
        e.curve(ns, name, fpr, tpr);
        e.curveMeta(ns, name, 'ROC', { unit_name: 'fpr', ordinate_name: 'tpr', curve_name: dn, thresholds });
        break;
      }
      case 'confusion_mat': {
        const r = confusionAtFixed(sorted);
        e.table(ns, name, 'CONFUSION_MAT', {
          tp: r.matrix.tp, tn: r.matrix.tn, fp: r.matrix.fp, fn: r.matrix.fn, thresholds: r.thresholds.map(round6),
        });
        break;
      }
      case 'f1_score': {
        const r = f1Scores(sorted);
        e.table(ns, name, 'F1_SCORE', { f1_scores: r.f1.map(round6), thresholds: r.thresholds.map(round6) });
        break;
      }
      case 'quantile_pr': {
        const r = quantilePr(sorted);
        e.table(ns, name, 'QUANTILE_PR', {
          p_scores: r.precision.map((p) => [0, round6(p)]),
          r_scores: r.recall.map((v) => [0, round6(v)]),
          thresholds: r.thresholds.map(round6),
        });
        break;
      }
      case 'psi':
        // PSI compares the train and validate score distributions; not implemented yet.
        break;
      default:
        throw new Error(`Evaluation: metric ${metric} is not a binary metric`);
    }
  }
}

function evaluateRegression(e: Emitter, ns: string, metrics: string[], labels: number[], preds: number[]): void {
  for (const metric of metrics) {
    const f = regressionMetrics[metric];
    if (!f) throw new Error(`Evaluation: metric ${metric} is not a regression metric`);
    e.single(ns, metric, f(labels, preds));
  }
}

function evaluateMulti(e: Emitter, dn: string, ns: string, metrics: string[], labels: (string | number)[], preds: (string | number)[]): void {
  let pr: ReturnType<typeof multiPrecisionRecall> | undefined;
  const done = { precision: false, recall: false };
  for (const metric of metrics) {
    if (metric === 'accuracy') {
      e.single(ns, 'accuracy', multiAccuracy(labels, preds));
      continue;
    }
    if (metric !== 'precision' && metric !== 'recall') throw new Error(`Evaluation: metric ${metric} is not a multi metric`);
    pr ??= multiPrecisionRecall(labels, preds);
    const scores = metric === 'precision' ? pr.precision : pr.recall;
    e.single(ns, metric, scores.reduce((a, b) => a + b, 0) / scores.length);
    done[metric] = true;
    if (!(done.precision && done.recall)) continue;
    // Evaluation.__multi_class_label_padding: integer labels 0..max, 0.0 for absent classes.
    const intLabels = pr.labels.every((l) => Number.isInteger(Number(l)) && Number(l) >= 0);
    for (const [which, values, ordinate] of [['precision', pr.precision, 'Precision'], ['recall', pr.recall, 'Recall']] as const) {
      let xs: (number | string)[] = pr.labels;
      let ys: number[] = values;
      if (intLabels) {
        const byLabel = new Map(pr.labels.map((l, i) => [Number(l), values[i]!]));
        // A loop, not Math.max(...labels): distinct integer labels are not bounded by anything but the rows.
        const size = pr.labels.reduce<number>((m, l) => Math.max(m, Number(l)), -Infinity) + 1;
        xs = Array.from({ length: size }, (_, i) => i);
        ys = xs.map((i) => byLabel.get(i as number) ?? 0.0);
      }
      const name = `${dn}_${which}`;
      e.curve(ns, name, xs, ys);
      e.curveMeta(ns, name, `${which.toUpperCase()}_MULTI`, { ordinate_name: ordinate, curve_name: dn, pair_type: dn });
    }
  }
}

function param<T>(params: ComponentInput['params'], key: string, fallback: T): T | unknown {
  const v = params[key];
  return v === undefined || v === null ? fallback : v;
}

/**
 * A predict table as typed columns (predictColumns.ts): binary and regression metrics straight from
 * the score and label columns, no row objects. The labels are compared with pos_label as the row
 * path compares them (as text, the label as a reader of the table sees it). False (nothing logged)
 * when the rows path must decide: multi-class, or a score or (regression) label that is not a
 * finite number, whose error or skip the rows path gives as before.
 */
function evaluateColumns(e: Emitter, dn: string, evalType: string, metrics: string[], posLabel: unknown, c: PredictColumns): boolean {
  if (evalType === 'multi') return false;
  const n = c.scores.length; // not keys.length: a stored table's keys are decoded only if asked (predictTableFile.ts)
  for (let i = 0; i < n; i++) if (!Number.isFinite(c.scores[i])) return false;
  if (n === 0) return true;
  const seen = (v: number) => (c.asJson ? jsonNumber(v) : v);
  if (evalType === 'regression') {
    if (!c.labels || c.labels.some((l) => !Number.isFinite(l))) return false;
    evaluateRegression(e, c.type, metrics, Array.from(c.labels, (l) => seen(l)!), Array.from(c.scores));
    return true;
  }
  const positive = String(posLabel);
  const labels = new Uint8Array(n);
  if (c.labels) {
    // Labels are a few distinct values: each compared once.
    const isPositive = new Map<number, boolean>();
    for (let i = 0; i < n; i++) {
      const l = c.labels[i]!;
      let p = isPositive.get(l);
      if (p === undefined) isPositive.set(l, (p = String(seen(l)) === positive));
      labels[i] = p ? 1 : 0;
    }
  } else if (String(null) === positive) labels.fill(1);
  evaluateBinary(e, dn, c.type, metrics, labels, c.scores);
  return true;
}

export const evaluation: Component = async (input, { tracker, signal }) => {
  const p = input.params;
  if (param(p, 'need_run', true) === false) return {};
  const evalType = String(param(p, 'eval_type', 'binary')).toLowerCase();
  if (!ALLOWED[evalType]) throw new Error(`Evaluation: eval_type ${evalType} is not supported (binary, regression, multi)`);
  const posLabel = param(p, 'pos_label', 1);
  const metrics = resolveMetrics(evalType, p.metrics);

  const dataKey = ['data', 'train_data', 'eval_data'].find((k) => input.data[k] !== undefined);
  if (!dataKey) {
    // A party whose upstream produced no predictions (a hetero host, an arbiter) has nothing to
    // evaluate: FATE's Evaluation.fit gets an empty dict there and ends successfully without
    // metrics. A guest without data is a wrong DSL.
    if (input.role !== 'guest') return {};
    throw new Error('Evaluation: no input data');
  }
  const upstream = p._upstream;
  if (typeof upstream !== 'string' || upstream === '') {
    throw new Error('Evaluation: params._upstream (the upstream component name, DN) is required');
  }
  const dn = upstream;
  const table = input.data[dataKey]!;
  const predicted = predictColumnsOf(table);
  if (predicted && evaluateColumns(new Emitter(tracker, dn), dn, evalType, metrics, posLabel, predicted)) return {};
  // A host whose upstream model did not run there (need_run false: FATE's pass_data hands the
  // training rows on) has no predictions either: nothing to evaluate, as above.
  if (input.role !== 'guest' && table.rows.length > 0 && !Array.isArray(table.rows[0]![1])) return {};

  // Evaluation.split_data_with_type: group rows by their last column, in order of appearance.
  const byType = new Map<string, Row[]>();
  for (const [key, value] of table.rows) {
    if (!Array.isArray(value) || value.length < 4) {
      throw new Error(`Evaluation: row ${JSON.stringify(key)} is not [label, predict_result, predict_score, predict_detail, type]`);
    }
    const ns = String(value[value.length - 1]);
    let rows = byType.get(ns);
    if (!rows) byType.set(ns, (rows = []));
    rows.push(value);
  }

  // An encrypted HomoLR host's rows carry labels the arbiter decided and no score (FATE's
  // [label, predict_result, None, {0: None, 1: None}]): nothing to evaluate there either.
  if (evalType !== 'multi' && table.rows.every(([, v]) => Array.isArray(v) && v[2] === null)) return {};
  const e = new Emitter(tracker, dn);
  const number = (v: unknown, what: string): number => {
    const n = typeof v === 'number' ? v : Number(v);
    if (v === null || v === '' || Number.isNaN(n)) throw new Error(`Evaluation: ${what} ${JSON.stringify(v)} is not a number`);
    return n;
  };
  for (const [ns, rows] of byType) {
    signal.throwIfAborted();
    if (evalType === 'binary') {
      const labels = rows.map((r) => (String(r[0]) === String(posLabel) ? 1 : 0));
      const scores = rows.map((r) => number(r[2], 'predict_score'));
      evaluateBinary(e, dn, ns, metrics, labels, scores);
    } else if (evalType === 'regression') {
      evaluateRegression(e, ns, metrics, rows.map((r) => number(r[0], 'label')), rows.map((r) => number(r[2], 'predict_score')));
    } else {
      const asLabel = (v: unknown) => (typeof v === 'number' ? v : String(v));
      evaluateMulti(e, dn, ns, metrics, rows.map((r) => asLabel(r[0])), rows.map((r) => asLabel(r[1])));
    }
  }
  return {};
};

// Evaluation of a model's own predictions during training (FATE's validation strategy and
// cross-validation call Evaluation the same way): the rows are logged by the Evaluation component
// under the data set name (`iteration_3`, `train_fold_0`, `fold_1.iteration_2`), namespaces train /
// validate, exactly as a downstream Evaluation would log them under its upstream's name.
import type { DataTable } from '../../tableData/dataTable.js';
import type { ComponentContext, Tracker } from '../contract.js';
import { ALL_MULTI_METRICS, evaluation } from '../evaluation/evaluation.js';
import { type PredictColumns, predictSchema, predictTable } from '../../tableData/predictColumns.js';

export type EvalType = 'binary' | 'regression' | 'multi';

const DEFAULTS: Record<EvalType, string[]> = {
  binary: ['auc', 'ks'],
  regression: ['root_mean_squared_error', 'mean_absolute_error'],
  multi: ['accuracy', 'precision', 'recall'],
};
/** Not used in validation (EvaluateParam.check_single_value_default_metric). */
const BANNED = new Set(['psi', 'f1_score', 'confusion_mat', 'quantile_pr']);
const SINGLE_VALUE: Record<EvalType, string[]> = {
  binary: ['auc', 'ks'],
  regression: ['explained_variance', 'mean_absolute_error', 'mean_squared_error', 'mean_squared_log_error', 'median_absolute_error', 'r2_score', 'root_mean_squared_error'],
  multi: ['precision', 'recall', 'accuracy'],
};

/**
 * The metrics a validation evaluates: the given ones (or the defaults) without the banned ones.
 * A multi-class (one-vs-rest) model keeps only the multi-task metrics of its list, else the multi
 * defaults: HeteroLR's `metrics` default is the binary ['auc', 'ks'], which FATE 1.4.5 passes on
 * with eval_type binary even for one-vs-rest (get_metrics_param), scoring class 1 against the rest;
 * fedflow evaluates such a model as the multi task it is instead of refusing FATE's lr_ovr_cv.
 */
export function validationMetrics(evalType: EvalType, metrics: readonly string[]): string[] {
  let given = metrics.length > 0 ? metrics.map((m) => m.toLowerCase()) : DEFAULTS[evalType];
  if (evalType === 'multi') {
    given = given.filter((m) => ALL_MULTI_METRICS.includes(m));
    if (given.length === 0) given = DEFAULTS.multi;
  }
  return given.filter((m) => !BANNED.has(m));
}

/** ValidationStrategy.evaluate with use_first_metric_only: the first single-value metric of the list. */
export function firstSingleValueMetric(evalType: EvalType, metrics: readonly string[]): string | null {
  return metrics.find((m) => SINGLE_VALUE[evalType].includes(m)) ?? null;
}

/** Single-value results by namespace (train / validate), as Evaluation logged them. */
export type EvalResults = Record<string, Record<string, number>>;

/**
 * Logs FATE's evaluation of `rows` ([label, predict_result, predict_score, predict_detail, type]) under
 * `dataSetName` and returns the single values it logged.
 */
export async function evaluateRows(
  ctx: Pick<ComponentContext, 'tracker' | 'signal'>,
  dataSetName: string,
  evalType: EvalType,
  metrics: readonly string[],
  rows: DataTable['rows'],
  sidName: string,
): Promise<EvalResults> {
  const results: EvalResults = {};
  await evaluateTable(ctx, dataSetName, evalType, metrics, { schema: predictSchema(sidName), rows }, results);
  return results;
}

/**
 * {@link evaluateRows} of predictions given as columns, one set after the other (each its own type,
 * in order): the same metrics logged in the same order as their rows concatenated, but the
 * Evaluation component reads the score and label columns, with no row object per prediction
 * (issue 17: millions of rows validated or cross-validated).
 */
export async function evaluatePredictions(
  ctx: Pick<ComponentContext, 'tracker' | 'signal'>,
  dataSetName: string,
  evalType: EvalType,
  metrics: readonly string[],
  sets: readonly PredictColumns[],
  sidName: string,
): Promise<EvalResults> {
  const results: EvalResults = {};
  for (const set of sets) await evaluateTable(ctx, dataSetName, evalType, metrics, predictTable(predictSchema(sidName), set), results);
  return results;
}


/** Runs the Evaluation component on `data`, adding the single values it logs under `dataSetName` to `results`. */
async function evaluateTable(ctx: Pick<ComponentContext, 'tracker' | 'signal'>, dataSetName: string, evalType: EvalType, metrics: readonly string[], data: DataTable, results: EvalResults): Promise<void> {
  const capture: Tracker = {
    logMetricData(ns, name, points) {
      if (name === dataSetName) for (const [k, v] of points) if (typeof v === 'number') (results[ns] ??= {})[String(k)] = v;
      ctx.tracker.logMetricData(ns, name, points);
    },
    setMetricMeta: (ns, name, meta) => ctx.tracker.setMetricMeta(ns, name, meta),
    setProgress: () => {},
  };
  await evaluation(
    {
      jobId: '',
      taskId: '',
      componentName: dataSetName,
      module: 'Evaluation',
      role: 'guest',
      partyId: '',
      roles: {},
      params: { eval_type: evalType, metrics: [...metrics], pos_label: 1, _upstream: dataSetName },
      data: { data },
    },
    { tracker: capture, federation: null as never, signal: ctx.signal },
  );
}

/** Evaluation.callback_metric_data(return_single_val_metrics): validate's values, else train's. */
export function decisiveResults(results: EvalResults): Record<string, number> {
  const v = results.validate;
  return v && Object.keys(v).length > 0 ? v : (results.train ?? {});
}

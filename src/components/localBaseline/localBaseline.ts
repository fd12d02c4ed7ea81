// LocalBaseline (FATE 1.x federatedml/local_baseline/local_baseline.py): sklearn's LogisticRegression
// on the guest's own features only, the yardstick federated models are compared against. Hosts do
// nothing. Output: the predict table [label, predict_result, predict_score, predict_detail, type]
// (train rows, then validate rows of eval_data keys not already in train), and the model as
// LocalBaselineMeta/LocalBaselineParam (FATE's LRModelMeta/LRModelParam JSON).
import type { Component, ComponentInput, DataTable, Instance, ModelBuffers } from '../contract.js';
import { fitLogistic, predictProba } from './logisticRegression.js';

export const PREDICT_HEADER = ['label', 'predict_result', 'predict_score', 'predict_detail', 'type'];

/** sklearn.linear_model.LogisticRegression() defaults, as FATE passes model_opts through. */
interface SkOptions {
  penalty: 'l2' | 'none';
  C: number;
  max_iter: number;
  tol: number;
  fit_intercept: boolean;
  solver: string;
}

function readOptions(raw: unknown): SkOptions {
  const o = (raw ?? {}) as Record<string, unknown>;
  if (typeof o !== 'object' || Array.isArray(o)) throw new Error('LocalBaseline: model_opts must be an object');
  const penaltyRaw = o.penalty === undefined ? 'l2' : o.penalty;
  const penalty = penaltyRaw === null ? 'none' : String(penaltyRaw).toLowerCase();
  if (penalty !== 'l2' && penalty !== 'none') {
    throw new Error(`LocalBaseline: penalty ${String(penaltyRaw)} is not supported (l2 or none)`);
  }
  if (o.class_weight !== undefined && o.class_weight !== null) throw new Error('LocalBaseline: class_weight is not supported');
  const num = (key: string, fallback: number): number => {
    const v = o[key];
    if (v === undefined || v === null) return fallback;
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new Error(`LocalBaseline: model_opts.${key} must be a number`);
    return v;
  };
  const C = num('C', 1.0);
  if (!(C > 0)) throw new Error('LocalBaseline: model_opts.C must be positive');
  return {
    penalty,
    C,
    max_iter: Math.max(1, Math.trunc(num('max_iter', 100))),
    tol: num('tol', 1e-4),
    fit_intercept: o.fit_intercept !== false,
    solver: typeof o.solver === 'string' ? o.solver : 'lbfgs',
  };
}

interface Fitted {
  header: string[];
  weights: number[];
  intercept: number;
  classes: number[];
  iterations: number;
  converged: boolean;
}

function labelsOf(table: DataTable<Instance>): number[] {
  return table.rows.map(([key, inst]) => {
    if (inst.label === undefined || inst.label === null) throw new Error(`LocalBaseline: row ${JSON.stringify(key)} has no label`);
    return inst.label;
  });
}

function fit(table: DataTable<Instance>, opts: SkOptions, signal: AbortSignal): Fitted {
  const labels = labelsOf(table);
  const classes = [...new Set(labels)].sort((a, b) => a - b);
  if (classes.length < 2) throw new Error(`LocalBaseline: needs two classes, the data has ${classes.length}`);
  if (classes.length > 2) throw new Error('LocalBaseline: multi-class (one-vs-rest) is not implemented');
  const x = table.rows.map(([, inst]) => inst.features);
  const y = labels.map((l) => (l === classes[1] ? 1 : 0));
  const model = fitLogistic(x, y, {
    penalty: opts.penalty,
    C: opts.C,
    maxIter: opts.max_iter,
    fitIntercept: opts.fit_intercept,
    signal,
  });
  return {
    header: [...table.schema.header],
    weights: model.weights,
    intercept: model.intercept,
    classes,
    iterations: model.iterations,
    converged: model.converged,
  };
}

function toModel(f: Fitted, opts: SkOptions, threshold: number): ModelBuffers {
  const weight: Record<string, number> = {};
  f.header.forEach((h, i) => (weight[h] = f.weights[i]!));
  return {
    LocalBaselineMeta: {
      penalty: opts.penalty,
      tol: opts.tol,
      alpha: 0,
      optimizer: opts.solver,
      partyWeight: 0,
      batchSize: '0',
      learningRate: 0,
      maxIter: String(opts.max_iter),
      earlyStop: '',
      reEncryptBatches: '0',
      fitIntercept: opts.fit_intercept,
      needOneVsRest: false,
      predictParam: { threshold },
    },
    LocalBaselineParam: {
      iters: f.iterations,
      lossHistory: [],
      isConverged: f.converged,
      weight,
      intercept: f.intercept,
      header: [...f.header],
      oneVsRestResult: { completedModels: [], oneVsRestClasses: [] },
      needOneVsRest: false,
      bestIteration: -1,
      classes: f.classes.map(String),
    },
  };
}

function loadModel(model: ModelBuffers): { fitted: Fitted; threshold: number } {
  const param = model.LocalBaselineParam as Record<string, any> | undefined;
  const meta = model.LocalBaselineMeta as Record<string, any> | undefined;
  if (!param) throw new Error('LocalBaseline: input model has no LocalBaselineParam');
  const header: string[] = (param.header ?? []).map(String);
  const weight = (param.weight ?? {}) as Record<string, number>;
  const classes = Array.isArray(param.classes) && param.classes.length === 2 ? param.classes.map(Number) : [0, 1];
  return {
    fitted: {
      header,
      weights: header.map((h) => Number(weight[h] ?? 0)),
      intercept: Number(param.intercept ?? 0),
      classes,
      iterations: Number(param.iters ?? 0),
      converged: param.isConverged === true,
    },
    threshold: Number(meta?.predictParam?.threshold ?? 0.5),
  };
}

/** ModelBase.predict_score_to_output for two classes, plus the type column. */
function predictRows(f: Fitted, table: DataTable<Instance>, threshold: number, type: string): [string, unknown[]][] {
  const index = f.header.map((h) => {
    const at = table.schema.header.indexOf(h);
    if (at < 0) throw new Error(`LocalBaseline: model feature ${JSON.stringify(h)} is not in the data header`);
    return at;
  });
  const [neg, pos] = f.classes as [number, number];
  return table.rows.map(([key, inst]) => {
    const features = index.map((i) => inst.features[i]!);
    const p = predictProba(f, features);
    const detail = { [String(neg)]: 1 - p, [String(pos)]: p };
    return [key, [inst.label ?? null, p > threshold ? pos : neg, p, detail, type]];
  });
}

function threshold(params: ComponentInput['params']): number {
  const pp = params.predict_param as Record<string, unknown> | undefined | null;
  const t = pp?.threshold;
  return typeof t === 'number' ? t : 0.5;
}

export const localBaseline: Component = async (input, { signal }) => {
  if (input.role !== 'guest') return {}; // FATE's LocalBaseline trains on the guest alone
  const params = input.params;
  const train = (input.data.train_data ?? input.data.data) as DataTable<Instance> | undefined;
  const evalData = input.data.eval_data as DataTable<Instance> | undefined;
  if (params.need_run === false) {
    const passthrough = train ?? evalData;
    return passthrough ? { data: passthrough } : {};
  }
  const modelName = String(params.model_name ?? 'LogisticRegression');
  if (modelName !== 'LogisticRegression') throw new Error(`LocalBaseline: model_name ${modelName} is not supported (LogisticRegression)`);

  const sidName = (train ?? evalData)?.schema.sid_name ?? 'sid';
  const schema = { header: [...PREDICT_HEADER], sid_name: sidName };

  if (input.model) {
    // Predict job: the stored model scores eval_data (FATE's type 'test').
    const { fitted, threshold: t } = loadModel(input.model);
    const table = evalData ?? train;
    if (!table) throw new Error('LocalBaseline: no input data to predict');
    return { data: { schema, rows: predictRows(fitted, table, t, 'test') }, model: input.model };
  }

  if (!train) throw new Error('LocalBaseline: no train_data');
  const opts = readOptions(params.model_opts);
  const t = threshold(params);
  const fitted = fit(train, opts, signal);
  const rows = predictRows(fitted, train, t, 'train');
  if (evalData) {
    // Table union: a key already present keeps its train row.
    const seen = new Set(rows.map(([key]) => key));
    for (const row of predictRows(fitted, evalData, t, 'validate')) if (!seen.has(row[0])) rows.push(row);
  }
  return { data: { schema, rows }, model: toModel(fitted, opts, t) };
};

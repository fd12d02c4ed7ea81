// LocalBaseline (FATE 1.x federatedml/local_baseline/local_baseline.py): sklearn's LogisticRegression
// on the guest's own features only, the yardstick federated models are compared against. Hosts do
// nothing. More than two classes: one-vs-rest as sklearn's multi_class "ovr" does it (one binary
// model per class, probabilities normalised over the classes, the class of the largest decision
// value). Output: the predict table [label, predict_result, predict_score, predict_detail, type]
// (train rows, then validate rows of eval_data keys not already in train); the model: model.ts.
import type { DataTable, Instance } from '../../tableData/dataTable.js';
import { predictSchema } from '../../tableData/predictColumns.js';
import type { Component, ComponentInput } from '../contract.js';
import { fitLogistic, predictProba } from './logisticRegression.js';
import { type Fitted, loadModel, toModel } from './model.js';

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
  // FATE 1.4 ran sklearn 0.21, whose default ("warn") is one-vs-rest; the multinomial model is another model.
  const multiClass = o.multi_class === undefined || o.multi_class === null ? 'ovr' : String(o.multi_class).toLowerCase();
  if (!['ovr', 'auto', 'warn'].includes(multiClass)) throw new Error(`LocalBaseline: multi_class ${multiClass} is not supported (ovr)`);
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
  const x = table.rows.map(([, inst]) => inst.features);
  // Two classes: one model for classes[1]; more: one model per class against the rest.
  const targets = classes.length === 2 ? [classes[1]!] : classes;
  const models = targets.map((c) =>
    fitLogistic(x, labels.map((l) => (l === c ? 1 : 0)), { penalty: opts.penalty, C: opts.C, maxIter: opts.max_iter, fitIntercept: opts.fit_intercept, signal }));
  return { header: [...table.schema.header], classes, models };
}

/** ModelBase.predict rows: two classes as FATE's binary rows; more as sklearn's ovr predict_proba. */
function predictRows(f: Fitted, table: DataTable<Instance>, threshold: number, type: string): [string, unknown[]][] {
  const index = f.header.map((h) => {
    const at = table.schema.header.indexOf(h);
    if (at < 0) throw new Error(`LocalBaseline: model feature ${JSON.stringify(h)} is not in the data header`);
    return at;
  });
  return table.rows.map(([key, inst]) => {
    const features = index.map((i) => inst.features[i]!);
    if (f.classes.length === 2) {
      const [neg, pos] = f.classes as [number, number];
      const p = predictProba(f.models[0]!, features);
      return [key, [inst.label ?? null, p > threshold ? pos : neg, p, { [String(neg)]: 1 - p, [String(pos)]: p }, type]];
    }
    const raw = f.models.map((m) => predictProba(m, features));
    const total = raw.reduce((s, p) => s + p, 0);
    const probs = raw.map((p) => p / total);
    let best = 0;
    for (let c = 1; c < probs.length; c++) if (raw[c]! > raw[best]!) best = c;
    const detail = Object.fromEntries(f.classes.map((c, i) => [String(c), probs[i]!]));
    return [key, [inst.label ?? null, f.classes[best]!, probs[best]!, detail, type]];
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
  const schema = predictSchema(sidName);

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
  const model = toModel(fitted, { penalty: opts.penalty, tol: opts.tol, maxIter: opts.max_iter, fitIntercept: opts.fit_intercept, solver: opts.solver, threshold: t });
  return { data: { schema, rows }, model };
};

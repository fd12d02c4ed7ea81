// The maths one HomoLR client runs on its own rows (FATE 1.x optim/gradient/homo_lr_gradient.py
// LogisticGradient, homo_lr_base.py): the exact logistic loss and gradient with labels as ±1, the
// model as [coefficients…, intercept], and FATE's predict rows and LRModelMeta/LRModelParam JSON.
import type { DataTable, Instance, ModelBuffers } from '../contract.js';
import type { HomoLogisticParam } from './params.js';

export const PREDICT_HEADER = ['label', 'predict_result', 'predict_score', 'predict_detail', 'type'];

/** Rows ready for the maths: features and the label as +1 (label 1) / −1 (anything else). */
export interface LocalRows {
  readonly x: readonly (readonly number[])[];
  readonly y: readonly number[];
}

export function localRows(table: DataTable<Instance>): LocalRows {
  const x: number[][] = [];
  const y: number[] = [];
  for (const [key, inst] of table.rows) {
    if (inst.label === undefined || inst.label === null) throw new Error(`HomoLR: row ${JSON.stringify(key)} has no label (DataIO with_label true on every party)`);
    if (inst.label !== 0 && inst.label !== 1) throw new Error('HomoLR: multi-class (one-vs-rest) is not implemented; labels must be 0/1');
    x.push(inst.features);
    y.push(inst.label === 1 ? 1 : -1);
  }
  return { x, y };
}

function wx(w: readonly number[], features: readonly number[]): number {
  const k = features.length;
  let s = w[k]!; // the intercept
  for (let j = 0; j < k; j++) s += w[j]! * features[j]!;
  return s;
}

/** log(1 + e^z) without overflow. */
function softplus(z: number): number {
  return z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z));
}

/** Mean gradient of Σ log(1 + e^(−y·wx)) over rows [from, to): (σ(y·wx) − 1)·y·[x, 1]. */
export function meanGradient(rows: LocalRows, w: readonly number[], from: number, to: number): number[] {
  const grad = new Array<number>(w.length).fill(0);
  const k = w.length - 1;
  for (let i = from; i < to; i++) {
    const x = rows.x[i]!;
    const y = rows.y[i]!;
    const d = (1 / (1 + Math.exp(-y * wx(w, x))) - 1) * y;
    for (let j = 0; j < k; j++) grad[j]! += d * x[j]!;
    grad[k]! += d;
  }
  const n = to - from;
  return grad.map((g) => g / n);
}

/** FATE's _compute_loss: (Σ logistic loss + the penalty term) / row count. */
export function localLoss(rows: LocalRows, w: readonly number[], p: HomoLogisticParam): number {
  let sum = 0;
  for (let i = 0; i < rows.x.length; i++) sum += softplus(-rows.y[i]! * wx(w, rows.x[i]!));
  const coef = w.slice(0, -1);
  if (p.penalty === 'L2') sum += 0.5 * p.alpha * coef.reduce((s, c) => s + c * c, 0);
  else if (p.penalty === 'L1') sum += p.alpha * coef.reduce((s, c) => s + Math.abs(c), 0);
  return sum / rows.x.length;
}

/** ModelBase's predict rows for two classes, with FATE's type column. */
export function predictRows(table: DataTable<Instance>, w: readonly number[], threshold: number, type: string): [string, unknown[]][] {
  return table.rows.map(([key, inst]) => {
    const z = wx(w, inst.features);
    const score = 1 / (1 + Math.exp(-z));
    return [key, [inst.label ?? null, score > threshold ? 1 : 0, score, { '0': 1 - score, '1': score }, type]];
  });
}

/**
 * An encrypted host's rows (FATE's HomoLRHost.predict with use_encrypt): the arbiter computed the
 * labels; the host never holds its score, so predict_score and the detail are null.
 */
export function encryptedPredictRows(table: DataTable<Instance>, labels: readonly number[], type: string): [string, unknown[]][] {
  if (labels.length !== table.rows.length) throw new Error(`HomoLR: the arbiter answered ${labels.length} labels for ${table.rows.length} rows`);
  return table.rows.map(([key, inst], i) => [key, [inst.label ?? null, labels[i], null, { '0': null, '1': null }, type]]);
}

export interface TrainedModel {
  readonly header: readonly string[];
  /** Coefficients then the intercept. */
  readonly w: readonly number[];
  readonly iters: number;
  readonly lossHistory: readonly number[];
  readonly converged: boolean;
  /** An encrypted host: FATE stores no weights for it (homo_lr_host.py _get_param), only the header. */
  readonly encrypted?: boolean;
}

/** HomoLogisticRegressionMeta / HomoLogisticRegressionParam as FATE-Flow shows them (proto JSON, camelCase). */
export function modelBuffers(p: HomoLogisticParam, m: TrainedModel): ModelBuffers {
  const weight: Record<string, number> = {};
  if (!m.encrypted) m.header.forEach((h, j) => (weight[h] = m.w[j]!));
  return {
    HomoLogisticRegressionMeta: {
      penalty: p.penalty,
      tol: p.tol,
      alpha: p.alpha,
      optimizer: p.optimizer,
      batchSize: String(p.batchSize),
      learningRate: p.learningRate,
      maxIter: String(p.maxIter),
      earlyStop: p.earlyStop,
      fitIntercept: p.fitIntercept,
      reEncryptBatches: String(p.reEncryptBatches),
      needOneVsRest: false,
      predictParam: { threshold: p.threshold },
    },
    HomoLogisticRegressionParam: {
      iters: m.iters,
      lossHistory: [...m.lossHistory],
      isConverged: m.converged,
      weight,
      intercept: m.encrypted ? 0 : (m.w[m.w.length - 1] ?? 0),
      header: [...m.header],
      bestIteration: -1,
      needOneVsRest: false,
    },
  };
}

/**
 * A stored HomoLR model: its header, weights (coefficients then the intercept) and threshold.
 * `encrypted`: an encrypted host's model (a header and no weights); it predicts with the arbiter.
 */
export function loadModel(model: ModelBuffers): { header: string[]; w: number[]; threshold: number; encrypted: boolean } {
  const param = model.HomoLogisticRegressionParam as Record<string, any> | undefined;
  if (!param) throw new Error('HomoLR: the input model has no HomoLogisticRegressionParam');
  const header: string[] = (param.header ?? []).map(String);
  const weight = (param.weight ?? {}) as Record<string, number>;
  const encrypted = header.length > 0 && Object.keys(weight).length === 0;
  const w = header.map((h) => Number(weight[h] ?? 0));
  w.push(Number(param.intercept ?? 0));
  const meta = model.HomoLogisticRegressionMeta as Record<string, any> | undefined;
  const threshold = meta?.predictParam?.threshold;
  return { header, w, threshold: typeof threshold === 'number' ? threshold : 0.5, encrypted };
}

/** The table with its features reordered to `header` (a model's), failing on a missing feature. */
export function alignTo(table: DataTable<Instance>, header: readonly string[]): DataTable<Instance> {
  const index = header.map((h) => {
    const at = table.schema.header.indexOf(h);
    if (at < 0) throw new Error(`HomoLR: model feature ${JSON.stringify(h)} is not in the data header`);
    return at;
  });
  return {
    schema: { ...table.schema, header: [...header] },
    rows: table.rows.map(([key, inst]) => [key, { ...inst, features: index.map((i) => inst.features[i]!) }]),
  };
}

// HeteroLinR and HeteroPoisson components (FATE 1.4): the protocol in protocol.ts; here the job
// around it, as for HeteroLR: validation (validation_freqs with validate data, early stopping on
// regression metrics), cross-validation (cv_param: train_fold_<k> / validate_fold_<k>), the final
// predictions of the training rows (hosts send W_h·x per row in plain, FATE's host_prob), predict
// jobs from a stored model, and FATE's model buffers (modelBuffers.ts). Every party reads its tables
// as typed columns (issue 17, linearModel/featureColumns.ts): a columnar table's rows are never
// built, the folds of cross-validation are columnar tables of their rows, and W·x runs column by
// column with the terms of the per-row sum in its order, so results are those of row tables to the
// last bit.
import { columnarTable, takeRows } from '../../tableData/columns.js';
import type { DataTable, Instance } from '../../tableData/dataTable.js';
import { predictSchema } from '../../tableData/predictColumns.js';
import type { Component, ComponentContext, ComponentInput, ComponentOutput } from '../contract.js';
import { type CvParam, foldDataSetName, kFold, readCvParam } from '../crossValidation/kFold.js';
import { withBest } from '../linearModel/bestFit.js';
import { hostSetsValidator } from '../linearModel/hostValidation.js';
import { type FitNaming, foldNaming, PLAIN_NAMING } from '../linearModel/fitNaming.js';
import { type BinaryFit, Channel, type Peers, peersOf } from '../linearModel/protocol.js';
import { dotColumns, lrColumns, RowsById } from '../linearModel/featureColumns.js';
import { answerHostSumsFrom, hostSums } from '../linearModel/hostSums.js';
import { evaluateRows, validationMetrics } from '../validation/evaluate.js';
import { arbiterValidator, guestValidator, NO_VALIDATION, type SetName } from '../validation/heteroValidation.js';
import { readValidationParam, type ValidationParam } from '../validation/validationParam.js';
import { type GuestTable, guestTable, regressionRows } from './guestData.js';
import { glmModelBuffers, storedGlm } from './modelBuffers.js';
import { type GlmParam, readGlmParams } from './params.js';
import { type Family, glmArbiter, glmGuest, glmHost } from './protocol.js';

const TRANSFER: Record<Family, string> = { linr: 'HeteroLinRTransferVariable.', poisson: 'HeteroPoissonTransferVariable.' };


/** The model's prediction from the guest's linear part (with offset) and the hosts' summed W_h·x. */
const link = (f: Family) => (f === 'linr' ? (z: number) => z : Math.exp);

async function fitGuest(ctx: ComponentContext, ch: Channel, f: Family, p: GlmParam, v: ValidationParam, peers: Peers, train: GuestTable, validate: GuestTable | null, naming: FitNaming): Promise<BinaryFit> {
  const k = train.header.length;
  let validator = NO_VALIDATION;
  if (v.freqs !== null) {
    const sets: Record<SetName, GuestTable | null> = { train, validate };
    validator = guestValidator(
      ctx, ch, v, peers.hosts, [...peers.hosts, peers.arbiter],
      {
        keys: { train: train.keys.slice(), ...(validate ? { validate: validate.keys.slice() } : {}) },
        predict: (set, w, sums) => {
          const g = sets[set]!;
          const dot = dotColumns(w, g.features, g.keys.length);
          return regressionRows(g, (i) => link(f)(dot[i]! + w[k]! + g.offsets[i]! + sums[i]!), set);
        },
      },
      'regression', train.sidName, naming.dataSetPrefix,
    );
  }
  const fit = await glmGuest(ctx, ch, f, p, peers, k, train, (iter, w) => validator.after(iter, w));
  return withBest(fit, validator, true);
}

async function fitHost(ctx: ComponentContext, ch: Channel, f: Family, p: GlmParam, v: ValidationParam, peers: Peers, train: DataTable<Instance>, validate: DataTable<Instance> | null): Promise<BinaryFit> {
  const rows = hostRows(train, p.who);
  const validator = hostSetsValidator(ch, v, peers.guest, { train: rows, validate: validate ? hostRows(validate, p.who) : null }, p.who);
  const fit = await glmHost(ctx, ch, f, p, peers, train.schema.header.length, rows, (iter, w) => validator.after(iter, w));
  return withBest(fit, validator, false);
}

async function fitArbiter(ctx: ComponentContext, ch: Channel, f: Family, p: GlmParam, v: ValidationParam, peers: Peers, naming: FitNaming): Promise<BinaryFit> {
  const validator = v.freqs === null ? NO_VALIDATION : arbiterValidator(ch, v, peers.guest);
  const fit = await glmArbiter(ctx, ch, f, p, peers, naming.loss, (iter) => validator.after(iter, []));
  return withBest(fit, validator, false);
}

/** A host's table by id, from its columns (a row table is converted once). */
const hostRows = (t: DataTable<Instance>, who: string) => new RowsById(lrColumns(t, who), who);

/** Guest: predictions of a table's rows with the hosts' partial scores (asked under `tag`). */
async function guestPredict(ch: Channel, f: Family, peers: Peers, g: GuestTable, coef: readonly number[], intercept: number, tag: string, type: string) {
  const [sums] = await hostSums(ch, tag, peers.hosts, g.keys, 1);
  const dot = dotColumns(coef, g.features, g.keys.length);
  return regressionRows(g, (i) => link(f)(dot[i]! + intercept + g.offsets[i]! + sums![i]!), type);
}

function table(input: ComponentInput, key: 'train' | 'validate'): DataTable<Instance> | null {
  const t = key === 'train' ? (input.data.train_data ?? input.data.data) : (input.data.eval_data ?? input.data.validate_data);
  return (t ?? null) as DataTable<Instance> | null;
}

async function train(input: ComponentInput, ctx: ComponentContext, f: Family, p: GlmParam, v: ValidationParam, peers: Peers): Promise<ComponentOutput> {
  const ch = new Channel(ctx, '', TRANSFER[f]);
  const module = p.who;
  if (input.role === 'arbiter') return { model: glmModelBuffers(f, p, [], await fitArbiter(ctx, ch, f, p, v, peers, PLAIN_NAMING)), modelModule: module };
  const t = table(input, 'train');
  if (!t) throw new Error(`${module}: no train_data`);
  const validate = table(input, 'validate');
  if (input.role === 'host') {
    const fit = await fitHost(ctx, ch, f, p, v, peers, t, validate);
    await answerHostSumsFrom(ch, 'train', peers.guest, hostRows(t, module), [fit.coef]);
    return { model: glmModelBuffers(f, p, t.schema.header, fit), modelModule: module };
  }
  const g = guestTable(t, p.exposureColname, module);
  const fit = await fitGuest(ctx, ch, f, p, v, peers, g, validate ? guestTable(validate, p.exposureColname, module) : null, PLAIN_NAMING);
  const rows = await guestPredict(ch, f, peers, g, fit.coef, fit.intercept, 'train', 'train');
  return { data: { schema: predictSchema(g.sidName), rows }, model: glmModelBuffers(f, p, g.header, fit), modelModule: module };
}

/** FATE's KFold.run for these models: see heteroLR/crossValidate.ts. */
async function crossValidate(input: ComponentInput, ctx: ComponentContext, f: Family, p: GlmParam, v: ValidationParam, cv: CvParam, peers: Peers): Promise<ComponentOutput> {
  const root = new Channel(ctx, '', TRANSFER[f]);
  if (input.role === 'arbiter') {
    for (let k = 0; k < cv.nSplits; k++) await fitArbiter(ctx, root.sub(`fold${k}.`), f, p, v, peers, foldNaming(k));
    return {};
  }
  const t = table(input, 'train');
  if (!t) throw new Error(`${p.who}: no train_data`);
  // A fold is a columnar table of its rows (takeRows): the rows are never built.
  const cols = lrColumns(t, p.who);
  const subset = (index: ArrayLike<number>): DataTable<Instance> => columnarTable(t.schema, takeRows(cols, index));
  if (input.role === 'host') {
    const rows = new RowsById(cols, p.who);
    const pick = (keys: string[]) => subset(rows.indexes(keys));
    for (let k = 0; k < cv.nSplits; k++) {
      const ch = root.sub(`fold${k}.`);
      const tr = pick(await ch.get<string[]>('train_sid', 'cv', peers.guest));
      const te = pick(await ch.get<string[]>('test_sid', 'cv', peers.guest));
      const fit = await fitHost(ctx, ch, f, p, v, peers, tr, te);
      await answerHostSumsFrom(ch, 'predict_train', peers.guest, hostRows(tr, p.who), [fit.coef]);
      await answerHostSumsFrom(ch, 'predict_validate', peers.guest, hostRows(te, p.who), [fit.coef]);
    }
    return {};
  }
  const metrics = validationMetrics('regression', v.metrics);
  for (const [k, fold] of kFold(cols.keys.length, cv).entries()) {
    const ch = root.sub(`fold${k}.`);
    const tr = guestTable(subset(fold.train), p.exposureColname, p.who);
    const te = guestTable(subset(fold.test), p.exposureColname, p.who);
    await ch.send('train_sid', 'cv', tr.keys, peers.hosts);
    await ch.send('test_sid', 'cv', te.keys, peers.hosts);
    const fit = await fitGuest(ctx, ch, f, p, v, peers, tr, te, foldNaming(k));
    for (const [set, g, tag] of [['train', tr, 'predict_train'], ['validate', te, 'predict_validate']] as const) {
      const rows = await guestPredict(ch, f, peers, g, fit.coef, fit.intercept, tag, set);
      await evaluateRows(ctx, foldDataSetName(set, k), 'regression', metrics, rows, g.sidName);
    }
  }
  return {};
}

async function predict(input: ComponentInput, ctx: ComponentContext, f: Family, p: GlmParam, peers: Peers): Promise<ComponentOutput> {
  const model = input.model!;
  if (input.role === 'arbiter') return { model, modelModule: p.who };
  const t = (input.data.eval_data ?? input.data.data ?? input.data.train_data) as DataTable<Instance> | undefined;
  if (!t) throw new Error(`${p.who}: no data to predict (expected eval_data)`);
  const ch = new Channel(ctx, '', TRANSFER[f]);
  if (input.role === 'host') {
    const stored = storedGlm(f, model, t.schema.header);
    await answerHostSumsFrom(ch, 'predict', peers.guest, hostRows(t, p.who), [stored.coef]);
    return { model, modelModule: p.who };
  }
  const e = f === 'poisson' ? model.HeteroPoissonRegressionMeta?.exposureColname : null;
  const g = guestTable(t, typeof e === 'string' && e !== '' ? e : null, p.who, false);
  const stored = storedGlm(f, model, g.header);
  const rows = await guestPredict(ch, f, peers, g, stored.coef, stored.intercept, 'predict', 'predict');
  return { data: { schema: predictSchema(g.sidName), rows }, model, modelModule: p.who };
}

function component(module: 'HeteroLinR' | 'HeteroPoisson', f: Family): Component {
  return async (input, ctx) => {
    if (!['guest', 'host', 'arbiter'].includes(input.role)) throw new Error(`${module}: unknown role ${input.role}`);
    const p = readGlmParams(input.params, module);
    if (input.model) return predict(input, ctx, f, p, peersOf(input, module, false));
    const peers = peersOf(input, module, true);
    const v = readValidationParam(input.params, module);
    const cv = readCvParam(input.params, module);
    if (cv.needCv) return crossValidate(input, ctx, f, p, v, cv, peers);
    return train(input, ctx, f, p, v, peers);
  };
}

export const heteroLinR = component('HeteroLinR', 'linr');
export const heteroPoisson = component('HeteroPoisson', 'poisson');

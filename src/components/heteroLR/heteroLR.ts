// HeteroLR (FATE 1.4 hetero_logistic_regression with arbiter): the component's entry. The protocol of
// one binary fit is in binaryTrain.ts; this file adds what FATE layers around it:
//   - one-vs-rest: the guest counts its classes and tells hosts and arbiter (aggregate_classes); with
//     more than two, one binary fit per class (labels masked to class / rest), each under its own
//     scope `ovr<c>.`, and predictions take the most probable class;
//   - validation (validation_freqs with validate data, early stopping: validation/heteroValidation.ts);
//   - cross-validation (cv_param.need_cv: crossValidate.ts);
//   - the final predictions of the training rows (hosts send W_h·x per row and model: linearModel/hostSums.ts; scores.ts);
//   - predict jobs from a stored model (predict.ts).
import type { DataTable, Instance } from '../../tableData/dataTable.js';
import type { Component, ComponentContext, ComponentInput } from '../contract.js';
import { readCvParam } from '../crossValidation/kFold.js';
import { arbiterValidator, guestValidator, NO_VALIDATION, type SetName } from '../validation/heteroValidation.js';
import { predictSchema, predictTable } from '../../tableData/predictColumns.js';
import { readValidationParam, type ValidationParam } from '../validation/validationParam.js';
import type { InstanceColumns } from '../../tableData/columns.js';
import { withBest } from '../linearModel/bestFit.js';
import { hostSetsValidator } from '../linearModel/hostValidation.js';
import { type FitNaming, PLAIN_NAMING } from '../linearModel/fitNaming.js';
import { type BinaryFit, Channel, type Peers, peersOf } from '../linearModel/protocol.js';
import { trainArbiter, trainGuest, trainHost } from './binaryTrain.js';
import { crossValidateLR } from './crossValidate.js';
import { classesOfColumns, lrColumns, RowsById } from '../linearModel/featureColumns.js';
import { lrModelBuffers } from './modelBuffers.js';
import { rowSourceOf } from '../linearModel/rowSource.js';
import { type HeteroLogisticParam, readParams } from '../linearModel/params.js';
import { predictFromModel } from './predict.js';
import { answerHostSumsFrom, hostSums } from '../linearModel/hostSums.js';
import { type GuestModels, predictColumns } from './scores.js';

export function trainTable(input: ComponentInput): DataTable<Instance> {
  const t = (input.data.train_data ?? input.data.data) as DataTable<Instance> | undefined;
  if (!t) throw new Error('HeteroLR: no train_data');
  return t;
}

/** What a fit leaves at a party: its binary models and, at the guest, the one-vs-rest classes. */
export interface LRFit {
  fits: BinaryFit[];
  classes: number[] | null;
}

export async function fitGuest(
  ctx: ComponentContext,
  ch: Channel,
  p: HeteroLogisticParam,
  v: ValidationParam,
  peers: Peers,
  train: DataTable<Instance>,
  validate: DataTable<Instance> | null,
  naming: FitNaming,
): Promise<LRFit> {
  const cols = lrColumns(train);
  // A big stored table is read a batch at a time (rowSource.ts): its labels alone now, no features.
  const source = rowSourceOf(cols);
  const { keys } = cols;
  const labels = source.labels ?? new Float64Array(0);
  const classes = classesOfColumns({ keys, features: [], ...(source.labels ? { labels: source.labels } : {}) });
  await ch.send('aggregate_classes', 'fit', classes.length, [...peers.hosts, peers.arbiter]);
  const k = train.schema.header.length;
  if (classes.length > 2) {
    // FATE's OneVsRest fits the guest's binary models without its validate data.
    const fits: BinaryFit[] = [];
    for (let c = 0; c < classes.length; c++) {
      const masked = labels.map((l) => (l === classes[c] ? 1 : 0));
      fits.push(await trainGuest(ctx, ch.sub(`ovr${c}.`), p, peers, k, { keys, source, labels: masked }, NO_VALIDATION.after));
    }
    return { fits, classes };
  }
  let validator = NO_VALIDATION;
  if (v.freqs !== null) {
    const sets: Record<SetName, InstanceColumns | null> = { train: cols, validate: validate ? lrColumns(validate) : null };
    validator = guestValidator(
      ctx,
      ch,
      v,
      peers.hosts,
      [...peers.hosts, peers.arbiter],
      {
        keys: { train: keys.slice(), ...(sets.validate ? { validate: sets.validate.keys.slice() } : {}) },
        predict: (set, w, sums) => {
          const m: GuestModels = { coefs: [w.slice(0, k)], intercepts: [w[k]!], classes: null };
          // A big stored set is scored a piece at a time from its partitions (rowSource.ts), never loaded.
          return predictColumns(m, sets[set]!, [sums], p.threshold, set, rowSourceOf(sets[set]!));
        },
      },
      'binary',
      train.schema.sid_name,
      naming.dataSetPrefix,
    );
  }
  const fit = await trainGuest(ctx, ch, p, peers, k, { keys, source, labels }, (iter, w) => validator.after(iter, w));
  return { fits: [withBest(fit, validator, true)], classes: null };
}

export async function fitHost(
  ctx: ComponentContext,
  ch: Channel,
  p: HeteroLogisticParam,
  v: ValidationParam,
  peers: Peers,
  train: DataTable<Instance>,
  validate: DataTable<Instance> | null,
): Promise<LRFit> {
  const count = await ch.get<number>('aggregate_classes', 'fit', peers.guest);
  const k = train.schema.header.length;
  const rows = new RowsById(lrColumns(train));
  const fits: BinaryFit[] = [];
  if (count > 2) {
    for (let c = 0; c < count; c++) fits.push(await trainHost(ctx, ch.sub(`ovr${c}.`), p, peers, k, rows, NO_VALIDATION.after));
    return { fits, classes: Array.from({ length: count }, (_, c) => c) };
  }
  const validator = hostSetsValidator(ch, v, peers.guest, { train: rows, validate: validate ? new RowsById(lrColumns(validate)) : null }, 'HeteroLR');
  const fit = await trainHost(ctx, ch, p, peers, k, rows, (iter, w) => validator.after(iter, w));
  return { fits: [withBest(fit, validator, false)], classes: null };
}

export async function fitArbiter(ctx: ComponentContext, ch: Channel, p: HeteroLogisticParam, v: ValidationParam, peers: Peers, naming: FitNaming): Promise<LRFit> {
  const count = await ch.get<number>('aggregate_classes', 'fit', peers.guest);
  if (count > 2) {
    const fits: BinaryFit[] = [];
    for (let c = 0; c < count; c++) fits.push(await trainArbiter(ctx, ch.sub(`ovr${c}.`), p, peers, naming.loss, NO_VALIDATION.after));
    return { fits, classes: Array.from({ length: count }, (_, c) => c) };
  }
  const validator = v.freqs === null ? NO_VALIDATION : arbiterValidator(ch, v, peers.guest);
  const fit = await trainArbiter(ctx, ch, p, peers, naming.loss, (iter) => validator.after(iter, []));
  return { fits: [withBest(fit, validator, false)], classes: null };
}

export const guestModels = (fit: LRFit): GuestModels => ({ coefs: fit.fits.map((f) => f.coef), intercepts: fit.fits.map((f) => f.intercept), classes: fit.classes });

async function train(input: ComponentInput, ctx: ComponentContext, p: HeteroLogisticParam, v: ValidationParam, peers: Peers) {
  const ch = new Channel(ctx);
  const validate = (input.data.eval_data ?? input.data.validate_data ?? null) as DataTable<Instance> | null;
  if (input.role === 'arbiter') {
    const fit = await fitArbiter(ctx, ch, p, v, peers, PLAIN_NAMING);
    return { model: lrModelBuffers(p, [], fit.fits, fit.classes), modelModule: 'HeteroLR' };
  }
  const table = trainTable(input);
  const header = [...table.schema.header];
  if (input.role === 'host') {
    const fit = await fitHost(ctx, ch, p, v, peers, table, validate);
    await answerHostSumsFrom(ch, 'train', peers.guest, new RowsById(lrColumns(table)), fit.fits.map((f) => f.coef));
    return { model: lrModelBuffers(p, header, fit.fits, fit.classes), modelModule: 'HeteroLR' };
  }
  const fit = await fitGuest(ctx, ch, p, v, peers, table, validate, PLAIN_NAMING);
  // Predict the training rows: hosts send plain W_h·X_h per row and model (host_prob).
  const cols = lrColumns(table);
  const models = guestModels(fit);
  const sums = await hostSums(ch, 'train', peers.hosts, cols.keys as string[], models.coefs.length);
  return {
    data: predictTable(predictSchema(table.schema.sid_name), predictColumns(models, cols, sums, p.threshold, 'train', rowSourceOf(cols))),
    model: lrModelBuffers(p, header, fit.fits, fit.classes),
    modelModule: 'HeteroLR',
  };
}

export const heteroLR: Component = async (input, ctx) => {
  const p = readParams(input.params);
  // Predict (a stored model as input): the host needs no arbiter.
  if (input.model) {
    const hosts = (input.roles.host ?? []).map((partyId) => ({ role: 'host', partyId }));
    const guestId = input.roles.guest?.[0];
    if (guestId === undefined || hosts.length === 0) throw new Error('HeteroLR: predicting needs a guest and a host');
    return predictFromModel(input, ctx, p, { guest: { role: 'guest', partyId: guestId }, hosts });
  }
  if (!['guest', 'host', 'arbiter'].includes(input.role)) throw new Error(`HeteroLR: unknown role ${input.role}`);
  const peers = peersOf(input, 'HeteroLR', true);
  const v = readValidationParam(input.params, 'HeteroLR');
  const cv = readCvParam(input.params, 'HeteroLR');
  if (cv.needCv) return crossValidateLR(input, ctx, p, v, cv, peers);
  return train(input, ctx, p, v, peers);
};

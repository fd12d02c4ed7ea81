// HeteroLR cross-validation (FATE 1.4 KFold.run): the guest splits its ids into folds
// (crossValidation/kFold.ts) and sends each fold's train and test ids to the hosts (train_sid /
// test_sid; hosts keep only those rows); every party fits a model per fold under the scope
// `fold<k>.` with the fold's test rows as validate data, then the guest predicts the fold's train
// rows and test rows and logs FATE's evaluation under `train_fold_<k>` and `validate_fold_<k>`.
// The loss curve of fold k is `train`/`loss.<k>`. Like FATE, a CV job outputs no model and no data.
import { columnarTable, type InstanceColumns, takeRows, takeUnloaded } from '../../tableData/columns.js';
import type { DataTable, Instance, Schema } from '../../tableData/dataTable.js';
import type { ComponentContext, ComponentInput, ComponentOutput } from '../contract.js';
import { type CvParam, foldDataSetName, kFold } from '../crossValidation/kFold.js';
import { evaluatePredictions, validationMetrics } from '../validation/evaluate.js';
import type { ValidationParam } from '../validation/validationParam.js';
import { foldNaming } from '../linearModel/fitNaming.js';
import { Channel, type Peers } from '../linearModel/protocol.js';
import { fitArbiter, fitGuest, fitHost, guestModels, trainTable } from './heteroLR.js';
import { classesOfColumns, lrColumns, RowsById } from '../linearModel/featureColumns.js';
import type { HeteroLogisticParam } from '../linearModel/params.js';
import { rowSourceOf } from '../linearModel/rowSource.js';
import { answerHostSumsFrom, hostSums } from '../linearModel/hostSums.js';
import { predictColumns } from './scores.js';

/**
 * The rows at `idx` as a columnar table (folds are columns, never row objects). A big stored table's
 * rows stay unread (issue 17): the fold is the row indexes over the stored partitions, and its fit,
 * validation and predictions read them a batch or a piece at a time (rowSource.ts), the same values.
 */
function subset(schema: Schema, cols: InstanceColumns, idx: ArrayLike<number>): DataTable<Instance> {
  const at = Int32Array.from(idx);
  return columnarTable(schema, takeUnloaded(cols, at) ?? takeRows(cols, at));
}

export async function crossValidateLR(input: ComponentInput, ctx: ComponentContext, p: HeteroLogisticParam, v: ValidationParam, cv: CvParam, peers: Peers): Promise<ComponentOutput> {
  const root = new Channel(ctx);
  if (input.role === 'arbiter') {
    for (let f = 0; f < cv.nSplits; f++) await fitArbiter(ctx, root.sub(`fold${f}.`), p, v, peers, foldNaming(f));
    return {};
  }
  const table = trainTable(input);
  const cols = lrColumns(table);
  if (input.role === 'host') {
    const rows = new RowsById(cols);
    // The guest's fold ids are usually this table's in its order (both intersected, in key order):
    // found by a walk, without a map of every id; else looked up.
    const pick = (keys: string[]): DataTable<Instance> => subset(table.schema, cols, rows.positionsIn(keys, 0, cols.keys.length) ?? rows.indexes(keys));
    for (let f = 0; f < cv.nSplits; f++) {
      const ch = root.sub(`fold${f}.`);
      const train = pick(await ch.get<string[]>('train_sid', 'cv', peers.guest));
      const test = pick(await ch.get<string[]>('test_sid', 'cv', peers.guest));
      const fit = await fitHost(ctx, ch, p, v, peers, train, test);
      const coefs = fit.fits.map((m) => m.coef);
      await answerHostSumsFrom(ch, 'predict_train', peers.guest, new RowsById(train.columns!), coefs);
      await answerHostSumsFrom(ch, 'predict_validate', peers.guest, new RowsById(test.columns!), coefs);
    }
    return {};
  }
  // The labels alone (rowSource.ts): `cols.labels` would load a big stored table's values whole.
  const labels = rowSourceOf(cols).labels;
  const evalType = classesOfColumns({ keys: cols.keys, features: [], ...(labels ? { labels } : {}) }).length > 2 ? 'multi' : 'binary';
  const metrics = validationMetrics(evalType, v.metrics);
  const folds = kFold(cols.keys.length, cv);
  for (let f = 0; f < folds.length; f++) {
    const ch = root.sub(`fold${f}.`);
    const train = subset(table.schema, cols, folds[f]!.train);
    const test = subset(table.schema, cols, folds[f]!.test);
    await ch.send('train_sid', 'cv', train.columns!.keys, peers.hosts);
    await ch.send('test_sid', 'cv', test.columns!.keys, peers.hosts);
    const models = guestModels(await fitGuest(ctx, ch, p, v, peers, train, test, foldNaming(f)));
    for (const [set, t, tag] of [['train', train, 'predict_train'], ['validate', test, 'predict_validate']] as const) {
      const foldCols = t.columns!;
      const sums = await hostSums(ch, tag, peers.hosts, foldCols.keys, models.coefs.length);
      const predicted = predictColumns(models, foldCols, sums, p.threshold, set, rowSourceOf(foldCols));
      await evaluatePredictions(ctx, foldDataSetName(set, f), evalType, metrics, [predicted], table.schema.sid_name);
    }
  }
  return {};
}

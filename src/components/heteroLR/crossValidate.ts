// HeteroLR cross-validation (FATE 1.4 KFold.run): the guest splits its ids into folds
// (crossValidation/kFold.ts) and sends each fold's train and test ids to the hosts (train_sid /
// test_sid; hosts keep only those rows); every party fits a model per fold under the scope
// `fold<k>.` with the fold's test rows as validate data, then the guest predicts the fold's train
// rows and test rows and logs FATE's evaluation under `train_fold_<k>` and `validate_fold_<k>`.
// The loss curve of fold k is `train`/`loss.<k>`. Like FATE, a CV job outputs no model and no data.
import type { ComponentContext, ComponentInput, ComponentOutput, DataTable, Instance } from '../contract.js';
import { type CvParam, foldDataSetName, kFold } from '../crossValidation/kFold.js';
import { evaluateRows, validationMetrics } from '../validation/evaluate.js';
import type { ValidationParam } from '../validation/validationParam.js';
import { Channel, type Peers, rowLookup } from './binaryTrain.js';
import { classesOf, type FitNaming, fitArbiter, fitGuest, fitHost, guestModels, trainTable } from './heteroLR.js';
import type { HeteroLogisticParam } from './params.js';
import { answerHostSums, hostSums, predictRows } from './scores.js';

const subset = (t: DataTable<Instance>, idx: readonly number[]): DataTable<Instance> => ({ schema: t.schema, rows: idx.map((i) => t.rows[i]!) });

const naming = (fold: number): FitNaming => ({
  loss: { namespace: 'train', name: `loss.${fold}`, curveName: String(fold) },
  dataSetPrefix: `fold_${fold}.`,
});

export async function crossValidateLR(input: ComponentInput, ctx: ComponentContext, p: HeteroLogisticParam, v: ValidationParam, cv: CvParam, peers: Peers): Promise<ComponentOutput> {
  const root = new Channel(ctx);
  if (input.role === 'arbiter') {
    for (let f = 0; f < cv.nSplits; f++) await fitArbiter(ctx, root.sub(`fold${f}.`), p, v, peers, naming(f));
    return {};
  }
  const table = trainTable(input);
  if (input.role === 'host') {
    const row = rowLookup(table.rows);
    const pick = (keys: string[]): DataTable<Instance> => ({ schema: table.schema, rows: keys.map((k) => [k, row(k)]) });
    for (let f = 0; f < cv.nSplits; f++) {
      const ch = root.sub(`fold${f}.`);
      const train = pick(await ch.get<string[]>('train_sid', 'cv', peers.guest));
      const test = pick(await ch.get<string[]>('test_sid', 'cv', peers.guest));
      const fit = await fitHost(ctx, ch, p, v, peers, train, test);
      const coefs = fit.fits.map((m) => m.coef);
      await answerHostSums(ch, 'predict_train', peers.guest, rowLookup(train.rows), coefs);
      await answerHostSums(ch, 'predict_validate', peers.guest, rowLookup(test.rows), coefs);
    }
    return {};
  }
  const evalType = classesOf(table.rows).length > 2 ? 'multi' : 'binary';
  const metrics = validationMetrics(evalType, v.metrics);
  const folds = kFold(table.rows.length, cv);
  for (let f = 0; f < folds.length; f++) {
    const ch = root.sub(`fold${f}.`);
    const train = subset(table, folds[f]!.train);
    const test = subset(table, folds[f]!.test);
    await ch.send('train_sid', 'cv', train.rows.map(([k]) => k), peers.hosts);
    await ch.send('test_sid', 'cv', test.rows.map(([k]) => k), peers.hosts);
    const models = guestModels(await fitGuest(ctx, ch, p, v, peers, train, test, naming(f)));
    for (const [set, t, tag] of [['train', train, 'predict_train'], ['validate', test, 'predict_validate']] as const) {
      const keys = t.rows.map(([k]) => k);
      const sums = await hostSums(ch, tag, peers.hosts, keys, models.coefs.length);
      const rows = predictRows(models, keys, t.rows.map(([, inst]) => inst), sums, p.threshold, set);
      await evaluateRows(ctx, foldDataSetName(set, f), evalType, metrics, rows, table.schema.sid_name);
    }
  }
  return {};
}

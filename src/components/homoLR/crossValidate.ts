// HomoLR cross-validation (FATE 1.4 KFold.run in homo mode): every client splits its own rows into
// folds (crossValidation/kFold.ts; no ids cross), and for each fold all parties run a whole HomoLR fit
// under the scope `fold<k>.` — with fresh pairwise mask keys, so no mask is ever reused across folds.
// As FATE's KFold calls fit(train_data, test_data), each client fits with the fold's test rows as its
// eval_data, so its fit output holds the fold's train and validate predictions: a plaintext client
// scores them with its clear model; an encrypted host gets their labels from the arbiter (the
// predict_wx / predict_result exchange that ends every fit, like FATE's arbiter-assisted predict), and
// never sees a score or its model. Each client then logs FATE's evaluation under `train_fold_<k>` /
// `validate_fold_<k>`; the guest's validation_freqs evaluations are `fold_<k>.iteration_<r>`. The
// arbiter's loss curve of fold k is `train`/`loss.<k>`. Like FATE, a CV job outputs no model and no data.
//
// Differences from FATE 1.4.5 (which evaluates folds at the guest only, host_do_evaluate false):
// hosts log their fold metrics too; an encrypted host has only 0/1 labels, so its metrics are those of
// the labels as scores (its auc is the AUC of a hard classifier: (TPR + TNR) / 2, its ks TPR − FPR).
import { columnarTable, rowCountOf, takeRows, takeUnloaded } from '../../tableData/columns.js';
import type { DataTable, Instance } from '../../tableData/dataTable.js';
import type { ComponentContext, ComponentInput, ComponentOutput } from '../contract.js';
import { type CvParam, foldDataSetName, kFold } from '../crossValidation/kFold.js';
import { evaluatePredictions, evaluateRows, validationMetrics } from '../validation/evaluate.js';
import { readValidationParam } from '../validation/validationParam.js';
import type { FitScope } from './channel.js';
import { fitClient } from './client.js';
import { type HomoLROptions, type Parties, runArbiter } from './homoLR.js';
import { firstRowPerKey } from './predictions.js';
import type { HomoLogisticParam } from './params.js';

type Row = [string, unknown[]];

/** An encrypted host's row [label, label decided by the arbiter, null, …]: its label is its only score. */
const scoredByLabel = ([key, r]: Row): Row => (r[2] === null && (r[1] === 0 || r[1] === 1) ? [key, [r[0], r[1], r[1], { '0': 1 - r[1], '1': r[1] }, r[4]]] : [key, r]);

export async function crossValidateHomo(input: ComponentInput, ctx: ComponentContext, p: HomoLogisticParam, parties: Parties, options: HomoLROptions, cv: CvParam): Promise<ComponentOutput> {
  const fitOf = (k: number): FitScope => ({ scope: `fold${k}.`, lossName: `loss.${k}`, curveName: String(k), dataSetPrefix: `fold_${k}.` });
  // A component name per fold: the pairwise mask keys are bound to it.
  const foldInput = (k: number, data: ComponentInput['data']): ComponentInput => ({ ...input, componentName: `${input.componentName}.fold${k}`, data });
  if (input.role === 'arbiter') {
    for (let k = 0; k < cv.nSplits; k++) await runArbiter(foldInput(k, {}), ctx, p, parties, options, fitOf(k));
    return {};
  }
  const table = (input.data.train_data ?? input.data.data) as DataTable<Instance> | undefined;
  if (!table) throw new Error('HomoLR: no train_data');
  const metrics = validationMetrics('binary', readValidationParam(input.params, 'HomoLR').metrics);
  // A columnar table's folds are columnar tables of their rows (takeRows), a big stored table's the
  // row indexes over its partitions (takeUnloaded: read a batch or a piece at a time by the fit, its
  // validation and its predictions), so its rows are never built nor its values loaded whole (issue 17).
  const cols = table.columns;
  const pick = (index: readonly number[]): DataTable<Instance> => {
    if (!cols) return { schema: table.schema, rows: index.map((i) => table.rows[i]!) };
    const at = Int32Array.from(index);
    return columnarTable(table.schema, takeUnloaded(cols, at) ?? takeRows(cols, at));
  };
  for (const [k, fold] of kFold(cols ? rowCountOf(cols) : table.rows.length, cv).entries()) {
    const train = pick(fold.train);
    const test = pick(fold.test);
    const { predictions } = await fitClient(foldInput(k, { train_data: train, eval_data: test }), ctx, p, parties, options, fitOf(k));
    if ('sets' in predictions) {
      // A plaintext client's predictions as typed columns, each set evaluated from its columns.
      const [trainSet, validateSet] = firstRowPerKey(predictions.sets);
      for (const [set, columns] of [['train', trainSet!], ['validate', validateSet!]] as const) {
        await evaluatePredictions(ctx, foldDataSetName(set, k), 'binary', metrics, [columns], table.schema.sid_name);
      }
      continue;
    }
    const rows = predictions.rows.map(scoredByLabel);
    for (const set of ['train', 'validate'] as const) {
      await evaluateRows(ctx, foldDataSetName(set, k), 'binary', metrics, rows.filter(([, r]) => r[4] === set), table.schema.sid_name);
    }
  }
  return {};
}

// HomoLR cross-validation (FATE 1.4 KFold.run in homo mode): every client splits its own rows into
// folds (crossValidation/kFold.ts; no ids cross), and for each fold all parties run a whole HomoLR fit
// under the scope `fold<k>.` — with fresh pairwise mask keys, so no mask is ever reused across folds —
// then each client predicts its fold's train and test rows and logs FATE's evaluation under
// `train_fold_<k>` / `validate_fold_<k>`. The arbiter's loss curve of fold k is `train`/`loss.<k>`.
// Like FATE, a CV job outputs no model and no data.
import type { ComponentContext, ComponentInput, ComponentOutput, DataTable, Instance } from '../contract.js';
import { type CvParam, foldDataSetName, kFold } from '../crossValidation/kFold.js';
import { evaluateRows, validationMetrics } from '../validation/evaluate.js';
import { readValidationParam } from '../validation/validationParam.js';
import { type HomoLROptions, type Parties, runArbiter, runClient } from './homoLR.js';
import { loadModel, predictRows } from './localModel.js';
import type { HomoLogisticParam } from './params.js';

export async function crossValidateHomo(input: ComponentInput, ctx: ComponentContext, p: HomoLogisticParam, parties: Parties, options: HomoLROptions, cv: CvParam): Promise<ComponentOutput> {
  const fitOf = (k: number) => ({ scope: `fold${k}.`, lossName: `loss.${k}`, curveName: String(k) });
  // A component name per fold: the pairwise mask keys are bound to it.
  const foldInput = (k: number, data: ComponentInput['data']): ComponentInput => ({ ...input, componentName: `${input.componentName}.fold${k}`, data });
  if (input.role === 'arbiter') {
    for (let k = 0; k < cv.nSplits; k++) await runArbiter(foldInput(k, {}), ctx, p, parties, options, fitOf(k));
    return {};
  }
  const table = (input.data.train_data ?? input.data.data) as DataTable<Instance> | undefined;
  if (!table) throw new Error('HomoLR: no train_data');
  const metrics = validationMetrics('binary', readValidationParam(input.params, 'HomoLR').metrics);
  for (const [k, fold] of kFold(table.rows.length, cv).entries()) {
    const train: DataTable<Instance> = { schema: table.schema, rows: fold.train.map((i) => table.rows[i]!) };
    const test: DataTable<Instance> = { schema: table.schema, rows: fold.test.map((i) => table.rows[i]!) };
    const out = await runClient(foldInput(k, { train_data: train }), ctx, p, parties, options, fitOf(k));
    const { w, encrypted } = loadModel(out.model!);
    // An encrypted host holds no clear weights (its model stays with the arbiter's key): scoring its
    // folds would need the arbiter's label service per fold, which is not wired into CV yet, so it
    // logs no fold metrics rather than metrics of a zero model.
    if (encrypted) continue;
    for (const [set, t] of [['train', train], ['validate', test]] as const) {
      await evaluateRows(ctx, foldDataSetName(set, k), 'binary', metrics, predictRows(t, w, p.threshold, set), table.schema.sid_name);
    }
  }
  return {};
}

// HeteroSecureBoost cross-validation (FATE 1.4 KFold.run): the guest splits its ids into folds
// (crossValidation/kFold.ts) and sends each fold's train and test ids to the hosts (train_sid /
// test_sid; hosts keep only those rows); both sides fit a model per fold, every federation tag scoped
// `fold<k>.`, then predict the fold's train rows and test rows, and the guest logs FATE's evaluation
// under `train_fold_<k>` and `validate_fold_<k>`. Fold k's loss curve is `train`/`loss.<k>`. Like
// FATE, a CV task outputs no model and no data.
import { partitionedTableOf } from '../../compute/compute.js';
import { columnarTable, takeRows, takeUnloaded } from '../../tableData/columns.js';
import type { DataTable, Instance } from '../../tableData/dataTable.js';
import type { ComponentContext, ComponentInput, ComponentOutput } from '../contract.js';
import { scoped } from './scope.js';
import { storedLabels } from './storedBinning.js';
import { boostingValidator } from './validation.js';
import { readValidationParam } from '../validation/validationParam.js';
import { type CvParam, foldDataSetName, kFold } from '../crossValidation/kFold.js';
import { type EvalType, evaluateRows, validationMetrics } from '../validation/evaluate.js';
import { runGuest } from './guest.js';
import { runHost } from './host.js';
import type { BoostingTreeParam } from './params.js';
import { predictFromModel } from './predict.js';
import { BOOSTING, type Peers } from './protocol.js';

const unknownId = (k: string) => new Error(`HeteroSecureBoost: cross-validation fold names id ${JSON.stringify(k)} that this party does not have (intersect first)`);

/**
 * The rows of a fold, by id: from a columnar table a columnar table of those rows (takeRows: its
 * rows are never built, issue 17), from a row table the same row objects.
 */
function foldTable(t: DataTable<Instance>): (keys: readonly string[]) => DataTable<Instance> {
  const cols = t.columns;
  if (cols) {
    const at = new Map(cols.keys.map((k, i) => [k, i]));
    return (keys) => {
      const index = Int32Array.from(keys, (k) => {
        const i = at.get(k);
        if (i === undefined) throw unknownId(k);
        return i;
      });
      // A big stored table's fold stays unread (its rows read a piece at a time when trained on).
      return columnarTable(t.schema, takeUnloaded(cols, index) ?? takeRows(cols, index));
    };
  }
  const byKey = new Map(t.rows);
  return (keys) => ({
    schema: t.schema,
    rows: keys.map((k) => {
      const inst = byKey.get(k);
      if (!inst) throw unknownId(k);
      return [k, inst];
    }),
  });
}

export async function crossValidateBoost(input: ComponentInput, ctx: ComponentContext, p: BoostingTreeParam, cv: CvParam, peers: Peers): Promise<ComponentOutput> {
  const table = (input.data.train_data ?? input.data.data) as DataTable<Instance> | undefined;
  if (!table) throw new Error('HeteroSecureBoost: cross-validation needs train_data');
  const subset = foldTable(table);
  const keys = table.columns ? table.columns.keys : table.rows.map(([k]) => k);
  const folds = input.role === 'guest' ? kFold(keys.length, cv) : [];
  const stored = table.columns && partitionedTableOf(table.columns);
  const labels = stored ? (storedLabels(table.columns!, stored) ?? (keys.length ? [undefined] : []))
    : table.columns ? (table.columns.labels ?? (keys.length ? [undefined] : [])) : table.rows.map(([, i]) => i.label);
  const evalType: EvalType = p.taskType === 'regression' ? 'regression' : new Set(labels).size > 2 ? 'multi' : 'binary';
  const metrics = validationMetrics(evalType, p.metrics);
  for (let f = 0; f < cv.nSplits; f++) {
    ctx.signal.throwIfAborted();
    const scope = `fold${f}.`;
    const fold = scoped(ctx, scope, f);
    let train: DataTable<Instance>;
    let test: DataTable<Instance>;
    if (input.role === 'guest') {
      const trainIds = folds[f]!.train.map((i) => keys[i]!);
      const testIds = folds[f]!.test.map((i) => keys[i]!);
      await fold.federation.remote(BOOSTING + 'train_sid', 'cv', trainIds, peers.hosts);
      await fold.federation.remote(BOOSTING + 'test_sid', 'cv', testIds, peers.hosts);
      train = subset(trainIds);
      test = subset(testIds);
    } else {
      train = subset((await fold.federation.get(BOOSTING + 'train_sid', 'cv', peers.guest)) as string[]);
      test = subset((await fold.federation.get(BOOSTING + 'test_sid', 'cv', peers.guest)) as string[]);
    }
    const fitInput: ComponentInput = { ...input, data: { train_data: train, eval_data: test } };
    const hook = boostingValidator(fitInput, fold, p, readValidationParam(input.params, 'HeteroSecureBoost'), peers, evalType, `fold_${f}.`);
    const fitted = input.role === 'guest' ? await runGuest(fitInput, fold, p, peers, hook) : await runHost(fitInput, fold, p, peers, hook);
    for (const [set, data] of [['train', train], ['validate', test]] as const) {
      const out = await predictFromModel({ ...input, data: { eval_data: data }, model: fitted.model! }, scoped(ctx, `${scope}${set}.`, null), p, peers, set);
      if (input.role === 'guest') await evaluateRows(ctx, foldDataSetName(set, f), evalType, metrics, out.data!.rows, table.schema.sid_name);
    }
    ctx.tracker.setProgress(Math.round(((f + 1) / cv.nSplits) * 100));
  }
  return {};
}

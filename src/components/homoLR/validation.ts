// validation_freqs for HomoLR (FATE 1.4.5 federatedml/util/validation_strategy.py, homo mode): after
// local epoch n_iter the guest scores its train rows (type "train") and its eval_data rows (type
// "validate") with the model it holds (the last aggregated one, FATE's self.model_weights) and runs
// the Evaluation on them, so the metrics land under namespaces train / validate with the name
// `iteration_<n_iter>` (`fold_<k>.iteration_<n_iter>` in a cross-validation). Hosts and the arbiter
// do not validate (FATE 1.4.5 has that call commented out in homo_lr_host.py and returns early on the
// arbiter).
import type { ComponentContext, DataTable, Instance } from '../contract.js';
import { evaluation } from '../evaluation/evaluation.js';
import { alignTo, PREDICT_HEADER, predictOutput, predictRows } from './localModel.js';
import type { HomoLogisticParam } from './params.js';

export function needsValidation(p: HomoLogisticParam, nIter: number): boolean {
  const f = p.validationFreqs;
  if (f === null) return false;
  return typeof f === 'number' ? (nIter + 1) % f === 0 : f.includes(nIter);
}

export async function validate(
  ctx: ComponentContext,
  p: HomoLogisticParam,
  nIter: number,
  w: readonly number[],
  train: DataTable<Instance>,
  evalData: DataTable<Instance> | undefined,
  dataSetPrefix = '',
): Promise<void> {
  const name = `${dataSetPrefix}iteration_${nIter}`;
  let table: DataTable;
  if (evalData) {
    const rows = predictRows(train, w, p.threshold, 'train');
    // DTable union: a key already present keeps its train row.
    const seen = new Set(rows.map(([key]) => key));
    for (const row of predictRows(alignTo(evalData, train.schema.header), w, p.threshold, 'validate')) if (!seen.has(row[0])) rows.push(row);
    table = { schema: { header: [...PREDICT_HEADER], sid_name: train.schema.sid_name }, rows };
  } else {
    // The train predictions alone: typed columns, which Evaluation reads without rows.
    table = predictOutput(train, w, p.threshold, 'train');
  }
  await evaluation(
    {
      jobId: '', taskId: '', componentName: name, module: 'Evaluation', role: 'guest', partyId: '', roles: {},
      params: { eval_type: 'binary', pos_label: 1, metrics: [...p.metrics], _upstream: name },
      data: { data: table },
    },
    ctx,
  );
}

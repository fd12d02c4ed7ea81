// validation_freqs for HomoLR (FATE 1.4.5 federatedml/util/validation_strategy.py, homo mode): after
// local epoch n_iter the guest scores its train rows (type "train") and its eval_data rows (type
// "validate") with the model it holds (the last aggregated one, FATE's self.model_weights) and runs
// the Evaluation on them, so the metrics land under namespaces train / validate with the name
// `iteration_<n_iter>` (`fold_<k>.iteration_<n_iter>` in a cross-validation). Hosts and the arbiter
// do not validate (FATE 1.4.5 has that call commented out in homo_lr_host.py and returns early on the
// arbiter).
import type { DataTable, Instance } from '../../tableData/dataTable.js';
import type { ComponentContext } from '../contract.js';
import { evaluation } from '../evaluation/evaluation.js';
import { predictSchema, predictTable } from '../../tableData/predictColumns.js';
import { predictionRows, predictionSets, withoutTrainKeys } from './predictions.js';
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
  const schema = predictSchema(train.schema.sid_name);
  // Typed columns, which Evaluation reads without rows: each set evaluated in turn logs what their
  // rows concatenated did (Evaluation splits rows by type, in order of appearance).
  const sets = predictionSets(train, evalData, w, p.threshold);
  let tables: DataTable[];
  if (sets) {
    const [t, v] = sets;
    tables = [t!, ...(v ? [withoutTrainKeys(t!, v)] : [])].map((set) => predictTable(schema, set));
  } else {
    const [rows, validateRows] = predictionRows(train, evalData, w, p.threshold);
    if (validateRows) {
      // DTable union: a key already present keeps its train row.
      const seen = new Set(rows!.map(([key]) => key));
      for (const row of validateRows) if (!seen.has(row[0])) rows!.push(row);
    }
    tables = [{ schema, rows: rows! }];
  }
  for (const table of tables) {
    await evaluation(
      {
        jobId: '', taskId: '', componentName: name, module: 'Evaluation', role: 'guest', partyId: '', roles: {},
        params: { eval_type: 'binary', pos_label: 1, metrics: [...p.metrics], _upstream: name },
        data: { data: table },
      },
      ctx,
    );
  }
}

// FATE 1.4's ValidationStrategy for HeteroSecureBoost (validation_freqs, early_stopping_rounds,
// metrics, use_first_metric_only): after boosting round r (when validation_freqs says so) the guest
// evaluates its train rows (its own scores) and its validate rows — predicted with the trees so far
// by the predict protocol (predict.ts: hosts answer only split directions) — under FATE's data set
// name `iteration_r` (`fold_k.iteration_r` in cross-validation). With early_stopping_rounds the
// guest keeps FATE's performance recorder and tells each host (validation_status) only whether the
// best performance improved and whether to stop; every party then keeps its model of the best round.
import { partitionedTableOf } from '../../compute/compute.js';
import type { DataTable, Instance } from '../../tableData/dataTable.js';
import type { ComponentContext, ComponentInput, ModelBuffers } from '../contract.js';
import { decisiveResults, type EvalType, evaluateRows, firstSingleValueMetric, validationMetrics } from '../validation/evaluate.js';
import { PerformanceRecorder } from '../validation/performanceRecorder.js';
import { needValidation, type ValidationParam } from '../validation/validationParam.js';
import type { BoostingTreeParam } from './params.js';
import { predictFromModel } from './predict.js';
import { BOOSTING, type Peers } from './protocol.js';
import { scoped } from './scope.js';
import { storedLabels } from './storedBinning.js';

export interface RoundStatus {
  improved: boolean;
  stop: boolean;
}

const NOTHING: RoundStatus = { improved: false, stop: false };

/** Called after every boosting round by each side's training loop. */
export interface RoundHook {
  after(round: number, model: () => ModelBuffers, trainRows: () => DataTable['rows']): Promise<RoundStatus>;
}

export const NO_HOOK: RoundHook = { after: async () => NOTHING };

/** What validation evaluates: regression, or binary / multi by the number of classes in the guest's train labels. */
export function evalTypeOf(p: BoostingTreeParam, input: ComponentInput): EvalType {
  if (p.taskType === 'regression') return 'regression';
  const table = (input.data.train_data ?? input.data.data) as DataTable<Instance> | undefined;
  // A columnar table's labels are read from its column (issue 17: its rows are never built); a big
  // stored table's from its partitions, without its features.
  const stored = table?.columns && partitionedTableOf(table.columns);
  const labels = stored ? (storedLabels(table!.columns!, stored) ?? (stored.count ? [undefined] : []))
    : table?.columns ? (table.columns.labels ?? (table.columns.keys.length ? [undefined] : [])) : (table?.rows.map(([, i]) => i.label) ?? []);
  return new Set(labels).size > 2 ? 'multi' : 'binary';
}

export function boostingValidator(input: ComponentInput, ctx: ComponentContext, p: BoostingTreeParam, v: ValidationParam, peers: Peers, evalType: EvalType, dataSetPrefix = ''): RoundHook {
  if (v.freqs === null && v.earlyStoppingRounds === null) return NO_HOOK;
  const evalTable = input.data.eval_data as DataTable<Instance> | undefined;
  if (v.earlyStoppingRounds !== null && !evalTable) throw new Error('HeteroSecureBoost: validate data (eval_data) is needed when early stopping is enabled');
  const recorder = new PerformanceRecorder();
  const metrics = validationMetrics(evalType, v.metrics);
  const first = v.useFirstMetricOnly ? firstSingleValueMetric(evalType, metrics) : null;
  const guest = input.role === 'guest';
  return {
    async after(round, model, trainRows) {
      if (!needValidation(v, round)) return NOTHING;
      const tag = `validate.${round}`;
      let rows: DataTable['rows'] = guest ? trainRows() : [];
      if (evalTable) {
        const out = await predictFromModel({ ...input, data: { eval_data: evalTable }, model: model() }, scoped(ctx, `${tag}.`, null), p, peers, 'validate');
        if (guest) rows = [...rows, ...out.data!.rows];
      }
      if (!guest) return v.earlyStoppingRounds === null ? NOTHING : ((await ctx.federation.get(BOOSTING + 'validation_status', tag, peers.guest)) as RoundStatus);
      const sid = (input.data.train_data ?? input.data.data)?.schema.sid_name ?? 'id';
      const results = await evaluateRows(ctx, `${dataSetPrefix}iteration_${round}`, evalType, metrics, rows, sid);
      if (v.earlyStoppingRounds === null) return NOTHING;
      let decisive = decisiveResults(results);
      if (first !== null && first in decisive) decisive = { [first]: decisive[first]! };
      if (Object.keys(decisive).length === 0) throw new Error('HeteroSecureBoost: no single-value metric to check early stopping on');
      recorder.update(decisive);
      const status: RoundStatus = { improved: recorder.improved(v.useFirstMetricOnly), stop: recorder.shouldStop(v.earlyStoppingRounds) };
      await ctx.federation.remote(BOOSTING + 'validation_status', tag, status, peers.hosts);
      return status;
    },
  };
}

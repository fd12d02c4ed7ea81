// FATE 1.4's ValidationStrategy for hetero linear models, one party's side each. After iteration i
// (when validation_freqs says so) the guest predicts its train and validate rows with the current
// weights — each host sends only its partial sums W_h·x for the ids the guest names, as in a predict
// job — and logs FATE's evaluation under `iteration_i` (`fold_k.iteration_i` in cross-validation).
// With early_stopping_rounds the guest keeps FATE's performance recorder and tells hosts and arbiter
// (validation_status) whether the best performance improved (each party then keeps its own weights
// as the best model) and whether to stop. Hosts learn only these two flags.
import type { DataTable } from '../../tableData/dataTable.js';
import type { ComponentContext, PartyRef } from '../contract.js';
import { type PredictColumns, predictRowsOf } from '../../tableData/predictColumns.js';
import { decisiveResults, type EvalType, evaluatePredictions, evaluateRows, firstSingleValueMetric, validationMetrics } from './evaluate.js';
import { PerformanceRecorder } from './performanceRecorder.js';
import { needValidation, type ValidationParam } from './validationParam.js';

/** The federation calls a validator needs (a model's scoped channel). */
export interface Wire {
  send(name: string, tag: string, payload: unknown, to: PartyRef | PartyRef[]): Promise<void>;
  get<T>(name: string, tag: string, from: PartyRef): Promise<T>;
}

export interface BestModel {
  weights: number[];
  iteration: number;
}

interface Status {
  improved: boolean;
  stop: boolean;
}

export type SetName = 'train' | 'validate';

/** A hook run after each iteration; answers whether to stop. `best` is the best model so far (early stopping). */
export interface Validator {
  after(iter: number, weights: readonly number[]): Promise<boolean>;
  best(): BestModel | null;
}

export const NO_VALIDATION: Validator = { after: async () => false, best: () => null };

/**
 * Guest: how its model predicts a set's rows given the hosts' summed partial scores per row: as rows,
 * or as predict columns (evaluated without a row object per prediction, the same metrics).
 */
export interface GuestSets {
  keys: Partial<Record<SetName, string[]>>;
  predict(set: SetName, weights: readonly number[], hostSums: readonly number[]): DataTable['rows'] | PredictColumns;
}

export function guestValidator(
  ctx: Pick<ComponentContext, 'tracker' | 'signal'>,
  wire: Wire,
  v: ValidationParam,
  hosts: readonly PartyRef[],
  others: readonly PartyRef[],
  sets: GuestSets,
  evalType: EvalType,
  sidName: string,
  dataSetPrefix: string,
): Validator {
  if (v.earlyStoppingRounds !== null && !sets.keys.validate) throw new Error('validate data is needed when early stopping is enabled');
  const recorder = new PerformanceRecorder();
  const metrics = validationMetrics(evalType, v.metrics);
  const first = v.useFirstMetricOnly ? firstSingleValueMetric(evalType, metrics) : null;
  let best: BestModel | null = null;
  return {
    best: () => best,
    async after(iter, weights) {
      if (!needValidation(v, iter)) return false;
      const tag = `validate.${iter}`;
      const names = (['train', 'validate'] as const).filter((s) => sets.keys[s] !== undefined);
      await wire.send('validation_index', tag, Object.fromEntries(names.map((s) => [s, sets.keys[s]])), [...hosts]);
      const sums = Object.fromEntries(names.map((s) => [s, new Array<number>(sets.keys[s]!.length).fill(0)]));
      for (const host of hosts) {
        const part = await wire.get<Record<string, number[]>>('validation_host_sums', tag, host);
        for (const s of names) part[s]!.forEach((x, i) => (sums[s]![i] += x));
      }
      const predicted = names.map((s) => sets.predict(s, weights, sums[s]!));
      const name = `${dataSetPrefix}iteration_${iter}`;
      const results = predicted.every((p) => !Array.isArray(p))
        ? await evaluatePredictions(ctx, name, evalType, metrics, predicted as PredictColumns[], sidName)
        : await evaluateRows(ctx, name, evalType, metrics, predicted.flatMap((p) => (Array.isArray(p) ? p : predictRowsOf(p as PredictColumns))), sidName);
      if (v.earlyStoppingRounds === null) return false;
      let decisive = decisiveResults(results);
      if (first !== null && first in decisive) decisive = { [first]: decisive[first]! };
      if (Object.keys(decisive).length === 0) throw new Error('eval_result len is 0, no single value metric detected for early stopping checking');
      recorder.update(decisive);
      const status: Status = { improved: recorder.improved(v.useFirstMetricOnly), stop: recorder.shouldStop(v.earlyStoppingRounds) };
      await wire.send('validation_status', tag, status, [...others]);
      if (status.improved) best = { weights: [...weights], iteration: iter };
      return status.stop;
    },
  };
}

/** Host: its partial sums for the ids the guest names, by set. */
export function hostValidator(wire: Wire, v: ValidationParam, guest: PartyRef, partialSums: (set: SetName, keys: string[], weights: readonly number[]) => number[]): Validator {
  let best: BestModel | null = null;
  return {
    best: () => best,
    async after(iter, weights) {
      if (!needValidation(v, iter)) return false;
      const tag = `validate.${iter}`;
      const asked = await wire.get<Record<string, string[]>>('validation_index', tag, guest);
      const out: Record<string, number[]> = {};
      for (const [s, keys] of Object.entries(asked)) out[s] = partialSums(s as SetName, keys, weights);
      await wire.send('validation_host_sums', tag, out, guest);
      if (v.earlyStoppingRounds === null) return false;
      const status = await wire.get<Status>('validation_status', tag, guest);
      if (status.improved) best = { weights: [...weights], iteration: iter };
      return status.stop;
    },
  };
}

/** Arbiter: follows the guest's early-stopping decisions. */
export function arbiterValidator(wire: Wire, v: ValidationParam, guest: PartyRef): Validator {
  let best: BestModel | null = null;
  return {
    best: () => best,
    async after(iter) {
      if (!needValidation(v, iter) || v.earlyStoppingRounds === null) return false;
      const status = await wire.get<Status>('validation_status', `validate.${iter}`, guest);
      if (status.improved) best = { weights: [], iteration: iter };
      return status.stop;
    },
  };
}

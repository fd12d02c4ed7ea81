// FATE 1.4's validation keys of a model's parameters (validation_freqs, early_stopping_rounds, metrics,
// use_first_metric_only; federatedml/param/*_param.py) and ValidationStrategy.need_run_validation.

export interface ValidationParam {
  /** null: no validation; n: every n-th iteration (iteration + 1 divisible by n); a list: those iterations. */
  readonly freqs: number | readonly number[] | null;
  readonly earlyStoppingRounds: number | null;
  /** As given (may be empty: the eval type's single-value defaults are used then). */
  readonly metrics: readonly string[];
  readonly useFirstMetricOnly: boolean;
}

export function readValidationParam(raw: Readonly<Record<string, unknown>>, who: string): ValidationParam {
  const f = raw.validation_freqs;
  let freqs: ValidationParam['freqs'] = null;
  if (typeof f === 'number') {
    if (!Number.isInteger(f) || f <= 0) throw new Error(`${who}: validation_freqs must be a positive integer or a list of iterations, got ${JSON.stringify(f)}`);
    freqs = f;
  } else if (Array.isArray(f)) {
    if (f.some((x) => typeof x !== 'number' || !Number.isInteger(x) || x < 0)) throw new Error(`${who}: validation_freqs must list iterations (integers ≥ 0)`);
    freqs = f as number[];
  } else if (f !== undefined && f !== null) {
    throw new Error(`${who}: validation_freqs must be a positive integer or a list of iterations, got ${JSON.stringify(f)}`);
  }
  const r = raw.early_stopping_rounds;
  let earlyStoppingRounds: number | null = null;
  if (r !== undefined && r !== null) {
    if (typeof r !== 'number' || !Number.isInteger(r) || r <= 0) throw new Error(`${who}: early_stopping_rounds must be a positive integer, got ${JSON.stringify(r)}`);
    earlyStoppingRounds = r;
  }
  const m = raw.metrics;
  if (m !== undefined && m !== null && !Array.isArray(m)) throw new Error(`${who}: metrics must be a list of metric names`);
  return {
    freqs,
    earlyStoppingRounds,
    metrics: Array.isArray(m) ? m.map((x) => String(x)) : [],
    useFirstMetricOnly: raw.use_first_metric_only === true,
  };
}

/** ValidationStrategy.need_run_validation: after iteration `epoch` (0-based). */
export function needValidation(p: ValidationParam, epoch: number): boolean {
  if (p.freqs === null || (Array.isArray(p.freqs) && p.freqs.length === 0)) return false;
  if (typeof p.freqs === 'number') return (epoch + 1) % p.freqs === 0;
  return (p.freqs as readonly number[]).includes(epoch);
}

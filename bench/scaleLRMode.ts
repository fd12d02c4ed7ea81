// BENCH_LR for bench:scale (issue 17): HeteroLR's paths beside the mini-batches, on the same job.
//   validate — validate_data: the same scaled table, validated after every iteration (validation_freqs 1:
//              the guest scores its train and validate rows, the host its partial sums of both);
//   cv       — cv_param.need_cv with 3 folds (no model, no data: Evaluation is left out);
//   sqn      — the sqn optimizer (update_interval_L 3, memory_M 5, sample_size 5,000).
// Modes combine, comma-separated (`cv,sqn`: each fold fitted with sqn). Unset: the plain job. The
// modes are said in the output.
type Dsl = { components: Record<string, { module: string; input: { data: Record<string, string[]> }; output: Record<string, string[]> }> };
type Conf = { algorithm_parameters: Record<string, Record<string, unknown>> };

const MODES = ['validate', 'cv', 'sqn'] as const;

/** The modes in BENCH_LR, undefined when unset (the plain job). */
export function lrMode(): string | undefined {
  const mode = process.env.BENCH_LR;
  if (mode === undefined || mode === '') return undefined;
  for (const m of mode.split(',')) if (!(MODES as readonly string[]).includes(m)) throw new Error(`BENCH_LR must list validate, cv or sqn, got ${mode}`);
  return mode;
}

/** The job's DSL and runtime conf with HeteroLR set up for the modes (copies; the plain job when undefined). */
export function withLRMode<D extends Dsl, C extends Conf>(mode: string | undefined, dsl: D, conf: C): { dsl: D; conf: C } {
  const d = structuredClone(dsl);
  const c = structuredClone(conf);
  const lr = d.components.hetero_lr_0!;
  const params = c.algorithm_parameters.hetero_lr_0!;
  const modes = mode?.split(',') ?? [];
  if (modes.includes('validate')) {
    lr.input.data.validate_data = [...lr.input.data.train_data!];
    Object.assign(params, { validation_freqs: 1, metrics: ['auc', 'ks'] });
  }
  if (modes.includes('cv')) {
    Object.assign(params, { cv_param: { need_cv: true, n_splits: 3, shuffle: true, random_seed: 1 } });
    delete d.components.evaluation_0;
  }
  if (modes.includes('sqn')) {
    Object.assign(params, { optimizer: 'sqn', sqn_param: { update_interval_L: 3, memory_M: 5, sample_size: 5000, random_seed: 1 } });
  }
  return { dsl: d, conf: c };
}

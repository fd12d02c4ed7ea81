// Parameter-class defaults (FATE 1.4 federatedml/param/*.py), the lowest layer of the merge in 6.2.
// A module listed here keeps only the top-level keys named here (FATE ignores keys its param class
// does not define); a module not listed keeps every key the conf gives, because this table is
// knowingly incomplete. Nested objects are sub-param objects; unknown nested keys are kept.

import { cloneObject, type JsonObject } from './json.js';

const predictParam = { threshold: 0.5 };
const encryptParam = { method: 'Paillier', key_length: 1024 };
const encryptedModeCalculatorParam = { mode: 'strict', re_encrypted_rate: 1 };
const initParam = { init_method: 'random_uniform', init_const: 1, fit_intercept: true, random_seed: null };
const cvParam = (mode: 'hetero' | 'homo') => ({
  n_splits: 5, mode, role: 'guest', shuffle: true, random_seed: 1, need_cv: false,
});
const stepwiseParam = {
  score_name: 'AIC', mode: 'hetero', role: 'guest', direction: 'both',
  max_step: 10, nvmin: 2, nvmax: null, need_stepwise: false,
};

const logisticCommon = {
  penalty: 'L2',
  tol: 1e-4,
  alpha: 1.0,
  batch_size: -1,
  learning_rate: 0.01,
  init_param: initParam,
  max_iter: 100,
  early_stop: 'diff',
  predict_param: predictParam,
  decay: 1,
  decay_sqrt: true,
  multi_class: 'ovr',
  validation_freqs: null,
  early_stopping_rounds: null,
  metrics: ['auc', 'ks'],
  use_first_metric_only: false,
  need_run: true,
};

/** LinearParam / PoissonParam (FATE 1.4 federatedml/param/{linear,poisson}_regression_param.py). */
const glmCommon = (mode: 'hetero') => ({
  ...Object.fromEntries(Object.entries(logisticCommon).filter(([k]) => k !== 'multi_class')),
  tol: 1e-5,
  optimizer: 'sgd',
  metrics: null,
  sqn_param: { update_interval_L: 3, memory_M: 5, sample_size: 5000, random_seed: null },
  encrypt_param: encryptParam,
  encrypted_mode_calculator_param: encryptedModeCalculatorParam,
  cv_param: cvParam(mode),
  stepwise_param: stepwiseParam,
});

const DEFAULTS: Readonly<Record<string, JsonObject>> = {
  Upload: {
    file: '', head: 1, partition: 10, namespace: '', table_name: '', work_mode: 0, backend: 0, drop: 0,
    need_run: true,
  },
  Download: {
    output_path: '', delimitor: ',', namespace: '', table_name: '', work_mode: 0, need_run: true,
  },
  DataIO: {
    input_format: 'dense',
    delimitor: ',',
    data_type: 'float64',
    exclusive_data_type: null,
    tag_with_value: false,
    tag_value_delimitor: ':',
    missing_fill: false,
    default_value: 0,
    missing_fill_method: null,
    missing_impute: null,
    outlier_replace: false,
    outlier_replace_method: null,
    outlier_impute: null,
    outlier_replace_value: 0,
    with_label: false,
    label_name: 'y',
    label_type: 'int',
    output_format: 'dense',
    need_run: true,
  },
  Intersection: {
    intersect_method: 'raw',
    random_bit: 128,
    is_send_intersect_ids: true,
    /** FATE 1.7+ name of is_send_intersect_ids; accepted too. */
    sync_intersect_ids: true,
    is_get_intersect_ids: true,
    join_role: 'guest',
    with_encode: false,
    only_output_key: false,
    encode_params: { salt: '', encode_method: 'none', base64: false },
    intersect_cache_param: { use_cache: false, id_type: 'phone', encrypt_type: 'sha256' },
    need_run: true,
  },
  HeteroLR: {
    ...logisticCommon,
    optimizer: 'rmsprop',
    encrypt_param: encryptParam,
    encrypted_mode_calculator_param: encryptedModeCalculatorParam,
    cv_param: cvParam('hetero'),
    sqn_param: { update_interval_L: 3, memory_M: 5, sample_size: 5000, random_seed: null },
    stepwise_param: stepwiseParam,
  },
  HeteroLinR: glmCommon('hetero'),
  HeteroPoisson: { ...glmCommon('hetero'), exposure_colname: null },
  HomoLR: {
    ...logisticCommon,
    optimizer: 'sgd',
    encrypt_param: encryptParam,
    re_encrypt_batches: 2,
    aggregate_iters: 1,
    cv_param: cvParam('homo'),
  },
  HeteroSecureBoost: {
    tree_param: {
      criterion_method: 'xgboost',
      criterion_params: [0.1],
      max_depth: 5,
      min_sample_split: 2,
      min_impurity_split: 1e-3,
      min_leaf_node: 1,
      max_split_nodes: 65536,
      feature_importance_type: 'split',
      n_iter_no_change: true,
      tol: 0.001,
      use_missing: false,
      zero_as_missing: false,
    },
    task_type: 'classification',
    objective_param: { objective: 'cross_entropy', params: null },
    learning_rate: 0.3,
    num_trees: 5,
    subsample_feature_rate: 1,
    n_iter_no_change: true,
    tol: 1e-4,
    encrypt_param: encryptParam,
    bin_num: 32,
    use_missing: false,
    zero_as_missing: false,
    encrypted_mode_calculator_param: encryptedModeCalculatorParam,
    predict_param: predictParam,
    cv_param: cvParam('hetero'),
    validation_freqs: null,
    early_stopping_rounds: null,
    metrics: null,
    use_first_metric_only: false,
    need_run: true,
  },
  FeatureScale: {
    method: 'standard_scale',
    mode: 'normal',
    scale_col_indexes: -1,
    scale_names: null,
    feat_upper: null,
    feat_lower: null,
    with_mean: true,
    with_std: true,
    need_run: true,
  },
  HeteroFeatureSelection: {
    select_col_indexes: -1,
    select_names: [],
    filter_methods: ['unique_value'],
    unique_param: { eps: 1e-5 },
    iv_value_param: { value_threshold: 0.0, host_thresholds: null, local_only: false },
    iv_percentile_param: { percentile_threshold: 1.0, local_only: false },
    iv_top_k_param: { k: 10, local_only: false },
    variance_coe_param: { value_threshold: 1.0 },
    outlier_param: { percentile: 1.0, upper_threshold: 1.0 },
    manually_param: { filter_out_indexes: null, filter_out_names: null, left_col_indexes: null, left_col_names: null },
    percentage_value_param: { upper_pct: 1.0 },
    need_run: true,
  },
  OneHotEncoder: { transform_col_indexes: -1, transform_col_names: [], need_run: true },
  Union: { need_run: true, allow_missing: false, keep_duplicate: false },
  // fractions 0.9: FATE-Flow merges default_runtime_conf/sample_param.json over SampleParam() (whose
  // None leaves random mode without a ratio); FATE's single_predict example relies on it.
  FederatedSample: { mode: 'random', method: 'downsample', fractions: 0.9, random_state: null, task_type: 'hetero', need_run: true },
  LocalBaseline: {
    model_name: 'LogisticRegression',
    model_opts: null,
    predict_param: predictParam,
    need_run: true,
  },
  Evaluation: {
    eval_type: 'binary',
    pos_label: 1,
    /** null = every metric of the eval_type. */
    metrics: null,
    need_run: true,
  },
};

/** A fresh copy of the module's defaults, or undefined when the table has no entry for it. */
export function paramDefaults(module: string): JsonObject | undefined {
  return Object.prototype.hasOwnProperty.call(DEFAULTS, module) ? cloneObject(DEFAULTS[module]!) : undefined;
}

// BoostingTreeParam (FATE 1.x federatedml/param/boosting_param.py) as HeteroSecureBoost reads it from the
// merged parameter object. Unsupported choices fail loudly instead of silently training something else.
import type { ObfuscationMode } from '../crypto/paillier.js';
import type { ObjectiveName } from './objective.js';
import { REGRESSION_OBJECTIVES, type RegressionObjectiveName } from './regressionObjectives.js';

export type { ObjectiveName } from './objective.js';
export type TaskType = 'classification' | 'regression';
export type ImportanceType = 'split' | 'gain';

export interface BoostingTreeParam {
  readonly taskType: TaskType;
  readonly objective: ObjectiveName;
  /** objective_param.params: [δ] for huber, [c] for fair, [ρ] for tweedie; empty for the others. */
  readonly objectiveParams: number[];
  readonly learningRate: number;
  readonly numTrees: number;
  readonly binNum: number;
  readonly subsampleFeatureRate: number;
  readonly nIterNoChange: boolean;
  readonly tol: number;
  readonly maxDepth: number;
  /** criterion_params[0]: L2 regularisation λ of the xgboost criterion. */
  readonly regLambda: number;
  /** criterion_params[1]: L1 regularisation α (gradient truncation). */
  readonly regAlpha: number;
  readonly minSampleSplit: number;
  readonly minImpuritySplit: number;
  readonly minLeafNode: number;
  readonly minChildWeight: number;
  readonly featureImportanceType: ImportanceType;
  /** 'Paillier', or null = no encryption at all (plaintext maths, for tests and the bench baseline only). */
  readonly encryptMethod: 'Paillier' | 'IterativeAffine' | null;
  readonly keyLength: number;
  /** Standard rⁿ (default) or the DJN opt-in: `encrypt_param.fedflow_obfuscation`, a fedflow key, not FATE's. */
  readonly obfuscation: ObfuscationMode;
  readonly threshold: number;
  /** FATE's use_missing: missing values (NaN) get their own bin and each split learns where they go. */
  readonly useMissing: boolean;
  /** With use_missing, 0 counts as missing too (FATE's zero_as_missing). */
  readonly zeroAsMissing: boolean;
  /** FATE's early_stopping_rounds (validation.ts reads the other validation keys): the best round's model is kept. */
  readonly earlyStoppingRounds: number | null;
  /** FATE's metrics: what validation and cross-validation evaluate (empty: the eval type's defaults). */
  readonly metrics: string[];
  /** Seed of the per-tree feature subsampling (null: Math.random). */
  readonly randomSeed: number | null;
}

function fail(message: string): never {
  throw new Error(`HeteroSecureBoost: ${message}`);
}

function obj(v: unknown, what: string): Record<string, unknown> {
  if (v === undefined || v === null) return {};
  if (typeof v !== 'object' || Array.isArray(v)) fail(`${what} must be an object`);
  return v as Record<string, unknown>;
}

function num(o: Record<string, unknown>, key: string, fallback: number): number {
  const v = o[key];
  if (v === undefined || v === null) return fallback;
  if (typeof v !== 'number' || !Number.isFinite(v)) fail(`${key} must be a number, got ${JSON.stringify(v)}`);
  return v;
}

function positiveInt(o: Record<string, unknown>, key: string, fallback: number): number {
  const v = num(o, key, fallback);
  if (!Number.isInteger(v) || v < 1) fail(`${key} must be a positive integer, got ${v}`);
  return v;
}

function obfuscationOf(v: unknown): ObfuscationMode {
  if (v === undefined || v === null || v === 'standard') return 'standard';
  if (v === 'djn') return 'djn';
  return fail(`encrypt_param.fedflow_obfuscation must be standard or djn, got ${JSON.stringify(v)}`);
}

/**
 * FATE 1.4's ObjectiveParam.check: cross_entropy for classification, one of six losses for regression;
 * huber and fair need params[0] > 0, tweedie params[0] in [1, 2) (its variance power).
 */
function readObjective(taskType: TaskType, o: Record<string, unknown>): { name: ObjectiveName; params: number[] } {
  const raw = o.objective ?? (taskType === 'classification' ? 'cross_entropy' : 'lse');
  if (typeof raw !== 'string') fail(`objective_param.objective must be a string, got ${JSON.stringify(raw)}`);
  const name = raw.toLowerCase();
  if (taskType === 'classification') {
    if (name !== 'cross_entropy') fail(`objective ${JSON.stringify(raw)} is not a classification objective (use cross_entropy)`);
    return { name, params: [] };
  }
  if (!(REGRESSION_OBJECTIVES as readonly string[]).includes(name)) {
    fail(`objective ${JSON.stringify(raw)} is not a regression objective (use one of ${REGRESSION_OBJECTIVES.join(', ')})`);
  }
  const reg = name as RegressionObjectiveName;
  const params = o.params ?? null;
  if (params !== null && (!Array.isArray(params) || params.some((x) => typeof x !== 'number' || !Number.isFinite(x)))) {
    fail(`objective_param.params must be a list of numbers, got ${JSON.stringify(params)}`);
  }
  const list = (params ?? []) as number[];
  if (reg !== 'huber' && reg !== 'fair' && reg !== 'tweedie') return { name: reg, params: list };
  const what = reg === 'huber' ? 'delta' : reg === 'fair' ? 'c' : 'variance power rho';
  if (list.length < 1) fail(`objective ${reg} needs objective_param.params: [${what}]`);
  const v = list[0]!;
  if (reg === 'tweedie' && !(v >= 1 && v < 2)) fail(`objective tweedie needs params[0] (${what}) in [1, 2), got ${v}`);
  if (reg !== 'tweedie' && !(v > 0)) fail(`objective ${reg} needs params[0] (${what}) greater than 0, got ${v}`);
  return { name: reg, params: list };
}

export function readParams(raw: Readonly<Record<string, unknown>>): BoostingTreeParam {
  const tree = obj(raw.tree_param, 'tree_param');
  const objective = obj(raw.objective_param, 'objective_param');
  const enc = obj(raw.encrypt_param, 'encrypt_param');
  const predict = obj(raw.predict_param, 'predict_param');

  const taskType = String(raw.task_type ?? 'classification').toLowerCase();
  if (taskType !== 'classification' && taskType !== 'regression') fail(`task_type must be classification or regression, got ${JSON.stringify(raw.task_type)}`);
  const { name: objectiveName, params: objectiveParams } = readObjective(taskType, objective);

  let encryptMethod: 'Paillier' | 'IterativeAffine' | null = 'Paillier';
  if ('method' in enc) {
    const method = enc.method === null ? null : String(enc.method).toLowerCase();
    if (method === null) encryptMethod = null;
    else if (method === 'iterativeaffine') encryptMethod = 'IterativeAffine';
    else if (method !== 'paillier') fail(`encrypt_param.method must be Paillier, IterativeAffine or null, got ${JSON.stringify(enc.method)}`);
  }

  const criterion = tree.criterion_method === undefined ? 'xgboost' : String(tree.criterion_method);
  if (criterion !== 'xgboost') fail(`criterion_method ${criterion} is not supported (xgboost only)`);
  const cp = tree.criterion_params ?? [0.1, 0];
  if (!Array.isArray(cp) || cp.some((x) => typeof x !== 'number')) fail('tree_param.criterion_params must be a list of numbers');
  const useMissing = tree.use_missing === true || raw.use_missing === true;
  const zeroAsMissing = useMissing && (tree.zero_as_missing === true || raw.zero_as_missing === true);

  const importance = String(tree.feature_importance_type ?? 'split');
  if (importance !== 'split' && importance !== 'gain') fail(`feature_importance_type must be split or gain, got ${importance}`);
  const rate = num(raw, 'subsample_feature_rate', 1);
  if (!(rate > 0 && rate <= 1)) fail('subsample_feature_rate must be in (0, 1]');
  const seed = raw.random_seed;

  return {
    taskType,
    objective: objectiveName,
    objectiveParams,
    learningRate: num(raw, 'learning_rate', 0.3),
    numTrees: positiveInt(raw, 'num_trees', 5),
    binNum: Math.max(2, positiveInt(raw, 'bin_num', 32)),
    subsampleFeatureRate: rate,
    nIterNoChange: raw.n_iter_no_change !== false,
    tol: num(raw, 'tol', 1e-4),
    maxDepth: positiveInt(tree, 'max_depth', 3),
    regLambda: (cp[0] as number | undefined) ?? 0.1,
    regAlpha: (cp[1] as number | undefined) ?? 0,
    minSampleSplit: num(tree, 'min_sample_split', 2),
    minImpuritySplit: num(tree, 'min_impurity_split', 1e-3),
    minLeafNode: Math.max(1, num(tree, 'min_leaf_node', 1)),
    minChildWeight: num(tree, 'min_child_weight', 0),
    featureImportanceType: importance,
    encryptMethod,
    keyLength: positiveInt(enc, 'key_length', 1024),
    obfuscation: obfuscationOf(enc.fedflow_obfuscation),
    threshold: num(predict, 'threshold', 0.5),
    useMissing,
    zeroAsMissing,
    earlyStoppingRounds: typeof raw.early_stopping_rounds === 'number' ? raw.early_stopping_rounds : null,
    metrics: Array.isArray(raw.metrics) ? raw.metrics.map(String) : [],
    randomSeed: typeof seed === 'number' ? seed : null,
  };
}

// FeatureSelectionParam (FATE 1.4 federatedml/param/feature_selection_param.py): the same keys,
// defaults and checks, read from the merged parameter object. Every bad value is refused with a
// message naming the key, before any data is read.

export const FILTER_METHODS = [
  'manually',
  'unique_value',
  'iv_value_thres',
  'iv_percentile',
  'iv_top_k',
  'coefficient_of_variation_value_thres',
  'outlier_cols',
  'percentage_value',
] as const;
export type FilterMethod = (typeof FILTER_METHODS)[number];

/** The filters whose decision needs the binning model's IVs (the guest decides for the hosts). */
export const IV_FILTERS: ReadonlySet<FilterMethod> = new Set(['iv_value_thres', 'iv_percentile', 'iv_top_k']);

/** FATE's consts.PERCENTAGE_VALUE_LIMIT. */
const PERCENTAGE_VALUE_LIMIT = 0.1;

export interface ManuallyParam {
  readonly filterOutIndexes: readonly number[] | null;
  readonly filterOutNames: readonly string[] | null;
  readonly leftColIndexes: readonly number[] | null;
  readonly leftColNames: readonly string[] | null;
}

export interface FeatureSelectionParam {
  /** -1 = every column, else the listed indexes (then `selectNames` are added). */
  readonly selectColIndexes: -1 | readonly number[];
  readonly selectNames: readonly string[];
  readonly filterMethods: readonly FilterMethod[];
  readonly unique: { readonly eps: number };
  readonly ivValue: { readonly valueThreshold: number; readonly hostThresholds: readonly number[] | null; readonly localOnly: boolean };
  readonly ivPercentile: { readonly percentileThreshold: number; readonly localOnly: boolean };
  readonly ivTopK: { readonly k: number; readonly localOnly: boolean };
  readonly varianceCoe: { readonly valueThreshold: number };
  readonly outlier: { readonly percentile: number; readonly upperThreshold: number };
  readonly manually: ManuallyParam;
  readonly percentageValue: { readonly upperPct: number };
  readonly needRun: boolean;
}

const WHO = 'HeteroFeatureSelection';

function fail(message: string): never {
  throw new Error(`${WHO}: ${message}`);
}

const show = (v: unknown): string => JSON.stringify(v) ?? String(v);

function sub(raw: Readonly<Record<string, unknown>>, key: string): Record<string, unknown> {
  const v = raw[key];
  if (v === undefined || v === null) return {};
  if (typeof v !== 'object' || Array.isArray(v)) fail(`${key} must be an object, got ${show(v)}`);
  return v as Record<string, unknown>;
}

function number(o: Record<string, unknown>, key: string, where: string, fallback: number): number {
  const v = o[key];
  if (v === undefined) return fallback;
  if (typeof v !== 'number' || !Number.isFinite(v)) fail(`${where}.${key} must be a number, got ${show(v)}`);
  return v;
}

function positive(o: Record<string, unknown>, key: string, where: string, fallback: number): number {
  const v = number(o, key, where, fallback);
  if (v <= 0) fail(`${where}.${key} ${show(v)} not supported, should be positive numeric`);
  return v;
}

function unitInterval(o: Record<string, unknown>, key: string, where: string, fallback: number): number {
  const v = number(o, key, where, fallback);
  if (v < 0 || v > 1) fail(`${where}.${key} ${show(v)} not supported, should be a float number in range [0, 1]`);
  return v;
}

function bool(o: Record<string, unknown>, key: string, where: string, fallback: boolean): boolean {
  const v = o[key];
  if (v === undefined) return fallback;
  if (typeof v !== 'boolean') fail(`${where}.${key} ${show(v)} not supported, should be bool type`);
  return v;
}

function indexList(v: unknown, where: string): number[] | null {
  if (v === undefined || v === null) return null;
  if (!Array.isArray(v)) fail(`${where} must be a list of column indexes or null, got ${show(v)}`);
  return v.map((x, i) => {
    if (typeof x !== 'number' || !Number.isInteger(x)) fail(`${where}[${i}] must be an integer column index, got ${show(x)}`);
    return x;
  });
}

function nameList(v: unknown, where: string): string[] | null {
  if (v === undefined || v === null) return null;
  if (!Array.isArray(v)) fail(`${where} must be a list of column names or null, got ${show(v)}`);
  return v.map((x, i) => {
    if (typeof x !== 'string') fail(`${where}[${i}] must be a column name (string), got ${show(x)}`);
    return x;
  });
}

/** Python's `a or b`: a when truthy (a non-empty list), else b. */
const pyOr = (a: readonly unknown[] | null, b: readonly unknown[] | null): readonly unknown[] | null => (a !== null && a.length > 0 ? a : b);

function readManually(raw: Readonly<Record<string, unknown>>): ManuallyParam {
  const o = sub(raw, 'manually_param');
  const m: ManuallyParam = {
    filterOutIndexes: indexList(o.filter_out_indexes, 'manually_param.filter_out_indexes'),
    filterOutNames: nameList(o.filter_out_names, 'manually_param.filter_out_names'),
    leftColIndexes: indexList(o.left_col_indexes, 'manually_param.left_col_indexes'),
    leftColNames: nameList(o.left_col_names, 'manually_param.left_col_names'),
  };
  // FATE's rule, with Python's truthiness: an empty filter_out_indexes falls through to filter_out_names.
  if (pyOr(m.filterOutIndexes, m.filterOutNames) !== null && pyOr(m.leftColNames, m.leftColIndexes) !== null) {
    fail('manually_param: (left_col_indexes & left_col_names) cannot use with (filter_out_indexes & filter_out_names) simultaneously');
  }
  return m;
}

function readFilterMethods(v: unknown): FilterMethod[] {
  if (v === undefined || v === null) return ['unique_value'];
  if (!Array.isArray(v)) fail(`filter_methods must be a list, got ${show(v)}`);
  return v.map((m, i) => {
    const name = typeof m === 'string' ? m.toLowerCase() : undefined;
    const hit = FILTER_METHODS.find((f) => f === name);
    if (!hit) fail(`filter_methods[${i}] ${show(m)} is not one of ${FILTER_METHODS.join(', ')}`);
    return hit;
  });
}

function readSelectColIndexes(v: unknown): -1 | number[] {
  if (v === undefined || v === -1) return -1;
  if (!Array.isArray(v)) fail(`select_col_indexes must be -1 (every column) or a list of column indexes, got ${show(v)}`);
  return indexList(v, 'select_col_indexes') ?? [];
}

export function readSelectionParams(raw: Readonly<Record<string, unknown>>): FeatureSelectionParam {
  const unique = sub(raw, 'unique_param');
  const ivValue = sub(raw, 'iv_value_param');
  const ivPercentile = sub(raw, 'iv_percentile_param');
  const ivTopK = sub(raw, 'iv_top_k_param');
  const coe = sub(raw, 'variance_coe_param');
  const outlier = sub(raw, 'outlier_param');
  const pct = sub(raw, 'percentage_value_param');

  const hostThresholds = ivValue.host_thresholds;
  if (hostThresholds !== undefined && hostThresholds !== null
    && (!Array.isArray(hostThresholds) || hostThresholds.some((x) => typeof x !== 'number' || !Number.isFinite(x)))) {
    fail(`iv_value_param.host_thresholds should be a list of numbers or null, got ${show(hostThresholds)}`);
  }
  const k = number(ivTopK, 'k', 'iv_top_k_param', 10);
  if (!Number.isInteger(k) || k <= 0) fail(`iv_top_k_param.k ${show(k)} not supported, should be positive integer`);
  const upperPct = number(pct, 'upper_pct', 'percentage_value_param', 1.0);
  if (upperPct < 0 || upperPct > 1) fail(`percentage_value_param.upper_pct ${show(upperPct)} not supported, should be a float number in range [0, 1]`);
  if (upperPct < PERCENTAGE_VALUE_LIMIT) {
    fail(`percentage_value_param.upper_pct ${show(upperPct)} not supported, should not be smaller than ${PERCENTAGE_VALUE_LIMIT}`);
  }
  const needRun = raw.need_run;
  if (needRun !== undefined && typeof needRun !== 'boolean') fail(`need_run must be true or false, got ${show(needRun)}`);

  return {
    selectColIndexes: readSelectColIndexes(raw.select_col_indexes),
    selectNames: nameList(raw.select_names, 'select_names') ?? [],
    filterMethods: readFilterMethods(raw.filter_methods),
    unique: { eps: positive(unique, 'eps', 'unique_param', 1e-5) },
    ivValue: {
      valueThreshold: number(ivValue, 'value_threshold', 'iv_value_param', 0.0),
      hostThresholds: Array.isArray(hostThresholds) ? (hostThresholds as number[]) : null,
      localOnly: bool(ivValue, 'local_only', 'iv_value_param', false),
    },
    ivPercentile: {
      percentileThreshold: unitInterval(ivPercentile, 'percentile_threshold', 'iv_percentile_param', 1.0),
      localOnly: bool(ivPercentile, 'local_only', 'iv_percentile_param', false),
    },
    ivTopK: { k, localOnly: bool(ivTopK, 'local_only', 'iv_top_k_param', false) },
    varianceCoe: { valueThreshold: positive(coe, 'value_threshold', 'variance_coe_param', 1.0) },
    outlier: {
      percentile: unitInterval(outlier, 'percentile', 'outlier_param', 1.0),
      upperThreshold: number(outlier, 'upper_threshold', 'outlier_param', 1.0),
    },
    manually: readManually(raw),
    percentageValue: { upperPct },
    needRun: needRun !== false,
  };
}

// FeatureBinningParam (FATE 1.4.5 federatedml/param/feature_binning_param.py) as HeteroFeatureBinning
// reads it from the merged parameter object: FATE's names, defaults and checks, with messages that
// name the parameter. `encrypt_param` is not in FATE 1.4.5's class (its guest always makes a 1024-bit
// Paillier key); fedflow reads it so jobs can pick the key length or the plaintext test mode.
import type { ObfuscationMode } from '../crypto/paillier.js';

export type BinMethod = 'quantile' | 'bucket' | 'optimal';
export type MetricMethod = 'iv' | 'gini' | 'ks' | 'chi_square';
export type TransformType = 'bin_num' | 'woe' | null;

export interface OptimalBinningParam {
  readonly metricMethod: MetricMethod;
  readonly minBinPct: number;
  readonly maxBinPct: number;
  readonly initBinNums: number;
  readonly mixture: boolean;
  readonly initBucketMethod: 'quantile' | 'bucket';
}

export interface TransformParam {
  /** -1 = the binned columns (and the category ones); null = none; else header indexes. */
  readonly transformCols: -1 | null | number[];
  readonly transformNames: string[] | null;
  readonly transformType: TransformType;
}

export interface FeatureBinningParams {
  readonly method: BinMethod;
  readonly compressThres: number;
  readonly headSize: number;
  readonly error: number;
  readonly binNum: number;
  /** -1 = every column; null = none but `bin_names`. */
  readonly binIndexes: -1 | null | number[];
  readonly binNames: string[] | null;
  /** -1 = every column. */
  readonly categoryIndexes: -1 | null | number[];
  readonly categoryNames: string[] | null;
  readonly adjustmentFactor: number;
  readonly localOnly: boolean;
  readonly needRun: boolean;
  readonly transform: TransformParam;
  readonly optimal: OptimalBinningParam;
  /** 'Paillier', or null = no encryption (plaintext maths, for tests and the bench baseline only). */
  readonly encryptMethod: 'Paillier' | null;
  readonly keyLength: number;
  readonly obfuscation: ObfuscationMode;
}

function fail(message: string): never {
  throw new Error(`HeteroFeatureBinning: ${message}`);
}

function obj(v: unknown, what: string): Record<string, unknown> {
  if (v === undefined || v === null) return {};
  if (typeof v !== 'object' || Array.isArray(v)) fail(`${what} must be an object, got ${JSON.stringify(v)}`);
  return v as Record<string, unknown>;
}

function num(o: Record<string, unknown>, key: string, fallback: number, what = key): number {
  const v = o[key];
  if (v === undefined || v === null) return fallback;
  if (typeof v !== 'number' || !Number.isFinite(v)) fail(`${what} must be a number, got ${JSON.stringify(v)}`);
  return v;
}

function positiveInt(o: Record<string, unknown>, key: string, fallback: number, what = key): number {
  const v = num(o, key, fallback, what);
  if (!Number.isInteger(v) || v < 1) fail(`${what} must be a positive integer, got ${v}`);
  return v;
}

function bool(o: Record<string, unknown>, key: string, fallback: boolean, what = key): boolean {
  const v = o[key];
  if (v === undefined || v === null) return fallback;
  if (typeof v !== 'boolean') fail(`${what} must be true or false, got ${JSON.stringify(v)}`);
  return v;
}

function indexList(v: unknown, what: string, allowAll: boolean): -1 | null | number[] {
  if (v === undefined || v === null) return null;
  if (v === -1 && allowAll) return -1;
  if (!Array.isArray(v)) fail(`${what} must be ${allowAll ? '-1 or ' : ''}a list of column indexes, got ${JSON.stringify(v)}`);
  for (const i of v) if (typeof i !== 'number' || !Number.isInteger(i) || i < 0) fail(`${what} holds ${JSON.stringify(i)}, not a column index`);
  return v as number[];
}

function nameList(v: unknown, what: string): string[] | null {
  if (v === undefined || v === null) return null;
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) fail(`${what} must be a list of column names, got ${JSON.stringify(v)}`);
  return v as string[];
}

/** check_decimal_float: a number in [0, 1]. */
function unitFloat(o: Record<string, unknown>, key: string, fallback: number, what = key): number {
  const v = num(o, key, fallback, what);
  if (v < 0 || v > 1) fail(`${what} must be in [0, 1], got ${v}`);
  return v;
}

function readOptimal(raw: Record<string, unknown>): OptimalBinningParam {
  const o = obj(raw.optimal_binning_param, 'optimal_binning_param');
  let metric = String(o.metric_method ?? 'iv').toLowerCase();
  if (metric === 'chi-square') metric = 'chi_square';
  if (!['iv', 'gini', 'ks', 'chi_square'].includes(metric)) fail(`optimal_binning_param.metric_method must be iv, gini, ks or chi_square, got ${JSON.stringify(o.metric_method)}`);
  const init = String(o.init_bucket_method ?? 'quantile').toLowerCase();
  if (init !== 'quantile' && init !== 'bucket') fail(`optimal_binning_param.init_bucket_method must be quantile or bucket, got ${JSON.stringify(o.init_bucket_method)}`);
  const minBinPct = unitFloat(o, 'min_bin_pct', 0.05, 'optimal_binning_param.min_bin_pct');
  const maxBinPct = unitFloat(o, 'max_bin_pct', 1.0, 'optimal_binning_param.max_bin_pct');
  if (minBinPct > maxBinPct) fail("optimal_binning_param.min_bin_pct should be less than or equal to max_bin_pct");
  return {
    metricMethod: metric as MetricMethod,
    minBinPct,
    maxBinPct,
    initBinNums: positiveInt(o, 'init_bin_nums', 1000, 'optimal_binning_param.init_bin_nums'),
    mixture: bool(o, 'mixture', true, 'optimal_binning_param.mixture'),
    initBucketMethod: init,
  };
}

function readTransform(raw: Record<string, unknown>): TransformParam {
  const t = obj(raw.transform_param, 'transform_param');
  const type = t.transform_type === undefined ? 'bin_num' : t.transform_type;
  if (type !== null && type !== 'bin_num' && type !== 'woe') fail(`transform_param.transform_type must be bin_num, woe or null, got ${JSON.stringify(type)}`);
  return {
    transformCols: t.transform_cols === undefined ? -1 : indexList(t.transform_cols, 'transform_param.transform_cols', true),
    transformNames: nameList(t.transform_names, 'transform_param.transform_names'),
    transformType: type,
  };
}

export function readParams(raw: Readonly<Record<string, unknown>>): FeatureBinningParams {
  const r = raw as Record<string, unknown>;
  const method = String(r.method ?? 'quantile').toLowerCase();
  if (method !== 'quantile' && method !== 'bucket' && method !== 'optimal') fail(`method must be quantile, bucket or optimal, got ${JSON.stringify(r.method)}`);
  const adjustmentFactor = num(r, 'adjustment_factor', 0.5);
  if (!(adjustmentFactor > 0 && adjustmentFactor < 1)) fail(`adjustment_factor must be in the open interval (0, 1), got ${adjustmentFactor}`);
  const enc = obj(r.encrypt_param, 'encrypt_param');
  let encryptMethod: 'Paillier' | null = 'Paillier';
  if ('method' in enc) {
    if (enc.method === null) encryptMethod = null;
    else if (String(enc.method).toLowerCase() !== 'paillier') fail(`encrypt_param.method must be Paillier or null, got ${JSON.stringify(enc.method)}`);
  }
  const obfuscation = enc.fedflow_obfuscation ?? 'standard';
  if (obfuscation !== 'standard' && obfuscation !== 'djn') fail(`encrypt_param.fedflow_obfuscation must be standard or djn, got ${JSON.stringify(obfuscation)}`);
  const keyLength = positiveInt(enc, 'key_length', 1024, 'encrypt_param.key_length');
  if (keyLength < 256 || keyLength % 2 !== 0) fail(`encrypt_param.key_length must be an even number of bits ≥ 256, got ${keyLength}`);
  const error = unitFloat(r, 'error', 0.001);
  if (error >= 1) fail(`error must be in [0, 1), got ${error}`);
  return {
    method,
    compressThres: positiveInt(r, 'compress_thres', 10000),
    headSize: positiveInt(r, 'head_size', 10000),
    error,
    binNum: positiveInt(r, 'bin_num', 10),
    binIndexes: r.bin_indexes === undefined ? -1 : indexList(r.bin_indexes, 'bin_indexes', true),
    binNames: nameList(r.bin_names, 'bin_names'),
    categoryIndexes: indexList(r.category_indexes, 'category_indexes', true),
    categoryNames: nameList(r.category_names, 'category_names'),
    adjustmentFactor,
    localOnly: bool(r, 'local_only', false),
    needRun: bool(r, 'need_run', true),
    transform: readTransform(r),
    optimal: readOptimal(r),
    encryptMethod,
    keyLength,
    obfuscation,
  };
}

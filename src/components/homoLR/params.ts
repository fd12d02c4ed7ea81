// HomoLogisticParam (FATE 1.x federatedml/param/logistic_regression_param.py): the LogisticParam
// fields HeteroLR reads (same defaults, same optimizers) plus `aggregate_iters` and
// `re_encrypt_batches`. FATE's optional Paillier for hosts is not supported: the pairwise masks of
// secure aggregation already hide every party's model from the arbiter.
import { type HeteroLogisticParam, readParams } from '../heteroLR/params.js';

export interface HomoLogisticParam extends Omit<HeteroLogisticParam, 'encryptMethod' | 'keyLength'> {
  /** Local epochs between two aggregations. */
  readonly aggregateIters: number;
  /** Kept for the model meta only (it matters for FATE's Paillier mode). */
  readonly reEncryptBatches: number;
}

function positiveInt(raw: Readonly<Record<string, unknown>>, key: string, fallback: number): number {
  const v = raw[key];
  if (v === undefined || v === null) return fallback;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) throw new Error(`HomoLR: ${key} must be a non-negative integer, got ${JSON.stringify(v)}`);
  return v;
}

export function readHomoParams(raw: Readonly<Record<string, unknown>>): HomoLogisticParam {
  const enc = raw.encrypt_param as Record<string, unknown> | null | undefined;
  const method = enc && typeof enc === 'object' ? enc.method : undefined;
  if (method !== undefined && method !== null) {
    throw new Error(`HomoLR: encrypt_param.method ${JSON.stringify(method)} is not supported (null): secure aggregation masks the models instead`);
  }
  const { encryptMethod: _e, keyLength: _k, ...common } = readParams({ ...raw, encrypt_param: { method: null } }, 'HomoLR');
  if (common.optimizer === 'sqn') throw new Error('HomoLR: optimizer sqn is not supported (FATE runs it in hetero models only)');
  if (!common.fitIntercept) throw new Error('HomoLR: init_param.fit_intercept false is not supported');
  const aggregateIters = positiveInt(raw, 'aggregate_iters', 1);
  if (aggregateIters < 1) throw new Error('HomoLR: aggregate_iters must be positive');
  return { ...common, aggregateIters, reEncryptBatches: positiveInt(raw, 're_encrypt_batches', 2) };
}

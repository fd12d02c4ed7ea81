// HomoLogisticParam (FATE 1.x federatedml/param/logistic_regression_param.py): the LogisticParam
// fields HeteroLR reads (same defaults, same optimizers) plus `aggregate_iters`, `re_encrypt_batches`,
// `validation_freqs` and `metrics`. `encrypt_param.method` (FATE's default "Paillier") is each
// party's own choice: a host whose method is Paillier trains on its model encrypted under the
// arbiter's key; the guest never encrypts and the arbiter only reads key_length (homo_lr_host.py).
import { type HeteroLogisticParam, readParams } from '../linearModel/params.js';

export interface HomoLogisticParam extends Omit<HeteroLogisticParam, 'encryptMethod' | 'obfuscation'> {
  /** Local epochs between two aggregations. */
  readonly aggregateIters: number;
  /** Batches an encrypted host trains between two refreshes of its ciphertexts by the arbiter. */
  readonly reEncryptBatches: number;
  /** encrypt_param.method is Paillier: a host opts in to the encrypted mode. */
  readonly paillier: boolean;
  /** null, every n epochs, or the listed epochs (ValidationStrategy.need_run_validation). */
  readonly validationFreqs: number | readonly number[] | null;
  readonly metrics: readonly string[];
}

function positiveInt(raw: Readonly<Record<string, unknown>>, key: string, fallback: number): number {
  const v = raw[key];
  if (v === undefined || v === null) return fallback;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) throw new Error(`HomoLR: ${key} must be a non-negative integer, got ${JSON.stringify(v)}`);
  return v;
}

function validationFreqs(v: unknown): number | number[] | null {
  if (v === undefined || v === null) return null;
  if (typeof v === 'number' && Number.isInteger(v) && v > 0) return v;
  if (Array.isArray(v) && v.every((e) => typeof e === 'number' && Number.isInteger(e))) return v as number[];
  throw new Error(`HomoLR: validation_freqs must be null, a positive integer or a list of epochs, got ${JSON.stringify(v)}`);
}

export function readHomoParams(raw: Readonly<Record<string, unknown>>): HomoLogisticParam {
  const { encryptMethod, obfuscation: _o, ...common } = readParams(raw, 'HomoLR');
  const paillier = encryptMethod === 'Paillier';
  const aggregateIters = positiveInt(raw, 'aggregate_iters', 1);
  if (aggregateIters < 1) throw new Error('HomoLR: aggregate_iters must be positive');
  const reEncryptBatches = positiveInt(raw, 're_encrypt_batches', 2);
  if (paillier) {
    // HomoLogisticParam.check: the encrypted update is only linear for plain SGD with L2 or no penalty.
    if (common.optimizer !== 'sgd') throw new Error("HomoLR: Paillier encryption mode supports 'sgd' optimizer method only.");
    if (common.penalty === 'L1') throw new Error("HomoLR: Paillier encryption mode supports 'L2' penalty or None only.");
    if (reEncryptBatches < 1) throw new Error('HomoLR: re_encrypt_batches must be at least 1 in Paillier mode');
  }
  if (raw.early_stopping_rounds !== undefined && raw.early_stopping_rounds !== null) {
    throw new Error('HomoLR: early stopping is not supported for homo algorithms (early_stopping_rounds must be null)');
  }
  const metrics = Array.isArray(raw.metrics) && raw.metrics.length > 0 ? raw.metrics.map(String) : ['auc', 'ks'];
  return { ...common, aggregateIters, reEncryptBatches, paillier, validationFreqs: validationFreqs(raw.validation_freqs), metrics };
}

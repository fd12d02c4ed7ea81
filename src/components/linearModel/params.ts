// HeteroLogisticParam (FATE 1.x federatedml/param/logistic_regression_param.py), read from the merged
// parameter object, plus FATE's optimizers (federatedml/optim/optimizer.py) with their exact constants.
// The optimizer runs at each party on its own unmasked gradient (see heteroLR.ts for why).
import type { ObfuscationMode } from '../crypto/paillier.js';
import { mulberry32 } from '../../random/mulberry32.js';

export type Penalty = 'L2' | 'L1' | 'none';
export type OptimizerName = 'sgd' | 'rmsprop' | 'adam' | 'nesterov_momentum_sgd' | 'adagrad' | 'sqn';
export type EarlyStop = 'diff' | 'abs' | 'weight_diff';
export type InitMethod = 'random_uniform' | 'zeros' | 'ones' | 'random_normal';

export interface HeteroLogisticParam {
  readonly penalty: Penalty;
  readonly alpha: number;
  readonly optimizer: OptimizerName;
  readonly learningRate: number;
  readonly decay: number;
  readonly decaySqrt: boolean;
  readonly maxIter: number;
  readonly batchSize: number;
  readonly tol: number;
  readonly earlyStop: EarlyStop;
  readonly initMethod: InitMethod;
  readonly fitIntercept: boolean;
  readonly randomSeed: number | null;
  /** 'Paillier' or null = the plaintext test mode (no encryption at all: for tests only). */
  readonly encryptMethod: 'Paillier' | null;
  readonly keyLength: number;
  /**
   * How the encrypting parties randomise Paillier ciphertexts. `standard` (default): a fresh rⁿ per
   * ciphertext, textbook Paillier. `djn`: the Damgård–Jurik–Nielsen fixed-base short-exponent
   * obfuscators, ~20× faster but resting on a slightly different assumption. A fedflow extension,
   * not a FATE key: opt in with `encrypt_param.fedflow_obfuscation: "djn"`.
   */
  readonly obfuscation: ObfuscationMode;
  readonly threshold: number;
  /** StochasticQuasiNewtonParam (optimizer sqn, HeteroLR only). */
  readonly sqn: SqnParam;
}

export interface SqnParam {
  /** Hessian update every L steps (mini-batches). */
  readonly updateIntervalL: number;
  /** Pairs (s, y) kept. */
  readonly memoryM: number;
  /** Rows of the batch sampled for each Hessian-vector product. */
  readonly sampleSize: number;
  readonly randomSeed: number | null;
}

const OPTIMIZERS: OptimizerName[] = ['sgd', 'rmsprop', 'adam', 'nesterov_momentum_sgd', 'adagrad', 'sqn'];
const EARLY_STOPS: EarlyStop[] = ['diff', 'abs', 'weight_diff'];
const OBFUSCATIONS: ObfuscationMode[] = ['standard', 'djn'];
const INIT_METHODS: InitMethod[] = ['random_uniform', 'zeros', 'ones', 'random_normal'];

function obj(who: string, v: unknown, what: string): Record<string, unknown> {
  if (v === undefined || v === null) return {};
  if (typeof v !== 'object' || Array.isArray(v)) throw new Error(`${who}: ${what} must be an object`);
  return v as Record<string, unknown>;
}

function num(who: string, o: Record<string, unknown>, key: string, fallback: number): number {
  const v = o[key];
  if (v === undefined || v === null) return fallback;
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new Error(`${who}: ${key} must be a number, got ${JSON.stringify(v)}`);
  return v;
}

function oneOf<T extends string>(who: string, value: unknown, allowed: readonly T[], key: string, fallback: T): T {
  if (value === undefined) return fallback;
  const s = String(value).toLowerCase();
  const hit = allowed.find((a) => a.toLowerCase() === s);
  if (!hit) throw new Error(`${who}: ${key} must be one of ${allowed.join(', ')}, got ${JSON.stringify(value)}`);
  return hit;
}

/** `who` names the module in error messages (HomoLR reads the same LogisticParam fields). */
export function readParams(raw: Readonly<Record<string, unknown>>, who = 'HeteroLR'): HeteroLogisticParam {
  const penaltyRaw = raw.penalty;
  const penalty: Penalty =
    penaltyRaw === null || penaltyRaw === undefined
      ? penaltyRaw === undefined
        ? 'L2'
        : 'none'
      : oneOf(who, penaltyRaw, ['L2', 'L1', 'none'] as const, 'penalty', 'L2');
  const init = obj(who, raw.init_param, 'init_param');
  const enc = obj(who, raw.encrypt_param, 'encrypt_param');
  const predict = obj(who, raw.predict_param, 'predict_param');
  let encryptMethod: 'Paillier' | null = 'Paillier';
  if ('method' in enc) {
    if (enc.method === null) encryptMethod = null;
    else if (String(enc.method).toLowerCase() === 'paillier') encryptMethod = 'Paillier';
    else throw new Error(`${who}: encrypt_param.method must be Paillier or null, got ${JSON.stringify(enc.method)}`);
  }
  const batchSize = Math.trunc(num(who, raw, 'batch_size', -1));
  if (batchSize !== -1 && batchSize < 1) throw new Error(`${who}: batch_size must be -1 or positive`);
  const maxIter = Math.trunc(num(who, raw, 'max_iter', 100));
  if (maxIter < 1) throw new Error(`${who}: max_iter must be positive`);
  const seed = init.random_seed;
  const keyLength = Math.trunc(num(who, enc, 'key_length', 1024));
  const obfuscation = oneOf(who, enc.fedflow_obfuscation ?? undefined, OBFUSCATIONS, 'encrypt_param.fedflow_obfuscation', 'standard');
  return {
    penalty,
    alpha: num(who, raw, 'alpha', 1.0),
    optimizer: oneOf(who, raw.optimizer, OPTIMIZERS, 'optimizer', 'rmsprop'),
    learningRate: num(who, raw, 'learning_rate', 0.01),
    decay: num(who, raw, 'decay', 1),
    decaySqrt: raw.decay_sqrt !== false,
    maxIter,
    batchSize,
    tol: num(who, raw, 'tol', 1e-4),
    earlyStop: oneOf(who, raw.early_stop, EARLY_STOPS, 'early_stop', 'diff'),
    initMethod: oneOf(who, init.init_method, INIT_METHODS, 'init_param.init_method', 'random_uniform'),
    fitIntercept: init.fit_intercept !== false,
    randomSeed: typeof seed === 'number' ? seed : null,
    encryptMethod,
    keyLength,
    obfuscation,
    threshold: num(who, predict, 'threshold', 0.5),
    sqn: readSqn(who, obj(who, raw.sqn_param, 'sqn_param')),
  };
}

function readSqn(who: string, o: Record<string, unknown>): SqnParam {
  const int = (key: string, fallback: number) => {
    const v = Math.trunc(num(who, o, key, fallback));
    if (v < 1) throw new Error(`${who}: sqn_param.${key} must be positive`);
    return v;
  };
  const seed = o.random_seed;
  return { updateIntervalL: int('update_interval_L', 3), memoryM: int('memory_M', 5), sampleSize: int('sample_size', 5000), randomSeed: typeof seed === 'number' ? seed : null };
}

/** mulberry32: a small seeded PRNG in [0, 1) for reproducible init. */
export function seededRandom(seed: number | null): () => number {
  return seed === null ? Math.random : mulberry32(seed);
}

/** initialize.py: one value per coefficient (and the intercept, drawn last). */
export function initWeights(method: InitMethod, count: number, rand: () => number): number[] {
  switch (method) {
    case 'zeros':
      return new Array<number>(count).fill(0);
    case 'ones':
      return new Array<number>(count).fill(1);
    case 'random_uniform':
      return Array.from({ length: count }, () => rand());
    case 'random_normal':
      return Array.from({ length: count }, () => {
        const u = Math.max(rand(), 1e-300);
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand());
      });
  }
}

/** The fields FATE's optimizer reads (HeteroLR and HomoLR share them). */
export type OptimizerParam = Pick<HeteroLogisticParam, 'penalty' | 'alpha' | 'optimizer' | 'learningRate' | 'decay' | 'decaySqrt'>;

/**
 * FATE's optimizer for one party's weights. `coefCount` coefficients are regularised; an intercept
 * (if any) sits after them and is not. `step` returns the new weights and the applied delta.
 */
export class PartyOptimizer {
  private m: number[] | null = null;
  private v: number[] | null = null;
  private beta1Decay = 1;
  private beta2Decay = 1;

  constructor(
    private readonly p: OptimizerParam,
    private readonly coefCount: number,
  ) {}

  lr(iter: number): number {
    const { learningRate, decay, decaySqrt } = this.p;
    return decaySqrt ? learningRate / Math.sqrt(1 + decay * iter) : learningRate / (1 + decay * iter);
  }

  step(weights: number[], gradient: number[], iter: number): { weights: number[]; delta: number[] } {
    const grad = gradient.slice();
    if (this.p.penalty === 'L2') {
      for (let j = 0; j < this.coefCount; j++) grad[j] = grad[j]! + this.p.alpha * weights[j]!;
    }
    if (this.p.optimizer === 'sqn') throw new Error('sqn: the arbiter computes the step (heteroLR/sqn.ts), not PartyOptimizer');
    const lr = this.lr(iter);
    const k = grad.length;
    const zeros = () => new Array<number>(k).fill(0);
    let delta: number[];
    switch (this.p.optimizer) {
      case 'sgd':
        delta = grad.map((g) => lr * g);
        break;
      case 'rmsprop': {
        const m = (this.m ??= zeros());
        delta = grad.map((g, j) => {
          m[j] = 0.99 * m[j]! + 0.01 * g * g;
          return (lr * g) / Math.sqrt(m[j]! + 1e-6);
        });
        break;
      }
      case 'adam': {
        const m = (this.m ??= zeros());
        const v = (this.v ??= zeros());
        this.beta1Decay *= 0.9;
        this.beta2Decay *= 0.999;
        delta = grad.map((g, j) => {
          m[j] = 0.9 * m[j]! + 0.1 * g;
          v[j] = 0.999 * v[j]! + 0.001 * g * g;
          const mHat = m[j]! / (1 - this.beta1Decay);
          const vHat = v[j]! / (1 - this.beta2Decay);
          return (lr * mHat) / (Math.sqrt(vHat) + 1e-8);
        });
        break;
      }
      case 'adagrad': {
        const m = (this.m ??= zeros());
        delta = grad.map((g, j) => {
          m[j] = m[j]! + g * g;
          return (lr * g) / (Math.sqrt(m[j]!) + 1e-7);
        });
        break;
      }
      case 'nesterov_momentum_sgd': {
        const prev = (this.m ??= zeros());
        delta = grad.map((g, j) => {
          const v = 0.9 * prev[j]! - lr * g;
          const d = 0.9 * prev[j]! - 1.9 * v;
          prev[j] = v;
          return d;
        });
        break;
      }
    }
    let next = weights.map((w, j) => w - delta[j]!);
    if (this.p.penalty === 'L1') {
      const shrink = this.p.alpha * lr;
      next = next.map((w, j) => (j < this.coefCount ? Math.sign(w) * Math.max(0, Math.abs(w) - shrink) : w));
      delta = weights.map((w, j) => w - next[j]!);
    }
    return { weights: next, delta };
  }
}

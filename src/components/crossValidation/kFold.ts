// Fold assignment for FATE 1.4's cross-validation (federatedml/model_selection/k_fold.py, which uses
// sklearn's KFold): the guest's ids in table order, split into n_splits consecutive test folds — the
// first n % k folds one row longer — each fold's train set being the other rows in order. With
// `shuffle` the order is first permuted by a seeded Fisher–Yates shuffle (fedflow's own PRNG: the
// folds are reproducible for a seed, but not numpy's permutation for the same seed).
// Pure: no federation, no tracker. Models call it at the guest (and homo parties on their own rows).
import { seededRandom } from '../linearModel/params.js';

export interface CvParam {
  readonly needCv: boolean;
  readonly nSplits: number;
  readonly shuffle: boolean;
  readonly randomSeed: number;
}

/** CrossValidationParam: cv_param with FATE's defaults (n_splits 5, shuffle true, random_seed 1). */
export function readCvParam(raw: Readonly<Record<string, unknown>>, who: string): CvParam {
  const cv = raw.cv_param;
  if (cv === undefined || cv === null) return { needCv: false, nSplits: 5, shuffle: true, randomSeed: 1 };
  if (typeof cv !== 'object' || Array.isArray(cv)) throw new Error(`${who}: cv_param must be an object`);
  const o = cv as Record<string, unknown>;
  const nSplits = o.n_splits ?? 5;
  if (typeof nSplits !== 'number' || !Number.isInteger(nSplits) || nSplits < 2) throw new Error(`${who}: cv_param.n_splits must be an integer ≥ 2, got ${JSON.stringify(nSplits)}`);
  const seed = o.random_seed ?? 1;
  if (typeof seed !== 'number' || !Number.isInteger(seed)) throw new Error(`${who}: cv_param.random_seed must be an integer`);
  return { needCv: o.need_cv === true, nSplits, shuffle: o.shuffle !== false, randomSeed: seed };
}

export interface Fold {
  /** Row indices (into the keys given) of the fold's train and test sets, each in table order. */
  readonly train: number[];
  readonly test: number[];
}

/** The folds of `rowCount` rows. Throws when there are fewer rows than folds. */
export function kFold(rowCount: number, p: Pick<CvParam, 'nSplits' | 'shuffle' | 'randomSeed'>): Fold[] {
  if (rowCount < p.nSplits) throw new Error(`cross-validation: ${rowCount} rows cannot be split into ${p.nSplits} folds`);
  const order = Array.from({ length: rowCount }, (_, i) => i);
  if (p.shuffle) {
    const rand = seededRandom(p.randomSeed);
    for (let i = rowCount - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
  }
  const base = Math.floor(rowCount / p.nSplits);
  const extra = rowCount % p.nSplits;
  const folds: Fold[] = [];
  let start = 0;
  for (let f = 0; f < p.nSplits; f++) {
    const size = base + (f < extra ? 1 : 0);
    const inTest = new Set(order.slice(start, start + size));
    start += size;
    const test: number[] = [];
    const train: number[] = [];
    for (let i = 0; i < rowCount; i++) (inTest.has(i) ? test : train).push(i);
    folds.push({ train, test });
  }
  return folds;
}

/** FATE's per-fold evaluation names: `train_fold_<k>` and `validate_fold_<k>`. */
export const foldDataSetName = (set: 'train' | 'validate', fold: number) => `${set}_fold_${fold}`;

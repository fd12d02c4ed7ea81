// FATE's regression losses for boosting (federatedml/loss/regression_loss.py), with d = f − y for a raw
// score f and a label y. Init scores: the label mean; lae the label median as FATE computes it (a
// quantile summary's 0.5 point, the split point of a 2-bin quantile binning); tweedie 0.
//
// Two departures from FATE 1.4.5's file, both where 1.4.5 cannot train: log_cosh's init there is a dict
// (get_mean() without ["label"]) and crashes, so the label mean is used as later FATE does; tweedie's
// 1.4.5 gradient, −y·e^(1−ρ)·f + e^(2−ρ)·f, multiplies f by constants — no Tweedie deviance has it,
// and boosting on it does not fit the labels. Here tweedie is FATE 1.10's corrected loss: log link
// (prediction e^f), init 0, g = −y·e^((1−ρ)f) + e^((2−ρ)f), h = −y(1−ρ)·e^((1−ρ)f) + (2−ρ)·e^((2−ρ)f).
import { QuantileSummaries } from '../featureBinning/quantileSummaries.js';
import type { Objective } from './objective.js';

export const REGRESSION_OBJECTIVES = ['lse', 'lae', 'huber', 'fair', 'log_cosh', 'tweedie'] as const;
export type RegressionObjectiveName = (typeof REGRESSION_OBJECTIVES)[number];

/** FATE's consts.FLOAT_ZERO: lae's dead band around 0, the floor of huber's δ and fair's c. */
const FLOAT_ZERO = 1e-6;

/** Labels are a plain array or a table's Float64Array column (issue 17); sums run in row order either way. */
function mean(labels: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < labels.length; i++) s += labels[i]!;
  return s / Math.max(1, labels.length);
}

/** FATE's MultivariateStatisticalSummary.get_median: a 2-bin quantile binning's split point (FeatureBinningParam defaults). */
export function fateMedian(labels: ArrayLike<number>): number {
  const s = new QuantileSummaries({ compressThres: 10000, headSize: 10000, error: 0.001 });
  for (let i = 0; i < labels.length; i++) s.insert(labels[i]!);
  return s.query(0.5);
}

function meanLoss(labels: ArrayLike<number>, scores: Float64Array, each: (d: number, y: number, f: number) => number): number {
  let s = 0;
  for (let i = 0; i < labels.length; i++) s += each(scores[i]! - labels[i]!, labels[i]!, scores[i]!);
  return s / Math.max(1, labels.length);
}

/** log(cosh d) without overflow for large |d|. */
const logCosh = (d: number): number => {
  const a = Math.abs(d);
  return a + Math.log1p(Math.exp(-2 * a)) - Math.LN2;
};

const identity = (f: number): number => f;

function lse(): Objective {
  return {
    name: 'lse', params: [], initScore: mean, predict: identity,
    grad: (y, f) => 2 * (f - y),
    hess: () => 2,
    loss: (labels, scores) => meanLoss(labels, scores, (d) => d * d),
  };
}

function lae(): Objective {
  return {
    name: 'lae', params: [], initScore: fateMedian, predict: identity,
    // sign(f − y), 0 within FLOAT_ZERO (FATE's array branch, which the guest's 1-element scores take).
    grad: (y, f) => {
      const d = f - y;
      return d > FLOAT_ZERO ? 1 : d < -FLOAT_ZERO ? -1 : 0;
    },
    hess: () => 1,
    loss: (labels, scores) => meanLoss(labels, scores, (d) => Math.abs(d)),
  };
}

function huber(delta: number): Objective {
  const dl = Math.abs(delta) < FLOAT_ZERO ? FLOAT_ZERO : delta;
  return {
    // Pseudo-Huber: δ²(√(1 + (d/δ)²) − 1).
    name: 'huber', params: [delta], initScore: mean, predict: identity,
    grad: (y, f) => {
      const d = f - y;
      return d / Math.sqrt(1 + (d * d) / (dl * dl));
    },
    hess: (y, f) => {
      const d = f - y;
      return 1 / (1 + (d * d) / (dl * dl)) ** 1.5;
    },
    loss: (labels, scores) => meanLoss(labels, scores, (d) => dl * dl * (Math.sqrt(1 + (d / dl) ** 2) - 1)),
  };
}

function fair(c: number): Objective {
  const cc = Math.abs(c) < FLOAT_ZERO ? FLOAT_ZERO : c;
  return {
    name: 'fair', params: [c], initScore: mean, predict: identity,
    grad: (y, f) => {
      const d = f - y;
      return (cc * d) / (Math.abs(d) + cc);
    },
    hess: (y, f) => (cc * cc) / (Math.abs(f - y) + cc) ** 2,
    loss: (labels, scores) => meanLoss(labels, scores, (d) => cc * Math.abs(d) - cc * cc * Math.log(Math.abs(d) / cc + 1)),
  };
}

function logCoshObjective(): Objective {
  return {
    name: 'log_cosh', params: [], initScore: mean, predict: identity,
    grad: (y, f) => Math.tanh(f - y),
    hess: (y, f) => 1 - Math.tanh(f - y) ** 2,
    loss: (labels, scores) => meanLoss(labels, scores, (d) => logCosh(d)),
  };
}

function tweedie(rho: number): Objective {
  return {
    name: 'tweedie', params: [rho], initScore: () => 0, predict: Math.exp,
    grad: (y, f) => -y * Math.exp((1 - rho) * f) + Math.exp((2 - rho) * f),
    hess: (y, f) => -y * (1 - rho) * Math.exp((1 - rho) * f) + (2 - rho) * Math.exp((2 - rho) * f),
    // On the prediction p = e^f (floored at 1e-10 as FATE does). At ρ = 1 FATE's formula divides by
    // zero; the loss there is its limit up to a constant, Poisson's −y·log p + p.
    loss: (labels, scores) => meanLoss(labels, scores, (_d, y, f) => {
      const p = Math.max(1e-10, Math.exp(f));
      if (rho === 1) return -y * Math.log(p) + p;
      return (-y * p ** (1 - rho)) / (1 - rho) + p ** (2 - rho) / (2 - rho);
    }),
    checkLabels: (labels) => {
      let bad = -1;
      for (let i = 0; i < labels.length && bad < 0; i++) if (!(labels[i]! >= 0)) bad = i;
      if (bad >= 0) throw new Error(`HeteroSecureBoost: objective tweedie needs non-negative labels, label ${labels[bad]} (row ${bad}) is not`);
    },
  };
}

export function regressionObjective(name: RegressionObjectiveName, params: readonly number[]): Objective {
  switch (name) {
    case 'lse': return lse();
    case 'lae': return lae();
    case 'huber': return huber(params[0] ?? FLOAT_ZERO);
    case 'fair': return fair(params[0] ?? FLOAT_ZERO);
    case 'log_cosh': return logCoshObjective();
    case 'tweedie': return tweedie(params[0] ?? 1.5);
  }
}

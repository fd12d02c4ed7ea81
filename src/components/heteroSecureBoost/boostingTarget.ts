// What boosting fits, per FATE's BoostingTree.set_y / loss classes: the classes (sorted label values)
// and tree_dim (1 for regression and binary, one tree per class and round for more than 2 classes,
// FATE's softmax), the init scores, every dimension's g/h from the current raw scores, and the loss.
import type { Objective } from './objective.js';
import type { BoostingTreeParam } from './params.js';
import { softmax } from './predictResult.js';

export interface BoostingTarget {
  readonly treeDim: number;
  readonly numClasses: number;
  /** Class labels as strings, ascending (FATE's classes_); empty for regression. */
  readonly classes: readonly string[];
  readonly initScore: readonly number[];
  /** Per dimension, g and h of every instance from scores[i·treeDim + k]. */
  gradHess(scores: Float64Array): { g: Float64Array; h: Float64Array }[];
  loss(scores: Float64Array): number;
}

export function boostingTarget(p: BoostingTreeParam, objective: Objective, labels: ArrayLike<number>): BoostingTarget {
  const n = labels.length;
  if (p.taskType === 'regression') {
    objective.checkLabels?.(labels);
    const init = objective.initScore(labels);
    return {
      treeDim: 1, numClasses: 1, classes: [], initScore: [init],
      gradHess: (scores) => {
        const g = new Float64Array(n);
        const h = new Float64Array(n);
        for (let i = 0; i < n; i++) {
          g[i] = objective.grad(labels[i]!, scores[i]!);
          h[i] = objective.hess(labels[i]!, scores[i]!);
          // tweedie's exponentials can overflow with a large learning rate: say so, never pack NaN.
          if (!Number.isFinite(g[i]!) || !Number.isFinite(h[i]!)) {
            throw new Error(`HeteroSecureBoost: objective ${objective.name}: gradient or hessian of row ${i} is not finite (score ${scores[i]}); lower learning_rate`);
          }
        }
        return [{ g, h }];
      },
      loss: (scores) => objective.loss(labels, scores),
    };
  }
  const distinct = new Set<number>();
  for (let i = 0; i < n; i++) distinct.add(labels[i]!);
  const values = [...distinct].sort((a, b) => a - b);
  if (values.length < 2) throw new Error(`HeteroSecureBoost: classification needs at least 2 classes, the labels have ${values.length}`);
  const classes = values.map(String);
  const index = new Map(values.map((v, k) => [v, k]));
  const y = Float64Array.from(labels, (l) => index.get(l)!);
  if (values.length === 2) {
    // Binary: one tree per round on the sigmoid of the class-1 score (labels mapped to 0/1 by class order).
    const init = objective.initScore(y);
    return {
      treeDim: 1, numClasses: 2, classes, initScore: [init],
      gradHess: (scores) => {
        const g = new Float64Array(n);
        const h = new Float64Array(n);
        for (let i = 0; i < n; i++) {
          g[i] = objective.grad(y[i]!, scores[i]!);
          h[i] = objective.hess(y[i]!, scores[i]!);
        }
        return [{ g, h }];
      },
      loss: (scores) => objective.loss(y, scores),
    };
  }
  const dim = values.length;
  const probs = (scores: Float64Array, i: number) => softmax(Array.from(scores.subarray(i * dim, (i + 1) * dim)));
  return {
    treeDim: dim, numClasses: dim, classes, initScore: new Array<number>(dim).fill(0),
    gradHess: (scores) => {
      const out = Array.from({ length: dim }, () => ({ g: new Float64Array(n), h: new Float64Array(n) }));
      for (let i = 0; i < n; i++) {
        const pr = probs(scores, i);
        for (let k = 0; k < dim; k++) {
          out[k]!.g[i] = pr[k]! - (y[i] === k ? 1 : 0);
          out[k]!.h[i] = pr[k]! * (1 - pr[k]!);
        }
      }
      return out;
    },
    // FATE's SoftmaxCrossEntropyLoss: mean −log p(label).
    loss: (scores) => {
      let s = 0;
      for (let i = 0; i < n; i++) {
        s -= Math.log(probs(scores, i)[y[i]!]!);
      }
      return s / Math.max(1, n);
    },
  };
}

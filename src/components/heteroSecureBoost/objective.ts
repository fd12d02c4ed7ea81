// Boosting objectives (FATE 1.x federatedml/loss): the initial score, per-instance gradient and hessian
// of the loss in the raw score f, the loss logged per tree, and the prediction from the raw score.
// Classification is cross_entropy only; regression has FATE's six losses (regressionObjectives.ts).
import { REGRESSION_OBJECTIVES, regressionObjective, type RegressionObjectiveName } from './regressionObjectives.js';

export type ObjectiveName = 'cross_entropy' | RegressionObjectiveName;

export interface Objective {
  readonly name: ObjectiveName;
  /** FATE's objective_param.params as the model meta stores them (huber δ, fair c, tweedie ρ). */
  readonly params: readonly number[];
  initScore(labels: ArrayLike<number>): number;
  grad(label: number, score: number): number;
  hess(label: number, score: number): number;
  /** Mean loss over the instances, from the raw scores. */
  loss(labels: ArrayLike<number>, scores: Float64Array): number;
  /** What the model outputs for a raw score: a probability (binary) or the value (regression). */
  predict(score: number): number;
  /** Refuses labels the loss is not defined for (tweedie: negative ones); absent: every label is fine. */
  checkLabels?(labels: ArrayLike<number>): void;
}

export const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

const EPS = 1e-15;

/** SigmoidBinaryCrossEntropyLoss: init 0, g = p − y, h = p(1 − p). */
export const crossEntropy: Objective = {
  name: 'cross_entropy',
  params: [],
  initScore: () => 0,
  grad: (y, f) => sigmoid(f) - y,
  hess: (_y, f) => {
    const p = sigmoid(f);
    return p * (1 - p);
  },
  loss: (labels, scores) => {
    let s = 0;
    for (let i = 0; i < labels.length; i++) {
      const p = Math.min(1 - EPS, Math.max(EPS, sigmoid(scores[i]!)));
      s -= labels[i] === 1 ? Math.log(p) : Math.log(1 - p);
    }
    return s / Math.max(1, labels.length);
  },
  predict: sigmoid,
};

/** Every objective name FATE 1.4's ObjectiveParam accepts. */
export const OBJECTIVE_NAMES: readonly ObjectiveName[] = ['cross_entropy', ...REGRESSION_OBJECTIVES];

export const isObjectiveName = (name: string): name is ObjectiveName => (OBJECTIVE_NAMES as readonly string[]).includes(name);

/** The objective of a (checked) name and its params; params are checked by params.ts. */
export function objectiveOf(name: ObjectiveName, params: readonly number[] = []): Objective {
  return name === 'cross_entropy' ? crossEntropy : regressionObjective(name, params);
}

/** A regression model's output for a raw score (tweedie's log link: exp; the others: the score). */
export function regressionPrediction(objective: string, score: number): number {
  return objective === 'tweedie' ? Math.exp(score) : score;
}

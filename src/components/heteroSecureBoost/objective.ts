// Boosting objectives (FATE 1.x federatedml/loss): the initial score, per-instance gradient and hessian
// of the loss in the raw score f, the loss logged per tree, and the prediction from the raw score.

export interface Objective {
  readonly name: 'cross_entropy' | 'lse';
  initScore(labels: readonly number[]): number;
  grad(label: number, score: number): number;
  hess(label: number, score: number): number;
  /** Mean loss over the instances. */
  loss(labels: readonly number[], scores: Float64Array): number;
  /** What the model outputs for a raw score: a probability (binary) or the value (regression). */
  predict(score: number): number;
}

export const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

const EPS = 1e-15;

/** SigmoidBinaryCrossEntropyLoss: init 0, g = p − y, h = p(1 − p). */
export const crossEntropy: Objective = {
  name: 'cross_entropy',
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

/** LeastSquaredErrorLoss: init mean(y), g = 2(f − y), h = 2, loss = mean squared error. */
export const leastSquares: Objective = {
  name: 'lse',
  initScore: (labels) => labels.reduce((s, y) => s + y, 0) / Math.max(1, labels.length),
  grad: (y, f) => 2 * (f - y),
  hess: () => 2,
  loss: (labels, scores) => {
    let s = 0;
    for (let i = 0; i < labels.length; i++) s += (scores[i]! - labels[i]!) ** 2;
    return s / Math.max(1, labels.length);
  },
  predict: (f) => f,
};

export function objectiveOf(name: 'cross_entropy' | 'lse'): Objective {
  return name === 'cross_entropy' ? crossEntropy : leastSquares;
}

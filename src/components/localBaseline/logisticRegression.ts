// Plain binary logistic regression with sklearn's objective:
//   minimise  C · Σ logloss(y_i, w·x_i + b)  +  ½‖w‖²     (penalty 'l2'; the intercept is not penalised)
//   minimise  Σ logloss(y_i, w·x_i + b)                     (penalty 'none')
// solved by damped Newton steps (the problem is small: one weight per feature), which reaches the
// unique optimum that sklearn's lbfgs approaches.

export interface LogisticOptions {
  readonly penalty: 'l2' | 'none';
  readonly C: number;
  readonly maxIter: number;
  readonly fitIntercept: boolean;
  /** Checked between iterations. */
  readonly signal?: AbortSignal;
}

export interface LogisticModel {
  readonly weights: number[];
  readonly intercept: number;
  readonly iterations: number;
  readonly converged: boolean;
}

/** log(1 + e^z) without overflow. */
function softplus(z: number): number {
  return z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z));
}

export function sigmoid(z: number): number {
  if (z >= 0) return 1 / (1 + Math.exp(-z));
  const e = Math.exp(z);
  return e / (1 + e);
}

/** Solves A x = b for a symmetric positive definite A (Cholesky); returns undefined if A is not. */
function choleskySolve(a: number[][], b: number[]): number[] | undefined {
  const n = b.length;
  const l: number[][] = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = a[i]![j]!;
      for (let k = 0; k < j; k++) sum -= l[i]![k]! * l[j]![k]!;
      if (i === j) {
        if (!(sum > 0)) return undefined;
        l[i]![i] = Math.sqrt(sum);
      } else {
        l[i]![j] = sum / l[j]![j]!;
      }
    }
  }
  const y = new Array<number>(n).fill(0);
  for (let i = 0; i < n; i++) {
    let sum = b[i]!;
    for (let k = 0; k < i; k++) sum -= l[i]![k]! * y[k]!;
    y[i] = sum / l[i]![i]!;
  }
  const x = new Array<number>(n).fill(0);
  for (let i = n - 1; i >= 0; i--) {
    let sum = y[i]!;
    for (let k = i + 1; k < n; k++) sum -= l[k]![i]! * x[k]!;
    x[i] = sum / l[i]![i]!;
  }
  return x;
}

/** Fits on rows `x` (n × d) and 0/1 labels `y`. */
export function fitLogistic(x: readonly (readonly number[])[], y: readonly number[], opts: LogisticOptions): LogisticModel {
  const n = x.length;
  const d = n === 0 ? 0 : x[0]!.length;
  const p = d + (opts.fitIntercept ? 1 : 0); // parameters: weights, then the intercept
  const c = opts.penalty === 'l2' ? opts.C : 1;
  const ridge = opts.penalty === 'l2' ? 1 : 0;
  // Augmented rows [x, 1].
  const rows = x.map((r) => (opts.fitIntercept ? [...r, 1] : [...r]));
  const theta = new Array<number>(p).fill(0);

  const objective = (t: readonly number[]): number => {
    let loss = 0;
    for (let i = 0; i < n; i++) {
      let z = 0;
      const r = rows[i]!;
      for (let j = 0; j < p; j++) z += r[j]! * t[j]!;
      // logloss(y, z) = softplus(z) − y·z
      loss += softplus(z) - y[i]! * z;
    }
    let reg = 0;
    for (let j = 0; j < d; j++) reg += t[j]! * t[j]!;
    return c * loss + 0.5 * ridge * reg;
  };

  let f = objective(theta);
  let iterations = 0;
  let converged = false;
  for (let iter = 0; iter < opts.maxIter; iter++) {
    opts.signal?.throwIfAborted();
    const grad = new Array<number>(p).fill(0);
    const hess: number[][] = Array.from({ length: p }, () => new Array<number>(p).fill(0));
    for (let i = 0; i < n; i++) {
      const r = rows[i]!;
      let z = 0;
      for (let j = 0; j < p; j++) z += r[j]! * theta[j]!;
      const mu = sigmoid(z);
      const g = c * (mu - y[i]!);
      const w = c * mu * (1 - mu);
      for (let j = 0; j < p; j++) {
        grad[j]! += g * r[j]!;
        const wr = w * r[j]!;
        for (let k = 0; k <= j; k++) hess[j]![k]! += wr * r[k]!;
      }
    }
    for (let j = 0; j < p; j++) {
      for (let k = 0; k < j; k++) hess[k]![j] = hess[j]![k]!;
      if (j < d) {
        grad[j]! += ridge * theta[j]!;
        hess[j]![j]! += ridge;
      }
    }
    // Levenberg-style damping only when the Hessian is not positive definite (e.g. penalty none).
    let step: number[] | undefined;
    for (let damping = 0; !step; damping = damping === 0 ? 1e-10 : damping * 100) {
      const h = damping === 0 ? hess : hess.map((row, j) => row.map((v, k) => (j === k ? v + damping : v)));
      step = choleskySolve(h, grad.map((g) => -g));
      if (!step && damping > 1e10) throw new Error('LocalBaseline: logistic regression Hessian is singular');
    }
    const decrement = -step.reduce((s, v, j) => s + v * grad[j]!, 0); // gᵀH⁻¹g
    iterations = iter + 1;
    if (decrement / 2 <= 1e-12 * Math.max(1, Math.abs(f))) {
      converged = true;
      break;
    }
    // Backtracking (Armijo) line search.
    let t = 1;
    let next = theta.map((v, j) => v + step![j]!);
    let fNext = objective(next);
    while (fNext > f - 1e-4 * t * decrement && t > 1e-12) {
      t /= 2;
      next = theta.map((v, j) => v + t * step![j]!);
      fNext = objective(next);
    }
    if (!(fNext <= f)) {
      converged = true; // no further descent possible in floating point
      break;
    }
    for (let j = 0; j < p; j++) theta[j] = next[j]!;
    f = fNext;
  }
  return {
    weights: theta.slice(0, d),
    intercept: opts.fitIntercept ? theta[d]! : 0,
    iterations,
    converged,
  };
}

export function predictProba(model: Pick<LogisticModel, 'weights' | 'intercept'>, features: readonly number[]): number {
  let z = model.intercept;
  for (let j = 0; j < model.weights.length; j++) z += model.weights[j]! * features[j]!;
  return sigmoid(z);
}

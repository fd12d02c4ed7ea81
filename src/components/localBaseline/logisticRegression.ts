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

// The numbers live in Float64Arrays (rows flattened, row-major): one elements kind whatever the
// input arrays were (small integers, doubles, JSON-parsed or computed), so the optimised code stays
// valid. With plain arrays the optimiser saw new element kinds job after job and recompiled this
// fit again and again (most of a light job's compile time). Same operations in the same order as
// the plain-array version, so the same results.

/** Solves A x = b for a symmetric positive definite A (p × p, row-major); returns undefined if A is not. */
function choleskySolve(a: Float64Array, b: Float64Array, n: number): Float64Array | undefined {
  const l = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = a[i * n + j]!;
      for (let k = 0; k < j; k++) sum -= l[i * n + k]! * l[j * n + k]!;
      if (i === j) {
        if (!(sum > 0)) return undefined;
        l[i * n + i] = Math.sqrt(sum);
      } else {
        l[i * n + j] = sum / l[j * n + j]!;
      }
    }
  }
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let sum = b[i]!;
    for (let k = 0; k < i; k++) sum -= l[i * n + k]! * y[k]!;
    y[i] = sum / l[i * n + i]!;
  }
  const x = new Float64Array(n);
  for (let i = n - 1; i >= 0; i--) {
    let sum = y[i]!;
    for (let k = i + 1; k < n; k++) sum -= l[k * n + i]! * x[k]!;
    x[i] = sum / l[i * n + i]!;
  }
  return x;
}

/** C · Σ logloss + ½ ridge ‖w‖² at `t`, over the augmented rows (n × p). */
function objective(rows: Float64Array, y: Float64Array, n: number, p: number, d: number, c: number, ridge: number, t: Float64Array): number {
  let loss = 0;
  for (let i = 0; i < n; i++) {
    let z = 0;
    const base = i * p;
    for (let j = 0; j < p; j++) z += rows[base + j]! * t[j]!;
    // logloss(y, z) = softplus(z) − y·z
    loss += softplus(z) - y[i]! * z;
  }
  let reg = 0;
  for (let j = 0; j < d; j++) reg += t[j]! * t[j]!;
  return c * loss + 0.5 * ridge * reg;
}

/** Fits on rows `x` (n × d) and 0/1 labels `y`. */
export function fitLogistic(x: readonly (readonly number[])[], labels: readonly number[], opts: LogisticOptions): LogisticModel {
  const n = x.length;
  const d = n === 0 ? 0 : x[0]!.length;
  const p = d + (opts.fitIntercept ? 1 : 0); // parameters: weights, then the intercept
  const theta = new Float64Array(p);
  const { iterations, converged } = newton(
    augmentedRows(x, n, d, p, opts.fitIntercept), Float64Array.from(labels), theta,
    n, p, d, opts.penalty === 'l2' ? opts.C : 1, opts.penalty === 'l2' ? 1 : 0, Math.min(opts.maxIter, 2 ** 30) | 0, opts.signal,
  );
  return {
    weights: Array.from(theta.subarray(0, d)),
    intercept: opts.fitIntercept ? theta[d]! : 0,
    iterations,
    converged,
  };
}

/** Rows [x, 1] (or [x]) flattened; the input arrays' element kinds vary, so this copy stays small. */
function augmentedRows(x: readonly (readonly number[])[], n: number, d: number, p: number, intercept: boolean): Float64Array {
  const rows = new Float64Array(n * p);
  for (let i = 0; i < n; i++) {
    const r = x[i]!;
    for (let j = 0; j < d; j++) rows[i * p + j] = r[j]!;
    if (intercept) rows[i * p + d] = 1;
  }
  return rows;
}

/** The data terms of the gradient and (lower triangle of the) Hessian at theta. */
function gradientAndHessian(rows: Float64Array, y: Float64Array, theta: Float64Array, n: number, p: number, c: number, grad: Float64Array, hess: Float64Array): void {
  grad.fill(0);
  hess.fill(0);
  for (let i = 0; i < n; i++) {
    const base = i * p;
    let z = 0;
    for (let j = 0; j < p; j++) z += rows[base + j]! * theta[j]!;
    const mu = sigmoid(z);
    const g = c * (mu - y[i]!);
    const w = c * mu * (1 - mu);
    for (let j = 0; j < p; j++) {
      grad[j]! += g * rows[base + j]!;
      const wr = w * rows[base + j]!;
      for (let k = 0; k <= j; k++) hess[j * p + k]! += wr * rows[base + k]!;
    }
  }
}

/**
 * Damped Newton steps from theta = 0 (updated in place); typed arrays and numbers only. The heavy
 * loops are in small functions of their own (this loop runs a few dozen times at most), and the
 * counts arrive as small integers: a count boxed as a double once deoptimised this loop every job.
 */
function newton(
  rows: Float64Array, y: Float64Array, theta: Float64Array,
  n: number, p: number, d: number, c: number, ridge: number, maxIter: number, signal: AbortSignal | undefined,
): { iterations: number; converged: boolean } {
  const grad = new Float64Array(p);
  const hess = new Float64Array(p * p);
  const negGrad = new Float64Array(p);
  const next = new Float64Array(p);

  let f = objective(rows, y, n, p, d, c, ridge, theta);
  let iterations = 0;
  let converged = false;
  for (let iter = 0; iter < maxIter; iter++) {
    signal?.throwIfAborted();
    gradientAndHessian(rows, y, theta, n, p, c, grad, hess);
    for (let j = 0; j < p; j++) {
      for (let k = 0; k < j; k++) hess[k * p + j] = hess[j * p + k]!;
      if (j < d) {
        grad[j]! += ridge * theta[j]!;
        hess[j * p + j]! += ridge;
      }
    }
    for (let j = 0; j < p; j++) negGrad[j] = -grad[j]!;
    // Levenberg-style damping only when the Hessian is not positive definite (e.g. penalty none).
    let step: Float64Array | undefined;
    for (let damping = 0; !step; damping = damping === 0 ? 1e-10 : damping * 100) {
      let h = hess;
      if (damping !== 0) {
        h = hess.slice();
        for (let j = 0; j < p; j++) h[j * p + j] = hess[j * p + j]! + damping;
      }
      step = choleskySolve(h, negGrad, p);
      if (!step && damping > 1e10) throw new Error('LocalBaseline: logistic regression Hessian is singular');
    }
    let decrement = 0; // gᵀH⁻¹g
    for (let j = 0; j < p; j++) decrement += step[j]! * grad[j]!;
    decrement = -decrement;
    iterations = iter + 1;
    if (decrement / 2 <= 1e-12 * Math.max(1, Math.abs(f))) {
      converged = true;
      break;
    }
    // Backtracking (Armijo) line search.
    let t = 1;
    for (let j = 0; j < p; j++) next[j] = theta[j]! + step[j]!;
    let fNext = objective(rows, y, n, p, d, c, ridge, next);
    while (fNext > f - 1e-4 * t * decrement && t > 1e-12) {
      t /= 2;
      for (let j = 0; j < p; j++) next[j] = theta[j]! + t * step[j]!;
      fNext = objective(rows, y, n, p, d, c, ridge, next);
    }
    if (!(fNext <= f)) {
      converged = true; // no further descent possible in floating point
      break;
    }
    theta.set(next);
    f = fNext;
  }
  return { iterations, converged };
}

export function predictProba(model: Pick<LogisticModel, 'weights' | 'intercept'>, features: readonly number[]): number {
  let z = model.intercept;
  for (let j = 0; j < model.weights.length; j++) z += model.weights[j]! * features[j]!;
  return sigmoid(z);
}

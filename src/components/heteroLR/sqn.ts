// FATE 1.4's stochastic quasi-Newton optimizer for HeteroLR (optim/gradient/hetero_sqn_gradient.py,
// optimizer.py _StochasticQuansiNewtonOptimizer; Byrd et al.'s SQN). Every step the arbiter turns the
// batch gradient g (all parties' blocks, hosts first then the guest) into the step lr·H·g, with H = I
// until the first curvature pair exists. Every L steps each party averages its weights over those
// steps (w̃); from the second such point on, s = w̃ − w̃_prev and the parties compute the
// Hessian-vector product y = ∇²F·s on a sample of the batch (for LR: (1/N) Σ 0.25·(x·s)·x, the cross
// terms under Paillier) plus alpha·s for L2; the arbiter keeps the last M pairs and rebuilds H by the
// BFGS recursion, as FATE does.
//
// What crosses beyond the masked protocol (as in FATE, whose arbiter decrypts the joint gradient):
// each party's batch gradient and its y block reach the arbiter in clear, and the arbiter sends back
// each party's own step. Nothing more reaches guest or hosts than in the other optimizers: the guest
// sees only [[0.25·x_h·s_h]] ciphertexts, hosts only [[forward_hess]] ciphertexts.
// Where fedflow differs from FATE: w̃ averages the weights after each step at every party and, at the
// arbiter, the running sum of its own steps (FATE's arbiter starts that sum with +step₀ and parties
// average pre-step weights: one step apart); the sample is a seeded draw of min(sample_size, batch)
// rows (FATE samples a fraction of the batch by Eggroll's sampler).
import { seededRandom, type SqnParam } from '../linearModel/params.js';

/** Step index (0-based, over iterations × batches) → is it a Hessian update point with a pair (s, y)? */
export function sqnUpdatesAt(step: number, p: SqnParam): { average: boolean; pair: boolean } {
  const k = step + 1;
  const average = k % p.updateIntervalL === 0;
  return { average, pair: average && k / p.updateIntervalL > 1 };
}

/** Rows sampled for y at a step: min(sample_size, batch rows), a seeded draw in row order. */
export function sqnSample(rows: number, p: SqnParam, step: number): number[] {
  const size = Math.min(p.sampleSize, rows);
  if (size === rows) return Array.from({ length: rows }, (_, i) => i);
  const rand = seededRandom(p.randomSeed === null ? null : p.randomSeed + step);
  const order = Array.from({ length: rows }, (_, i) => i);
  for (let i = 0; i < size; i++) {
    const j = i + Math.floor(rand() * (rows - i));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  return order.slice(0, size).sort((a, b) => a - b);
}

/** w̃: the average of a weight vector over the last L steps, and s between two such averages. */
export class WeightAverage {
  private sum: number[] | null = null;
  private last: number[] | null = null;

  constructor(private readonly p: SqnParam) {}

  /** Adds this step's weights; at an update point returns s (null at the first one) and restarts. */
  add(weights: readonly number[], step: number): { s: number[] | null } | null {
    this.sum = this.sum ? this.sum.map((v, j) => v + weights[j]!) : [...weights];
    if (!sqnUpdatesAt(step, this.p).average) return null;
    const avg = this.sum.map((v) => v / this.p.updateIntervalL);
    const s = this.last ? avg.map((v, j) => v - this.last![j]!) : null;
    this.last = avg;
    this.sum = null;
    return { s };
  }
}

/** The arbiter's H from the last M pairs (FATE's _compute_hess_matrix). */
export class SqnHessian {
  private readonly s: number[][] = [];
  private readonly y: number[][] = [];
  private h: number[][] | null = null;

  constructor(private readonly memoryM: number) {}

  addPair(s: readonly number[], y: readonly number[]): void {
    this.s.push([...s]);
    this.y.push([...y]);
    if (this.s.length > this.memoryM) {
      this.s.shift();
      this.y.shift();
    }
    const dot = (a: readonly number[], b: readonly number[]) => a.reduce((acc, v, i) => acc + v * b[i]!, 0);
    const n = s.length;
    const sl = this.s[this.s.length - 1]!;
    const yl = this.y[this.y.length - 1]!;
    const gamma = dot(yl, sl) / dot(yl, yl);
    let h = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? gamma : 0)));
    for (let m = 0; m < this.s.length; m++) {
      const si = this.s[m]!;
      const yi = this.y[m]!;
      const rho = 1 / dot(yi, si);
      // H ← (I − ρ s yᵀ) H (I − ρ y sᵀ) + ρ s sᵀ
      const hy = h.map((row) => dot(row, yi)); // H y
      const yh = yi.map((_, j) => h.reduce((acc, row, i) => acc + yi[i]! * row[j]!, 0)); // yᵀ H
      const yhy = dot(yi, hy);
      h = h.map((row, i) => row.map((v, j) => v - rho * si[i]! * yh[j]! - rho * hy[i]! * si[j]! + rho * rho * yhy * si[i]! * si[j]! + rho * si[i]! * si[j]!));
    }
    this.h = h;
  }

  /** lr·H·g, or lr·g before the first pair. */
  step(g: readonly number[], lr: number): number[] {
    if (!this.h) return g.map((v) => lr * v);
    return this.h.map((row) => lr * row.reduce((acc, v, j) => acc + v * g[j]!, 0));
  }
}

/** A party's weights after the arbiter's step: w − step, then L1's shrinkage (coefficients only). */
export function applyStep(w: readonly number[], step: readonly number[], coefCount: number, penalty: string, alpha: number, lr: number): number[] {
  const next = w.map((v, j) => v - step[j]!);
  if (penalty !== 'L1') return next;
  const shrink = alpha * lr;
  return next.map((v, j) => (j < coefCount ? Math.sign(v) * Math.max(0, Math.abs(v) - shrink) : v));
}

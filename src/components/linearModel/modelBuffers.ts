// The parts of a linear model's buffers that FATE's LR, LinR and Poisson protos share (LRModelMeta /
// LinRModelMeta / PoissonModelMeta, and the params' SingleModel fields): the optimizer's settings in
// the meta, and one fitted model (weights keyed by feature name) in the param. Each model adds its
// own keys after these (one-vs-rest, the exposure column, HomoLR's re-encryption).
import type { HeteroLogisticParam } from './params.js';
import type { BinaryFit } from './protocol.js';

type MetaParam = Pick<HeteroLogisticParam, 'penalty' | 'tol' | 'alpha' | 'optimizer' | 'batchSize' | 'learningRate' | 'maxIter' | 'earlyStop' | 'fitIntercept'>;

/** The meta's common fields, in FATE's order (int64 fields as strings, as proto JSON writes them). */
export function linearMeta(p: MetaParam): Record<string, unknown> {
  return {
    penalty: p.penalty,
    tol: p.tol,
    alpha: p.alpha,
    optimizer: p.optimizer,
    batchSize: String(p.batchSize),
    learningRate: p.learningRate,
    maxIter: String(p.maxIter),
    earlyStop: p.earlyStop,
    fitIntercept: p.fitIntercept,
  };
}

/** One fitted model: its weights by feature name (none at the arbiter, which holds no coefficients). */
export function fitParam(header: readonly string[], fit: BinaryFit): Record<string, unknown> {
  const weight: Record<string, number> = {};
  header.forEach((h, j) => (weight[h] = fit.coef[j] ?? 0));
  return {
    iters: fit.iters,
    lossHistory: fit.lossHistory,
    isConverged: fit.converged,
    weight: fit.coef.length === 0 ? {} : weight,
    intercept: fit.intercept,
    header: [...header],
    bestIteration: fit.bestIteration,
  };
}

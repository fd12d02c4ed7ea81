// Validation with early stopping keeps the model of the best validated iteration (FATE's
// ValidationStrategy best model): a fit's weights replaced by the validator's best ones.
import type { Validator } from '../validation/heteroValidation.js';
import type { BinaryFit } from './protocol.js';

/**
 * `hasIntercept`: the party's weights end with the intercept (the guest). The arbiter's best weights
 * are empty: only the iteration is kept.
 */
export function withBest(fit: BinaryFit, v: Validator, hasIntercept: boolean): BinaryFit {
  const b = v.best();
  if (!b) return fit;
  if (b.weights.length === 0) return { ...fit, bestIteration: b.iteration };
  const k = hasIntercept ? b.weights.length - 1 : b.weights.length;
  return { ...fit, coef: b.weights.slice(0, k), intercept: hasIntercept ? b.weights[k]! : 0, bestIteration: b.iteration };
}

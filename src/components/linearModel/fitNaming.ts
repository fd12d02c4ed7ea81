// Where one fit's metrics go, the same for every hetero linear model: the loss curve (FATE:
// `train`/`loss`; in cross-validation `train`/`loss.<fold>`, a curve per fold) and the prefix of its
// validation data sets (`fold_<k>.` in cross-validation).
import type { LossMetric } from './protocol.js';

export interface FitNaming {
  loss: LossMetric;
  dataSetPrefix: string;
}

/** A plain fit (no cross-validation). */
export const PLAIN_NAMING: FitNaming = { loss: { namespace: 'train', name: 'loss', curveName: 'loss' }, dataSetPrefix: '' };

/** The fit of cross-validation fold k. */
export const foldNaming = (fold: number): FitNaming => ({
  loss: { namespace: 'train', name: `loss.${fold}`, curveName: String(fold) },
  dataSetPrefix: `fold_${fold}.`,
});

// One row's linear part W·x and the logistic score, summed in the model's header order and in the
// same order as the offline predict (W_g·x_g, + intercept, + each host's W_h·x_h), so the online
// score is the same double the predict job writes.
import type { LinearPart } from './servingModel.js';
import { Status, ServingError } from './statusCodes.js';

export interface PartialScore {
  readonly score: number;
  /** Share of the model's features present in the row (FATE-Serving's input data hit rate). */
  readonly hitRate: number;
}

/**
 * W·x over the features the row has (a missing feature adds nothing, as in FATE-Serving). Values
 * may be numbers or numeric strings; anything else is refused with FEATURE_ERROR.
 */
export function linearPart(lr: LinearPart, row: Readonly<Record<string, unknown>>, who: string): PartialScore {
  let score = 0;
  let found = 0;
  const { header, weights } = lr;
  for (let i = 0; i < header.length; i++) {
    const raw = row[header[i]!];
    // Missing (absent, or NaN after DataIO) adds nothing, as in FATE-Serving.
    if (raw === undefined || raw === null || raw === '' || (typeof raw === 'number' && Number.isNaN(raw))) continue;
    const x = typeof raw === 'number' ? raw : typeof raw === 'string' ? Number(raw) : NaN;
    if (!Number.isFinite(x)) throw new ServingError(Status.FEATURE_ERROR, `${who} feature ${header[i]} is not a number: ${JSON.stringify(raw)}`);
    score += weights[i]! * x;
    found++;
  }
  return { score, hitRate: header.length === 0 ? 1 : found / header.length };
}

export function sigmoid(z: number): number {
  return 1 / (1 + Math.exp(-z));
}

// LinearParam / PoissonParam (FATE 1.4 federatedml/param/{linear,poisson}_regression_param.py): the
// LogisticParam fields (read by linearModel/params.ts, FATE 1.4's defaults for these two models: sgd,
// tol 1e-5, max_iter 100) plus Poisson's exposure_colname.
import { type HeteroLogisticParam, readParams } from '../linearModel/params.js';

export interface GlmParam extends HeteroLogisticParam {
  /** The module name, for error messages. */
  readonly who: string;
  /** Poisson: the guest's column holding each row's exposure (its log is the offset); null: none. */
  readonly exposureColname: string | null;
}

export function readGlmParams(raw: Readonly<Record<string, unknown>>, who: 'HeteroLinR' | 'HeteroPoisson'): GlmParam {
  const withDefaults = { optimizer: 'sgd', tol: 1e-5, max_iter: 100, ...raw };
  for (const key of ['optimizer', 'tol', 'max_iter'] as const) if (raw[key] === null) (withDefaults as Record<string, unknown>)[key] = undefined;
  const e = raw.exposure_colname;
  if (e !== undefined && e !== null && typeof e !== 'string') throw new Error(`${who}: exposure_colname must be a column name`);
  if (e && who !== 'HeteroPoisson') throw new Error(`${who}: exposure_colname is a HeteroPoisson parameter`);
  const common = readParams(withDefaults, who);
  if (common.optimizer === 'sqn') throw new Error(`${who}: optimizer sqn is only implemented for HeteroLR in fedflow`);
  return { ...common, who, exposureColname: typeof e === 'string' && e !== '' ? e : null };
}

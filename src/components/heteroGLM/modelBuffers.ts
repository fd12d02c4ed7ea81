// HeteroLinR / HeteroPoisson model buffers with FATE's schemas: LinRModelMeta / LinRModelParam
// (buffers HeteroLinearRegressionMeta / -Param) and PoissonModelMeta / PoissonModelParam (buffers
// HeteroPoissonRegressionMeta / -Param, whose meta names the exposure column).
import type { ModelBuffers } from '../contract.js';
import { fitParam, linearMeta } from '../linearModel/modelBuffers.js';
import type { BinaryFit } from '../linearModel/protocol.js';
import type { GlmParam } from './params.js';
import type { Family } from './protocol.js';

export const BUFFER_NAMES: Record<Family, { meta: string; param: string }> = {
  linr: { meta: 'HeteroLinearRegressionMeta', param: 'HeteroLinearRegressionParam' },
  poisson: { meta: 'HeteroPoissonRegressionMeta', param: 'HeteroPoissonRegressionParam' },
};

export function glmModelBuffers(f: Family, p: GlmParam, header: readonly string[], fit: BinaryFit): ModelBuffers {
  const meta = linearMeta(p);
  if (f === 'poisson') meta.exposureColname = p.exposureColname ?? '';
  const names = BUFFER_NAMES[f];
  return {
    [names.meta]: meta,
    [names.param]: fitParam(header, fit),
  };
}

/** The stored weights, in the order of the data's header (exposure column removed). */
export function storedGlm(f: Family, model: ModelBuffers, dataHeader: readonly string[]): { coef: number[]; intercept: number; exposureColname: string | null } {
  const names = BUFFER_NAMES[f];
  const param = model[names.param];
  if (!param) throw new Error(`the input model has no ${names.param}`);
  const weight = (param.weight ?? {}) as Record<string, unknown>;
  const header = Array.isArray(param.header) ? param.header.map(String) : Object.keys(weight);
  if (header.length !== dataHeader.length || header.some((h) => !dataHeader.includes(h))) {
    throw new Error(`predict data header [${dataHeader.join(', ')}] does not match the model header [${header.join(', ')}]`);
  }
  const coef = dataHeader.map((h) => {
    const w = weight[h];
    if (typeof w !== 'number') throw new Error(`the model has no weight for feature ${JSON.stringify(h)}`);
    return w;
  });
  const e = model[names.meta]?.exposureColname;
  return { coef, intercept: typeof param.intercept === 'number' ? param.intercept : 0, exposureColname: typeof e === 'string' && e !== '' ? e : null };
}

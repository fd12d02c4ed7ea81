// HeteroLR's model buffers with FATE's LRModelMeta / LRModelParam shape: weights keyed by feature
// name; a one-vs-rest model keeps one SingleModel per class in one_vs_rest_result (the guest names
// its classes; hosts and arbiter know only their count and name them 0..n-1, as FATE does).
import type { ModelBuffers } from '../contract.js';
import { fitParam, linearMeta } from '../linearModel/modelBuffers.js';
import type { BinaryFit } from '../linearModel/protocol.js';
import type { HeteroLogisticParam } from '../linearModel/params.js';

function meta(p: HeteroLogisticParam, ovr: boolean): Record<string, unknown> {
  return { ...linearMeta(p), needOneVsRest: ovr };
}

/** `classes` null: a binary model. */
export function lrModelBuffers(p: HeteroLogisticParam, header: readonly string[], fits: readonly BinaryFit[], classes: readonly (string | number)[] | null): ModelBuffers {
  if (classes === null) {
    return { HeteroLogisticRegressionMeta: meta(p, false), HeteroLogisticRegressionParam: { ...fitParam(header, fits[0]!), needOneVsRest: false } };
  }
  return {
    HeteroLogisticRegressionMeta: meta(p, true),
    HeteroLogisticRegressionParam: {
      header: [...header],
      needOneVsRest: true,
      oneVsRestResult: { completedModels: fits.map((f) => fitParam(header, f)), oneVsRestClasses: classes.map(String) },
      bestIteration: -1,
    },
  };
}

export interface StoredLRModels {
  /** Per model: coefficients in the order of the data's header. */
  coefs: number[][];
  intercepts: number[];
  /** One-vs-rest classes (numbers when they all parse, as FATE's load_model does), null for binary. */
  classes: number[] | null;
}

function weightsOf(src: Record<string, unknown>, dataHeader: readonly string[]): number[] {
  const weight = (src.weight ?? {}) as Record<string, unknown>;
  return dataHeader.map((h) => {
    const w = weight[h];
    if (typeof w !== 'number') throw new Error(`HeteroLR: the model has no weight for feature ${JSON.stringify(h)}`);
    return w;
  });
}

/** The weights of a stored HeteroLogisticRegressionParam, ordered by the data's header. */
export function storedLRModels(model: ModelBuffers, dataHeader: readonly string[]): StoredLRModels {
  const param = model.HeteroLogisticRegressionParam as Record<string, unknown> | undefined;
  if (!param) throw new Error('HeteroLR: the input model has no HeteroLogisticRegressionParam');
  const ovr = param.oneVsRestResult as { completedModels?: Record<string, unknown>[]; oneVsRestClasses?: string[] } | undefined;
  const header = Array.isArray(param.header) ? param.header.map(String) : Object.keys((param.weight ?? {}) as object);
  if (header.length !== dataHeader.length || header.some((h) => !dataHeader.includes(h))) {
    throw new Error(`HeteroLR: predict data header [${dataHeader.join(', ')}] does not match the model header [${header.join(', ')}]`);
  }
  if (param.needOneVsRest === true && ovr?.completedModels) {
    const classes = (ovr.oneVsRestClasses ?? []).map(Number);
    if (classes.length !== ovr.completedModels.length || classes.some((c) => Number.isNaN(c))) throw new Error('HeteroLR: the one-vs-rest model has no numeric class per model');
    return {
      coefs: ovr.completedModels.map((m) => weightsOf(m, dataHeader)),
      intercepts: ovr.completedModels.map((m) => (typeof m.intercept === 'number' ? m.intercept : 0)),
      classes,
    };
  }
  return { coefs: [weightsOf(param, dataHeader)], intercepts: [typeof param.intercept === 'number' ? param.intercept : 0], classes: null };
}

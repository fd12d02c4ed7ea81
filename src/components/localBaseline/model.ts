// LocalBaseline's model buffers as FATE 1.4.5 writes them (federatedml/local_baseline/local_baseline.py):
// buffer names LocalBaselineMeta / LocalBaselineParam, proto classes LRModelMeta / LRModelParam.
// Two classes: weight, intercept, iters, is_converged of sklearn's single model. More classes
// (one-vs-rest): one SingleModel per class in one_vs_rest_result.completed_models, the classes (as
// strings) in one_vs_rest_classes, need_one_vs_rest true. fedflow addition: binary labels other than
// 0/1 are kept in one_vs_rest_classes (FATE keeps them nowhere), so a predict job answers the same labels.
import type { ModelBuffers } from '../contract.js';

export interface ClassModel {
  readonly weights: number[];
  readonly intercept: number;
  readonly iterations: number;
  readonly converged: boolean;
}

export interface Fitted {
  readonly header: string[];
  /** Sorted class labels (sklearn's classes_). */
  readonly classes: number[];
  /** Two classes: one model, for classes[1]. More: one per class, in `classes` order. */
  readonly models: ClassModel[];
}

export interface MetaOptions {
  readonly penalty: string;
  readonly tol: number;
  readonly maxIter: number;
  readonly fitIntercept: boolean;
  readonly solver: string;
  readonly threshold: number;
}

const weightsOf = (header: readonly string[], w: readonly number[]) => Object.fromEntries(header.map((h, i) => [h, w[i]!]));

export function toModel(f: Fitted, o: MetaOptions): ModelBuffers {
  const ovr = f.classes.length > 2;
  // FATE reads n_iter_[0] for every class and is_converged = n_iter < max_iter.
  const iters = f.models[0]!.iterations;
  const single = (m: ClassModel) => ({
    iters, isConverged: m.converged, weight: weightsOf(f.header, m.weights), intercept: m.intercept, header: [...f.header], bestIteration: -1,
  });
  const binaryClasses = f.classes[0] === 0 && f.classes[1] === 1 ? [] : f.classes.map(String);
  return {
    LocalBaselineMeta: {
      penalty: o.penalty, tol: o.tol, fitIntercept: o.fitIntercept, optimizer: o.solver, needOneVsRest: ovr, maxIter: String(o.maxIter),
      predictParam: { threshold: o.threshold },
    },
    LocalBaselineParam: ovr
      ? { oneVsRestResult: { completedModels: f.models.map(single), oneVsRestClasses: f.classes.map(String) }, needOneVsRest: true, header: [...f.header] }
      : { ...single(f.models[0]!), needOneVsRest: false, oneVsRestResult: { completedModels: [], oneVsRestClasses: binaryClasses } },
  };
}

type Json = Record<string, any>;

function classModel(header: readonly string[], m: Json): ClassModel {
  const weight = (m.weight ?? {}) as Record<string, number>;
  return {
    weights: header.map((h) => Number(weight[h] ?? 0)),
    intercept: Number(m.intercept ?? 0),
    iterations: Number(m.iters ?? 0),
    converged: m.isConverged === true,
  };
}

/** A stored model (as the component wrote it, or decoded from the pipeline's protobuf). */
export function loadModel(model: ModelBuffers): { fitted: Fitted; threshold: number } {
  const param = model.LocalBaselineParam as Json | undefined;
  const meta = model.LocalBaselineMeta as Json | undefined;
  if (!param) throw new Error('LocalBaseline: input model has no LocalBaselineParam');
  const header: string[] = (param.header ?? []).map(String);
  const ovr = param.oneVsRestResult as Json | undefined;
  const classes: number[] = (ovr?.oneVsRestClasses ?? []).map(Number);
  const threshold = Number(meta?.predictParam?.threshold ?? 0.5);
  if (param.needOneVsRest === true) {
    const completed = (ovr?.completedModels ?? []) as Json[];
    if (completed.length !== classes.length || classes.length < 3) throw new Error('LocalBaseline: the one-vs-rest model lists no model per class');
    return { fitted: { header, classes, models: completed.map((m) => classModel(header, m)) }, threshold };
  }
  return { fitted: { header, classes: classes.length === 2 ? classes : [0, 1], models: [classModel(header, param)] }, threshold };
}

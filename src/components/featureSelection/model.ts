// The model buffers, FATE's FeatureSelectionMeta / FeatureSelectionParam (feature-selection-meta.proto,
// feature-selection-param.proto) as proto JSON: the filters and their settings; every filter's
// result (values judged by, columns before and after, and on the guest each host's by anonymous
// names); the final left columns; the columns ranked by filters passed; the input header.
// A predict job reads back only `header` and `finalLeftCols`, as FATE's load_model does.
import type { ModelBuffers } from '../contract.js';
import type { MetaEntry } from './filters/localFilter.js';
import type { FeatureSelectionParam } from './params.js';
import type { CompletedSelection } from './selectionState.js';

export const META_NAME = 'FeatureSelectionMeta';
export const PARAM_NAME = 'FeatureSelectionParam';

export interface FittedSelection {
  readonly param: FeatureSelectionParam;
  readonly completed: CompletedSelection;
  readonly metas: readonly MetaEntry[];
  /** Host party ids in role order (the guest's model names its hosts' columns by them). */
  readonly hostPartyIds: readonly string[];
}

export function exportModel({ param, completed, metas, hostPartyIds }: FittedSelection): ModelBuffers {
  const meta: Record<string, unknown> = {};
  for (const [fieldName, value] of metas) meta[fieldName] = value;
  const leftCols: Record<string, boolean> = {};
  for (const name of completed.allLeftNames) leftCols[name] = true;
  return {
    [META_NAME]: { ...meta, filterMethods: [...param.filterMethods], cols: [...completed.selectNames], needRun: param.needRun },
    [PARAM_NAME]: {
      results: completed.results,
      finalLeftCols: { originalCols: [...completed.selectNames], leftCols },
      colNames: completed.sortedColNames(),
      hostColNames: completed.hostSortedColNames().map((colNames, i) => ({ colNames, partyId: hostPartyIds[i] ?? '' })),
      header: [...completed.header],
    },
  };
}

export interface LoadedSelection {
  readonly header: readonly string[];
  /** The columns kept, in the model header's order. */
  readonly left: readonly string[];
}

export function loadModel(model: ModelBuffers): LoadedSelection {
  const param = model[PARAM_NAME];
  if (!param) throw new Error(`HeteroFeatureSelection: the input model has no ${PARAM_NAME} buffer (have ${Object.keys(model).join(', ') || 'none'})`);
  const header = Array.isArray(param.header) ? param.header.map(String) : [];
  const final = (param.finalLeftCols ?? param.final_left_cols) as { leftCols?: unknown; left_cols?: unknown } | undefined;
  const leftMap = final?.leftCols ?? final?.left_cols;
  const kept = new Set(leftMap && typeof leftMap === 'object' ? Object.keys(leftMap) : []);
  for (const name of kept) {
    if (!header.includes(name)) throw new Error(`HeteroFeatureSelection: the model keeps column ${name}, which is not in its header`);
  }
  return { header, left: header.filter((h) => kept.has(h)) };
}

/** Where the kept columns are in a data header (by name; the data may order them otherwise). */
export function keptIndexes(loaded: LoadedSelection, header: readonly string[]): number[] {
  return loaded.left.map((name) => {
    const at = header.indexOf(name);
    if (at < 0) throw new Error(`HeteroFeatureSelection: column ${name} kept by the model is not in the data header [${header.join(', ')}]`);
    return at;
  });
}

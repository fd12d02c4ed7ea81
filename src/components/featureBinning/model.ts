// The model buffers FeatureBinningMeta / FeatureBinningParam (FATE 1.4.5 feature-binning-meta.proto and
// feature-binning-param.proto), as proto JSON (lowerCamelCase). HeteroFeatureSelection reads
// `FeatureBinningParam.binningResult.binningResult[col].iv` and `hostResults[i].binningResult[...]`,
// so the shape is FATE's exactly. Loading accepts both what a component wrote and what the model store
// decodes (64-bit integers as strings, every field present).
import type { ModelBuffers } from '../contract.js';
import type { FeatureBinningParams } from './params.js';
import type { PartyResults } from './results.js';
import type { TransformSpec } from './transform.js';
import type { ColumnResult } from './woe.js';

export const META = 'FeatureBinningMeta';
export const PARAM = 'FeatureBinningParam';

function resultJson(r: PartyResults): Record<string, unknown> {
  const binningResult: Record<string, ColumnResult> = {};
  for (const [name, col] of r.columns) binningResult[name] = col;
  return { binningResult, role: r.role, partyId: r.partyId };
}

export function toModel(
  p: FeatureBinningParams,
  header: readonly string[],
  binNames: readonly string[],
  transformCols: readonly number[],
  own: PartyResults,
  hosts: readonly PartyResults[],
): ModelBuffers {
  return {
    [META]: {
      needRun: p.needRun,
      method: p.method,
      compressThres: p.compressThres,
      headSize: p.headSize,
      error: p.error,
      binNum: p.binNum,
      cols: [...binNames],
      adjustmentFactor: p.adjustmentFactor,
      localOnly: p.localOnly,
      transformParam: { transformCols: [...transformCols], transformType: p.transform.transformType ?? '' },
    },
    [PARAM]: {
      binningResult: resultJson(own),
      hostResults: hosts.map(resultJson),
      header: [...header],
    },
  };
}

export interface LoadedModel {
  readonly needRun: boolean;
  readonly header: string[];
  readonly transformType: 'bin_num' | 'woe' | null;
  readonly transformColumns: string[];
  readonly results: Map<string, ColumnResult>;
}

const nums = (v: unknown): number[] => (Array.isArray(v) ? v.map(Number) : []);

function columnOf(o: Record<string, unknown>): ColumnResult {
  return {
    woeArray: nums(o.woeArray),
    ivArray: nums(o.ivArray),
    eventCountArray: nums(o.eventCountArray),
    nonEventCountArray: nums(o.nonEventCountArray),
    eventRateArray: nums(o.eventRateArray),
    nonEventRateArray: nums(o.nonEventRateArray),
    splitPoints: nums(o.splitPoints),
    iv: Number(o.iv ?? 0),
    isWoeMonotonic: o.isWoeMonotonic !== false,
    binNums: Number(o.binNums ?? 0),
    binAnonymous: Array.isArray(o.binAnonymous) ? o.binAnonymous.map(String) : [],
  };
}

export function loadModel(model: ModelBuffers): LoadedModel {
  const meta = model[META] as Record<string, unknown> | undefined;
  const param = model[PARAM] as Record<string, unknown> | undefined;
  if (!meta || !param) throw new Error(`HeteroFeatureBinning: the input model has no ${META}/${PARAM} (has ${Object.keys(model).join(', ') || 'nothing'})`);
  const header = Array.isArray(param.header) ? param.header.map(String) : [];
  const tp = (meta.transformParam ?? {}) as Record<string, unknown>;
  const type = tp.transformType === 'bin_num' || tp.transformType === 'woe' ? tp.transformType : null;
  const transformColumns = nums(tp.transformCols).map((i) => {
    const name = header[i];
    if (name === undefined) throw new Error(`HeteroFeatureBinning: model transform column ${i} is outside its header (${header.length} columns)`);
    return name;
  });
  const own = ((param.binningResult ?? {}) as Record<string, unknown>).binningResult as Record<string, Record<string, unknown>> | undefined;
  const results = new Map<string, ColumnResult>();
  for (const [name, col] of Object.entries(own ?? {})) results.set(name, columnOf(col));
  return { needRun: meta.needRun !== false, header, transformType: type, transformColumns, results };
}

/** A stored model's transform at `role`: FATE's host leaves its data unchanged when asked for `woe`. */
export const storedTransform = (m: LoadedModel, role: string): TransformSpec => ({
  type: role === 'host' && m.transformType === 'woe' ? null : m.transformType,
  columns: m.transformColumns,
  results: m.results,
});

// Model buffers between the two forms fedflow uses: the JSON that components produce and read
// (proto JSON field names, lowerCamelCase) and the protobuf bytes a pipeline model stores (FATE's
// schemas, so FATE-Serving can read them). Buffer names are FATE's; several share one proto class.
import { BoostingTreeModelMeta } from '../gen/com/webank/ai/fate/core/mlmodel/buffer/boosting-tree-model-meta.js';
import { BoostingTreeModelParam } from '../gen/com/webank/ai/fate/core/mlmodel/buffer/boosting-tree-model-param.js';
import { DataIOMeta } from '../gen/com/webank/ai/fate/core/mlmodel/buffer/data-io-meta.js';
import { DataIOParam } from '../gen/com/webank/ai/fate/core/mlmodel/buffer/data-io-param.js';
import { FeatureSelectionMeta } from '../gen/com/webank/ai/fate/core/mlmodel/buffer/feature-selection-meta.js';
import { FeatureSelectionParam } from '../gen/com/webank/ai/fate/core/mlmodel/buffer/feature-selection-param.js';
import { LRModelMeta } from '../gen/com/webank/ai/fate/core/mlmodel/buffer/lr-model-meta.js';
import { LRModelParam } from '../gen/com/webank/ai/fate/core/mlmodel/buffer/lr-model-param.js';
import { LinRModelMeta } from '../gen/com/webank/ai/fate/core/mlmodel/buffer/linr-model-meta.js';
import { LinRModelParam } from '../gen/com/webank/ai/fate/core/mlmodel/buffer/linr-model-param.js';
import { PoissonModelMeta } from '../gen/com/webank/ai/fate/core/mlmodel/buffer/poisson-model-meta.js';
import { PoissonModelParam } from '../gen/com/webank/ai/fate/core/mlmodel/buffer/poisson-model-param.js';
import { Pipeline } from '../gen/com/webank/ai/fate/core/mlmodel/buffer/pipeline.js';
import { OneHotMeta } from '../gen/com/webank/ai/fate/core/mlmodel/buffer/onehot-meta.js';
import { OneHotParam } from '../gen/com/webank/ai/fate/core/mlmodel/buffer/onehot-param.js';
import { ScaleMeta } from '../gen/com/webank/ai/fate/core/mlmodel/buffer/feature-scale-meta.js';
import { ScaleParam } from '../gen/com/webank/ai/fate/core/mlmodel/buffer/feature-scale-param.js';
import { FeatureBinningMeta } from '../gen/com/webank/ai/fate/core/mlmodel/buffer/feature-binning-meta.js';
import { FeatureBinningParam } from '../gen/com/webank/ai/fate/core/mlmodel/buffer/feature-binning-param.js';

interface ProtoType {
  readonly protoClass: string;
  readonly fns: {
    fromJSON(object: unknown): unknown;
    encode(message: never): { finish(): Uint8Array };
    decode(input: Uint8Array): unknown;
  };
}

const type = (protoClass: string, fns: unknown): ProtoType => ({ protoClass, fns: fns as ProtoType['fns'] });

/** Buffer name → proto class. Buffers with other names have no schema here and are not stored. */
const BUFFER_TYPES: ReadonlyMap<string, ProtoType> = new Map([
  ['DataIOMeta', type('DataIOMeta', DataIOMeta)],
  ['DataIOParam', type('DataIOParam', DataIOParam)],
  ['HeteroLogisticRegressionMeta', type('LRModelMeta', LRModelMeta)],
  ['HeteroLogisticRegressionParam', type('LRModelParam', LRModelParam)],
  ['HomoLogisticRegressionMeta', type('LRModelMeta', LRModelMeta)],
  ['HomoLogisticRegressionParam', type('LRModelParam', LRModelParam)],
  ['LocalBaselineMeta', type('LRModelMeta', LRModelMeta)],
  ['LocalBaselineParam', type('LRModelParam', LRModelParam)],
  ['HeteroSecureBoostingTreeGuestMeta', type('BoostingTreeModelMeta', BoostingTreeModelMeta)],
  ['HeteroSecureBoostingTreeGuestParam', type('BoostingTreeModelParam', BoostingTreeModelParam)],
  ['HeteroSecureBoostingTreeHostMeta', type('BoostingTreeModelMeta', BoostingTreeModelMeta)],
  ['HeteroSecureBoostingTreeHostParam', type('BoostingTreeModelParam', BoostingTreeModelParam)],
  ['HeteroLinearRegressionMeta', type('LinRModelMeta', LinRModelMeta)],
  ['HeteroLinearRegressionParam', type('LinRModelParam', LinRModelParam)],
  ['HeteroPoissonRegressionMeta', type('PoissonModelMeta', PoissonModelMeta)],
  ['HeteroPoissonRegressionParam', type('PoissonModelParam', PoissonModelParam)],
  ['ScaleMeta', type('ScaleMeta', ScaleMeta)],
  ['ScaleParam', type('ScaleParam', ScaleParam)],
  ['FeatureBinningMeta', type('FeatureBinningMeta', FeatureBinningMeta)],
  ['FeatureBinningParam', type('FeatureBinningParam', FeatureBinningParam)],
  ['FeatureSelectionMeta', type('FeatureSelectionMeta', FeatureSelectionMeta)],
  ['FeatureSelectionParam', type('FeatureSelectionParam', FeatureSelectionParam)],
  ['Pipeline', type('Pipeline', Pipeline)],
  ['OneHotMeta', type('OneHotMeta', OneHotMeta)],
  ['OneHotParam', type('OneHotParam', OneHotParam)],
]);

export const storableBufferNames = (): string[] => [...BUFFER_TYPES.keys()];

/** FATE's proto class of a buffer name (`LRModelParam` for `HeteroLogisticRegressionParam`), if known. */
export const protoClassOf = (bufferName: string): string | undefined => BUFFER_TYPES.get(bufferName)?.protoClass;

function typeOf(bufferName: string): ProtoType {
  const t = BUFFER_TYPES.get(bufferName);
  if (!t) throw new Error(`model buffer ${bufferName} has no protobuf schema in this version of fedflow`);
  return t;
}

/** A component's JSON buffer as protobuf bytes (unknown JSON keys are dropped, as proto3 JSON parsing does). */
export function encodeBuffer(bufferName: string, json: Readonly<Record<string, unknown>>): Uint8Array {
  const t = typeOf(bufferName);
  return t.fns.encode(t.fns.fromJSON(json) as never).finish();
}

/**
 * Stored bytes back to JSON with every field present (defaults included), lowerCamelCase names,
 * 64-bit integers as strings and bytes as base64: protobuf's JSON mapping as contract 5.16 uses it.
 */
export function decodeBuffer(bufferName: string, bytes: Uint8Array): Record<string, unknown> {
  return plainJson(typeOf(bufferName).fns.decode(bytes)) as Record<string, unknown>;
}

function plainJson(value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  if (Array.isArray(value)) return value.map(plainJson);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = plainJson(v);
    return out;
  }
  return value;
}

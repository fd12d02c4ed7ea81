// A party's model as serving uses it, decoded from the buffers flow's /v1/model/transfer returns
// ("<component>.<alias>:<BufferName>" → base64 protobuf). The inference DSL in the Pipeline buffer
// says which component is which: components are found by module, never by name.
import { DataIOParam } from '../gen/com/webank/ai/fate/core/mlmodel/buffer/data-io-param.js';
import { LRModelParam } from '../gen/com/webank/ai/fate/core/mlmodel/buffer/lr-model-param.js';
import { Pipeline } from '../gen/com/webank/ai/fate/core/mlmodel/buffer/pipeline.js';
import { readStoredBoosting, type StoredBoosting } from '../components/heteroSecureBoost/storedModel.js';
import { decodeBuffer, protoClassOf } from '../models/bufferCodec.js';
import { buildFeaturePipeline, TRANSFORM_MODULES, type FeaturePipeline } from './featurePipeline.js';
import { Status, ServingError } from './statusCodes.js';

/** Transfer data: buffer key → base64 of the protobuf bytes. */
export type ModelBuffers = Readonly<Record<string, string>>;

export interface LinearPart {
  readonly component: string;
  /** Feature names in the model's order. */
  readonly header: readonly string[];
  /** weights[i] is the weight of header[i]. */
  readonly weights: Float64Array;
  /** 0 on hosts. */
  readonly intercept: number;
}

/** A HeteroSecureBoost model: this party's trees (weights at the guest, thresholds of its own splits). */
export interface TreePart {
  readonly component: string;
  readonly model: StoredBoosting;
  /** Feature names the party's own splits read, for the answer's hit rate. */
  readonly header: readonly string[];
  /** The host's split nodes of this model, (tree, node) in tree then node order: the order of a host's directions. */
  readonly hostNodes: ReadonlyMap<string, readonly HostNode[]>;
  /** site → "tree:node" → index in hostNodes. */
  readonly hostNodeIndex: ReadonlyMap<string, ReadonlyMap<string, number>>;
}

export interface HostNode {
  readonly tree: number;
  readonly node: number;
}

export interface ServingModel {
  /** From the Pipeline buffer (the job's model_id / model_version). */
  readonly modelId: string;
  readonly modelVersion: string;
  readonly dataIo: { readonly component: string; readonly header: readonly string[]; readonly sidName: string; readonly labelName: string };
  /** DataIO and the feature components before the model, replayed on each row. */
  readonly features: FeaturePipeline;
  /** HeteroLR models. */
  readonly lr?: LinearPart;
  /** HeteroSecureBoost models. */
  readonly sbt?: TreePart;
}

/** The model component's name and feature names, whichever family it is. */
export const modelComponentOf = (m: ServingModel): { component: string; features: readonly string[] } =>
  m.lr ? { component: m.lr.component, features: m.lr.header } : { component: m.sbt!.component, features: m.sbt!.header };

export const PIPELINE_KEY = 'pipeline.pipeline:Pipeline';
/** Modules that do nothing to one row online (FATE-Serving skips them too). */
const PASS_THROUGH = new Set(['Intersection', 'Evaluation', 'Reader']);
const LR_MODULES = new Set(['HeteroLR']);
const SBT_MODULES = new Set(['HeteroSecureBoost']);
const SUPPORTED = 'DataIO, Intersection, FeatureScale, HeteroFeatureBinning, OneHotEncoder, HeteroFeatureSelection and one HeteroLR or HeteroSecureBoost';

const fail = (message: string): never => {
  throw new ServingError(Status.LOAD_MODEL_ERROR, message);
};

interface DslComponent {
  readonly module?: string;
  readonly input?: { readonly data?: Record<string, readonly string[]> };
}

/** Decodes and checks a hetero LR or SecureBoost model of `role`; throws ServingError(107) saying what is wrong. */
export function decodeServingModel(buffers: ModelBuffers, role = 'guest'): ServingModel {
  const pipelineB64 = buffers[PIPELINE_KEY];
  if (pipelineB64 === undefined) fail(`the model has no ${PIPELINE_KEY} buffer`);
  const pipeline = decode(Pipeline, PIPELINE_KEY, pipelineB64!);
  let dsl: { components?: Record<string, DslComponent> };
  try {
    dsl = JSON.parse(Buffer.from(pipeline.inferenceDsl).toString('utf8'));
  } catch (err) {
    return fail(`the Pipeline's inference_dsl is not JSON: ${(err as Error).message}`);
  }
  const components = Object.entries(dsl?.components ?? {});
  if (components.length === 0) fail("the Pipeline's inference_dsl has no components");

  let dataIoName: string | undefined;
  let lrName: string | undefined;
  let sbtName: string | undefined;
  for (const [name, c] of components) {
    const module = c?.module ?? '';
    if (module === 'DataIO') dataIoName ??= name;
    else if (LR_MODULES.has(module) && !sbtName) lrName ??= name;
    else if (SBT_MODULES.has(module) && !lrName) sbtName ??= name;
    else if (!PASS_THROUGH.has(module) && !TRANSFORM_MODULES.has(module)) fail(`component ${name} (${module || 'no module'}) cannot be served online; fedflow serving supports ${SUPPORTED}`);
  }
  if (!dataIoName) return fail('the inference DSL has no DataIO component');
  const modelName = sbtName ?? lrName;
  if (!modelName) return fail('the inference DSL has no HeteroLR or HeteroSecureBoost component');

  const chain = chainTo(Object.fromEntries(components), modelName, dataIoName);
  const features = buildFeaturePipeline(dataIoName, chain.filter((c) => TRANSFORM_MODULES.has(c.module)), (c) => componentBuffers(buffers, c), role);
  const dataIoParam = decode(DataIOParam, `${dataIoName}:DataIOParam`, bufferOf(buffers, dataIoName, 'DataIOParam'));
  const dataIo = { component: dataIoName, header: dataIoParam.header, sidName: dataIoParam.sidName, labelName: dataIoParam.labelName };
  const common = { modelId: pipeline.modelId, modelVersion: pipeline.modelVersion, dataIo, features };
  if (sbtName) {
    const sbt = treePart(buffers, sbtName, role);
    requireColumns(features, sbt.header, sbtName);
    return { ...common, sbt };
  }
  const lrParam = decode(LRModelParam, `${lrName}:HeteroLogisticRegressionParam`, bufferOf(buffers, lrName!, 'HeteroLogisticRegressionParam'));
  if (lrParam.needOneVsRest) fail(`${lrName} is a one-vs-rest model; fedflow serving scores binary models only (FATE-Serving's HeteroLR too)`);

  const header = lrParam.header.length > 0 ? lrParam.header : features.header.filter((h) => h in lrParam.weight);
  const weights = new Float64Array(header.length);
  header.forEach((name, i) => {
    const w = lrParam.weight[name];
    if (typeof w !== 'number' || !Number.isFinite(w)) fail(`${lrName} has no weight for feature ${name}`);
    weights[i] = w!;
  });
  if (!Number.isFinite(lrParam.intercept)) fail(`${lrName} has a non-finite intercept`);
  requireColumns(features, header, lrName!);
  return { ...common, lr: { component: lrName!, header, weights, intercept: lrParam.intercept } };
}

/**
 * The components the model's data flows through, DataIO excluded, in data order: followed back from
 * the model along each component's first data input (the inference DSL's `input.data`). A DSL
 * without data inputs (hand-written) is taken in its listed order.
 */
function chainTo(dsl: Readonly<Record<string, DslComponent>>, modelName: string, dataIoName: string): { name: string; module: string }[] {
  const chain: { name: string; module: string }[] = [];
  const seen = new Set<string>();
  let at = modelName;
  for (;;) {
    const refs = Object.values(dsl[at]?.input?.data ?? {}).flat();
    if (refs.length === 0) return Object.entries(dsl).map(([name, c]) => ({ name, module: c?.module ?? '' }));
    const from = refs.map((r) => String(r).split('.')[0]!).find((name) => name in dsl);
    if (from === undefined) return fail(`the inference DSL's data path from ${modelName} does not reach ${dataIoName}`);
    if (from === dataIoName) return chain.reverse();
    if (seen.has(from)) return fail(`the inference DSL's data path from ${modelName} has a cycle at ${from}`);
    seen.add(from);
    chain.push({ name: from, module: dsl[from]?.module ?? '' });
    at = from;
  }
}

/** The model's features must be columns of the row the feature components hand it. */
function requireColumns(features: FeaturePipeline, wanted: readonly string[], component: string): void {
  const have = new Set(features.header);
  const missing = wanted.filter((h) => !have.has(h));
  if (missing.length > 0) fail(`${component} reads ${missing.join(', ')}, which the components before it do not produce (they give ${features.header.join(', ')})`);
}

/** A component's buffers as the JSON the batch components read; undefined when it stored none. */
function componentBuffers(buffers: ModelBuffers, component: string): Record<string, Record<string, unknown>> | undefined {
  const prefix = `${component}.`;
  const out: Record<string, Record<string, unknown>> = {};
  for (const [key, b64] of Object.entries(buffers)) {
    if (!key.startsWith(prefix)) continue;
    const name = key.slice(key.indexOf(':') + 1);
    if (protoClassOf(name) === undefined) continue;
    try {
      out[name] = decodeBuffer(name, Buffer.from(b64, 'base64'));
    } catch (err) {
      return fail(`buffer ${component}:${name} is not a valid protobuf: ${(err as Error).message}`);
    }
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

function treePart(buffers: ModelBuffers, component: string, role: string): TreePart {
  const side = role === 'guest' ? 'Guest' : 'Host';
  const names = [`HeteroSecureBoostingTree${side}Meta`, `HeteroSecureBoostingTree${side}Param`];
  const json = Object.fromEntries(names.map((name) => {
    const b64 = bufferOf(buffers, component, name);
    try {
      return [name, decodeBuffer(name, Buffer.from(b64, 'base64'))];
    } catch (err) {
      return fail(`buffer ${component}:${name} is not a valid protobuf: ${(err as Error).message}`);
    }
  }));
  let model: StoredBoosting;
  try {
    model = readStoredBoosting(json, role);
  } catch (err) {
    return fail(`${component}: ${(err as Error).message}`);
  }
  const hostNodes = new Map<string, HostNode[]>();
  model.trees.forEach((tree, t) => {
    for (const n of tree.nodes) {
      if (n.isLeaf || !n.sitename.startsWith('host:')) continue;
      let list = hostNodes.get(n.sitename);
      if (!list) hostNodes.set(n.sitename, (list = []));
      list.push({ tree: t, node: n.id });
    }
  });
  const hostNodeIndex = new Map([...hostNodes].map(([site, list]) => [site, new Map(list.map((n, i) => [`${n.tree}:${n.node}`, i]))]));
  return { component, model, header: [...model.featureNames.values()], hostNodes, hostNodeIndex };
}

/** The buffer `<component>.<any alias>:<bufferName>` (FATE's aliases vary by module). */
function bufferOf(buffers: ModelBuffers, component: string, bufferName: string): string {
  const prefix = `${component}.`;
  const suffix = `:${bufferName}`;
  for (const key of Object.keys(buffers)) if (key.startsWith(prefix) && key.endsWith(suffix)) return buffers[key]!;
  return fail(`the model has no ${bufferName} buffer for component ${component}`);
}

function decode<T>(type: { decode(bytes: Uint8Array): T }, what: string, base64: string): T {
  if (typeof base64 !== 'string') return fail(`buffer ${what} is not a base64 string`);
  try {
    return type.decode(Buffer.from(base64, 'base64'));
  } catch (err) {
    return fail(`buffer ${what} is not a valid protobuf: ${(err as Error).message}`);
  }
}

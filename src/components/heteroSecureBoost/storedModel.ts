// A trained HeteroSecureBoost model read back from its buffers (BoostingTreeModelMeta/Param as JSON:
// straight from the training component, or decoded from the stored protobuf, where maps have string
// keys and absent fields their defaults). Used by predict jobs and by online serving. A party reads
// only its own buffers: the guest's hold every weight but no host threshold, a host's hold its own
// thresholds (split_maskdict) and no weight.
import type { ModelBuffers } from '../contract.js';
import { isObjectiveName, OBJECTIVE_NAMES } from './objective.js';

export interface StoredNode {
  readonly id: number;
  readonly sitename: string;
  readonly fid: number;
  readonly weight: number;
  readonly isLeaf: boolean;
  readonly left: number;
  readonly right: number;
}

export interface StoredTree {
  readonly nodes: readonly StoredNode[];
  /** Node id → threshold of this party's own splits (x ≤ threshold goes left). */
  readonly thresholds: ReadonlyMap<number, number>;
  /** Node id → where a missing value goes at this party's own splits (1 right, −1 left; FATE's missing_dir). */
  readonly missingDirs: ReadonlyMap<number, number>;
}

export interface StoredBoosting {
  readonly trees: readonly StoredTree[];
  readonly initScore: readonly number[];
  readonly treeDim: number;
  readonly numClasses: number;
  readonly classes: readonly string[];
  readonly learningRate: number;
  readonly taskType: string;
  readonly objective: string;
  readonly useMissing: boolean;
  readonly zeroAsMissing: boolean;
  /** fid → feature name (the party's own header at training). */
  readonly featureNames: ReadonlyMap<number, string>;
}

type Json = Record<string, unknown>;

function fail(message: string): never {
  throw new Error(`HeteroSecureBoost: ${message}`);
}

const obj = (v: unknown): Json => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : {});
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const num = (v: unknown, fallback = 0): number => (typeof v === 'number' ? v : typeof v === 'string' && v !== '' ? Number(v) : fallback);

function numberMap(v: unknown): Map<number, number> {
  return new Map(Object.entries(obj(v)).map(([k, x]) => [Number(k), num(x)]));
}

/** The buffers of `role` ('guest' or 'host'), checked enough that prediction cannot walk off a tree. */
export function readStoredBoosting(model: ModelBuffers, role: string): StoredBoosting {
  const side = role === 'guest' ? 'Guest' : 'Host';
  const meta = model[`HeteroSecureBoostingTree${side}Meta`];
  const param = model[`HeteroSecureBoostingTree${side}Param`];
  if (!meta || !param) fail(`the input model has no HeteroSecureBoostingTree${side}Meta/Param (is it a HeteroSecureBoost model of this ${role}?)`);
  const trees = arr(param.trees ?? param.trees_).map((t, k): StoredTree => {
    const tree = obj(t);
    const nodes = arr(tree.tree ?? tree.tree_).map((n): StoredNode => {
      const x = obj(n);
      return {
        id: num(x.id), sitename: String(x.sitename ?? ''), fid: num(x.fid), weight: num(x.weight), isLeaf: x.isLeaf === true,
        left: num(x.leftNodeid), right: num(x.rightNodeid),
      };
    });
    nodes.forEach((n, i) => {
      if (n.id !== i) fail(`tree ${k} of the model: node ${i} has id ${n.id}`);
      if (!n.isLeaf && !(nodes[n.left] && nodes[n.right] && n.left > i && n.right > i)) fail(`tree ${k} of the model: node ${i} has no valid children`);
    });
    if (nodes.length === 0) fail(`tree ${k} of the model has no node`);
    return { nodes, thresholds: numberMap(tree.splitMaskdict), missingDirs: numberMap(tree.missingDirMaskdict) };
  });
  const treeMeta = obj(meta.treeMeta);
  // A buffer without objective_meta decodes to '' (proto3 default): the task type's default objective.
  const taskType = String(meta.taskType || 'classification');
  const objective = String(obj(meta.objectiveMeta).objective || (taskType === 'regression' ? 'lse' : 'cross_entropy'));
  if (!isObjectiveName(objective)) fail(`the model's objective ${JSON.stringify(objective)} is not one fedflow knows (${OBJECTIVE_NAMES.join(', ')})`);
  const treeDim = Math.max(1, num(param.treeDim, 1));
  if (trees.length % treeDim !== 0) fail(`the model has ${trees.length} trees, not a multiple of tree_dim ${treeDim}`);
  const initScore = arr(param.initScore).map((x) => num(x));
  if (role === 'guest' && initScore.length !== treeDim) fail(`the model has ${initScore.length} init scores for tree_dim ${treeDim}`);
  return {
    trees,
    initScore,
    treeDim,
    numClasses: num(param.numClasses, 0),
    classes: arr(param.classes ?? param.classes_).map(String),
    learningRate: num(meta.learningRate, 0.3),
    taskType,
    objective,
    useMissing: meta.useMissing === true || treeMeta.useMissing === true,
    zeroAsMissing: meta.zeroAsMissing === true || treeMeta.zeroAsMissing === true,
    featureNames: new Map(Object.entries(obj(param.featureNameFidMapping)).map(([k, name]) => [Number(k), String(name)])),
  };
}

/**
 * Column of each fid in `header` (the predict data's), by the feature names the model was trained with;
 * a model without names (older buffers) uses the fids as columns.
 */
export function columnsOf(model: StoredBoosting, header: readonly string[]): Map<number, number> {
  const out = new Map<number, number>();
  if (model.featureNames.size === 0) {
    header.forEach((_, i) => out.set(i, i));
    return out;
  }
  for (const [fid, name] of model.featureNames) {
    const col = header.indexOf(name);
    if (col < 0) fail(`the predict data has no feature ${JSON.stringify(name)} the model was trained with (header: [${header.join(', ')}])`);
    out.set(fid, col);
  }
  return out;
}

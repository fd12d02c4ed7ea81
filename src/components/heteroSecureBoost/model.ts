// The model buffers as FATE names them (HeteroSecureBoostingTree{Guest,Host}{Meta,Param}: messages
// BoostingTreeModelMeta / BoostingTreeModelParam of boosting-tree-model-{meta,param}.proto), as
// proto-JSON (camelCase field names; `trees_`, `tree_`, `classes_` lose their trailing underscore).
import type { BoostingTreeParam } from './params.js';

/** NodeParam of one tree node. */
export interface NodeParam {
  id: number;
  sitename: string;
  fid: number;
  bid: number;
  weight: number;
  isLeaf: boolean;
  leftNodeid: number;
  rightNodeid: number;
  missingDir: number;
}

/** DecisionTreeModelParam. */
export interface TreeParam {
  tree: NodeParam[];
  leafCount: Record<string, number>;
  /** Node id → threshold, only for the nodes this party split (a party's own secret). */
  splitMaskdict: Record<string, number>;
  missingDirMaskdict: Record<string, number>;
}

/** FeatureImportanceInfo. */
export interface FeatureImportance {
  sitename: string;
  fid: number;
  importance: number;
  fullname: string;
  importance2: number;
  main: string;
}

export function metaOf(p: BoostingTreeParam): Record<string, unknown> {
  return {
    treeMeta: {
      criterionMeta: { criterionMethod: 'xgboost', criterionParam: [p.regLambda, p.regAlpha] },
      maxDepth: p.maxDepth,
      minSampleSplit: p.minSampleSplit,
      minImpuritySplit: p.minImpuritySplit,
      minLeafNode: p.minLeafNode,
      useMissing: p.useMissing,
      zeroAsMissing: p.zeroAsMissing,
    },
    learningRate: p.learningRate,
    numTrees: p.numTrees,
    quantileMeta: { quantileMethod: 'quantile', binNum: p.binNum },
    objectiveMeta: { objective: p.objective, param: [...p.objectiveParams] },
    taskType: p.taskType,
    nIterNoChange: p.nIterNoChange,
    tol: p.tol,
    useMissing: p.useMissing,
    zeroAsMissing: p.zeroAsMissing,
    module: 'HeteroSecureBoost',
  };
}

/** Split counts and gains per (site, feature), sorted as FATE shows them (main value descending). */
export class ImportanceCounter {
  private readonly byKey = new Map<string, FeatureImportance>();
  constructor(private readonly type: 'split' | 'gain') {}

  add(site: string, fid: number, fullname: string, gain: number): void {
    const key = `${site}#${fid}`;
    const cur = this.byKey.get(key) ?? { sitename: site, fid, importance: 0, fullname, importance2: 0, main: this.type };
    if (this.type === 'split') {
      cur.importance += 1;
      cur.importance2 += gain;
    } else {
      cur.importance += gain;
      cur.importance2 += 1;
    }
    this.byKey.set(key, cur);
  }

  list(): FeatureImportance[] {
    return [...this.byKey.values()].sort((a, b) => b.importance - a.importance || a.sitename.localeCompare(b.sitename) || a.fid - b.fid);
  }
}

export function fidMapping(header: readonly string[]): Record<string, string> {
  return Object.fromEntries(header.map((name, fid) => [String(fid), name]));
}

// Walking stored trees, shared by predict jobs and online serving. Each party decides only its own
// split nodes: a host turns its rows into one left/right bit per (tree, own node) — FATE's
// predict_data_by_host answers for every row at once, in one round trip, so the host never learns
// where a row is in a tree — and the guest walks every tree with its own nodes and those bits.
import type { StoredBoosting } from './storedModel.js';

/**
 * Where a value goes at a split: x ≤ threshold left. A missing value (NaN; 0 too with use_missing and
 * zero_as_missing) goes by the node's learned direction, right by default (FATE's missing_dir 1).
 */
export function goesLeft(x: number | undefined, threshold: number, missingDir: number | undefined, useMissing: boolean, zeroAsMissing: boolean): boolean {
  const missing = x === undefined || Number.isNaN(x) || (useMissing && zeroAsMissing && x === 0);
  if (!missing) return x <= threshold;
  return (missingDir ?? 1) !== 1;
}

/** Key of one split node in a party's directions. */
export const nodeKey = (tree: number, node: number): string => `${tree}:${node}`;

/**
 * A party's directions for its own split nodes: per (tree, node), one byte per row (1 = left).
 * `feature(row, fid)` reads a row's value of the party's own feature `fid`.
 */
export function ownDirections(model: StoredBoosting, site: string, rowCount: number, feature: (row: number, fid: number) => number | undefined): Map<string, Uint8Array> {
  const out = new Map<string, Uint8Array>();
  model.trees.forEach((tree, t) => {
    for (const node of tree.nodes) {
      if (node.isLeaf || node.sitename !== site) continue;
      const threshold = tree.thresholds.get(node.id);
      if (threshold === undefined) throw new Error(`HeteroSecureBoost: tree ${t} node ${node.id} is ${site}'s split, but its model has no threshold for it`);
      const missingDir = tree.missingDirs.get(node.id);
      const left = new Uint8Array(rowCount);
      for (let r = 0; r < rowCount; r++) left[r] = goesLeft(feature(r, node.fid), threshold, missingDir, model.useMissing, model.zeroAsMissing) ? 1 : 0;
      out.set(nodeKey(t, node.id), left);
    }
  });
  return out;
}

/**
 * The raw scores (one per tree dimension) of one row: init score plus learning rate × leaf weight of
 * every tree, round by round, in the order training adds them (so the sums are the same numbers).
 * `left(site, tree, node)` answers for a split of `site`.
 */
export function rawScores(model: StoredBoosting, left: (site: string, tree: number, node: number) => boolean): number[] {
  const f = [...model.initScore];
  model.trees.forEach((tree, t) => {
    let n = tree.nodes[0]!;
    while (!n.isLeaf) n = tree.nodes[left(n.sitename, t, n.id) ? n.left : n.right]!;
    const dim = t % model.treeDim;
    f[dim] = f[dim]! + model.learningRate * n.weight;
  });
  return f;
}

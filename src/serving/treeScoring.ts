// One row through a HeteroSecureBoost model online, the same walk as a predict job
// (components/heteroSecureBoost/treeWalk.ts): a host turns its row into one direction byte per own
// split node, the guest walks the trees with its own features and those bytes, and the prediction
// comes from the same function the predict job uses, so online = offline to the last bit.
import { predictionOf, type Prediction } from '../components/heteroSecureBoost/predictResult.js';
import { goesLeft, rawScores } from '../components/heteroSecureBoost/treeWalk.js';
import type { TreePart } from './servingModel.js';
import { Status, ServingError } from './statusCodes.js';

/** A feature value of a request row: a number, a numeric string, or missing (NaN). */
function valueOf(row: Readonly<Record<string, unknown>>, name: string, who: string): number {
  const raw = row[name];
  if (raw === undefined || raw === null || raw === '') return Number.NaN;
  if (typeof raw === 'number' && Number.isNaN(raw)) return raw; // missing after DataIO, as in a predict job
  const x = typeof raw === 'number' ? raw : typeof raw === 'string' ? Number(raw) : Number.NaN;
  if (!Number.isFinite(x)) throw new ServingError(Status.FEATURE_ERROR, `${who} feature ${name} is not a number: ${JSON.stringify(raw)}`);
  return x;
}

/** Whether the row goes left at `site`'s own split (tree, node). */
function ownLeft(part: TreePart, tree: number, node: number, row: Readonly<Record<string, unknown>>, who: string): boolean {
  const t = part.model.trees[tree]!;
  const n = t.nodes[node]!;
  const threshold = t.thresholds.get(node);
  if (threshold === undefined) throw new ServingError(Status.LOAD_MODEL_ERROR, `${part.component}: tree ${tree} node ${node} has no threshold in this party's model`);
  const name = part.model.featureNames.get(n.fid) ?? String(n.fid);
  return goesLeft(valueOf(row, name, who), threshold, t.missingDirs.get(node), part.model.useMissing, part.model.zeroAsMissing);
}

/** A host's answer: one byte per own split node, in its model's (tree, node) order. */
export function hostDirections(part: TreePart, site: string, row: Readonly<Record<string, unknown>>): Buffer {
  const own = part.hostNodes.get(site) ?? [];
  const out = Buffer.alloc(own.length);
  own.forEach(({ tree, node }, i) => {
    out[i] = ownLeft(part, tree, node, row, 'host') ? 1 : 0;
  });
  return out;
}

/** The guest's prediction of one row from its features and each host's directions (by site). */
export function guestPrediction(part: TreePart, self: string, row: Readonly<Record<string, unknown>>, hosts: ReadonlyMap<string, Uint8Array>, threshold = 0.5): Prediction {
  for (const [site, nodes] of part.hostNodes) {
    const bits = hosts.get(site);
    if (!bits || bits.length !== nodes.length) {
      throw new ServingError(Status.SYSTEM_ERROR, `${site} answered ${bits?.length ?? 0} split directions, its model has ${nodes.length} split nodes`);
    }
  }
  const f = rawScores(part.model, (site, tree, node) => {
    if (site === self) return ownLeft(part, tree, node, row, 'guest');
    const index = part.hostNodeIndex.get(site)?.get(`${tree}:${node}`);
    if (index === undefined) throw new ServingError(Status.SYSTEM_ERROR, `no direction of ${site} for tree ${tree} node ${node}`);
    return hosts.get(site)![index] === 1;
  });
  return predictionOf(part.model, f, threshold);
}

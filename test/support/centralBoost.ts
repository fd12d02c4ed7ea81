// A plaintext, central SecureBoost trainer for the lossless tests: the joined table in one place, the
// same binning (binFeatures per party's columns), the same criterion, targets, feature sampling and
// node order as the federated protocol. Two things mirror the protocol on purpose, because they are
// part of its arithmetic: a host's candidate gains are computed from fixed-point sums (Σ round(g·2^24)
// / 2^24, exactly what the guest decrypts), and ties go to the guest, then to the hosts in order.
// Leaf weights use the exact sums, as the guest does.
import type { DataTable, Instance } from '../../src/tableData/dataTable.js';
import { binFeatures, type FeatureBins, MISSING_BIN } from '../../src/components/heteroSecureBoost/binning.js';
import { boostingTarget } from '../../src/components/heteroSecureBoost/boostingTarget.js';
import { nodeWeight, splitGain } from '../../src/components/heteroSecureBoost/criterion.js';
import { sampleFeatures } from '../../src/components/heteroSecureBoost/featureSampling.js';
import { GH_PRECISION_BITS } from '../../src/components/heteroSecureBoost/ghPacking.js';
import { objectiveOf } from '../../src/components/heteroSecureBoost/objective.js';
import { readParams } from '../../src/components/heteroSecureBoost/params.js';
import { seededRandom } from '../../src/components/linearModel/params.js';

export interface CentralNode {
  id: number;
  isLeaf: boolean;
  /** Index of the party (0 = guest, 1.. = hosts in order), −1 for a leaf. */
  party: number;
  fid: number;
  threshold: number;
  missingDir: 1 | -1;
  weight: number;
  left: number;
  right: number;
}

export interface CentralModel {
  trees: CentralNode[][];
  treeDim: number;
  /** Raw scores, row-major [i·treeDim + k]. */
  scores: Float64Array;
  losses: number[];
}

const SCALE = 2 ** GH_PRECISION_BITS;

export function centralBoost(params: Record<string, unknown>, guest: DataTable<Instance>, hosts: readonly DataTable<Instance>[]): CentralModel {
  const p = readParams(params);
  const n = guest.rows.length;
  const labels = guest.rows.map(([, i]) => i.label!);
  const parties = [guest, ...hosts].map((t) => binFeatures(t.rows.map(([, i]) => i.features), t.schema.header.length, p.binNum, p));
  const rands = parties.map((_, k) => seededRandom(p.randomSeed === null ? null : p.randomSeed + (k === 0 ? 0 : 1)));
  const target = boostingTarget(p, objectiveOf(p.objective, p.objectiveParams), labels);
  const dim = target.treeDim;
  const scores = new Float64Array(n * dim);
  for (let i = 0; i < n; i++) for (let k = 0; k < dim; k++) scores[i * dim + k] = target.initScore[k]!;
  const trees: CentralNode[][] = [];
  const losses: number[] = [];
  for (let round = 0; round < p.numTrees; round++) {
    const gh = target.gradHess(scores);
    for (let k = 0; k < dim; k++) {
      const { g, h } = gh[k]!;
      const features = parties.map((b, j) => sampleFeatures(b.splitPoints.length, p.subsampleFeatureRate, rands[j]!));
      const { nodes, leafOf } = grow(p, g, h, parties, features);
      for (let i = 0; i < n; i++) scores[i * dim + k]! += p.learningRate * nodes[leafOf[i]!]!.weight;
      trees.push(nodes);
    }
    const loss = target.loss(scores);
    const prev = losses[losses.length - 1];
    losses.push(loss);
    if (p.nIterNoChange && prev !== undefined && Math.abs(prev - loss) < p.tol) break;
  }
  return { trees, treeDim: dim, scores, losses };
}

type P = ReturnType<typeof readParams>;

function grow(p: P, g: Float64Array, h: Float64Array, parties: readonly FeatureBins[], features: readonly number[][]) {
  const n = g.length;
  interface Grow { id: number; members: number[]; g: number; h: number; node: CentralNode }
  const sum = (xs: Float64Array, m: number[]) => m.reduce((s, i) => s + xs[i]!, 0);
  const make = (id: number, members: number[]): Grow => {
    const gs = sum(g, members);
    const hs = sum(h, members);
    return { id, members, g: gs, h: hs, node: { id, isLeaf: true, party: -1, fid: -1, threshold: 0, missingDir: 1, weight: nodeWeight(p, gs, hs), left: -1, right: -1 } };
  };
  const all: Grow[] = [make(0, Array.from({ length: n }, (_, i) => i))];
  let layer = [all[0]!];
  for (let depth = 0; depth < p.maxDepth; depth++) {
    const active = layer.filter((x) => x.members.length >= p.minSampleSplit && x.members.length >= 2 * p.minLeafNode);
    const next: Grow[] = [];
    for (const x of active) {
      let best = null as { gain: number; party: number; fid: number; bid: number; missingDir: 1 | -1 } | null;
      for (let party = 0; party < parties.length; party++) {
        const bins = parties[party]!;
        // The guest sums floats; a host's sums are of fixed-point integers.
        const gv = (i: number) => (party === 0 ? g[i]! : Math.round(g[i]! * SCALE));
        const hv = (i: number) => (party === 0 ? h[i]! : Math.round(h[i]! * SCALE));
        for (const fid of features[party]!) {
          const points = bins.splitPoints[fid]!.length;
          const binOf = bins.binOf[fid]!;
          const hg = new Float64Array(points);
          const hh = new Float64Array(points);
          const hc = new Int32Array(points);
          let gm = 0;
          let hm = 0;
          let cm = 0;
          for (const i of x.members) {
            const b = binOf[i]!;
            if (b === MISSING_BIN) {
              gm += gv(i);
              hm += hv(i);
              cm++;
              continue;
            }
            hg[b]! += gv(i);
            hh[b]! += hv(i);
            hc[b]!++;
          }
          let gl = 0;
          let hl = 0;
          let cl = 0;
          const consider = (GLs: number, HLs: number, CL: number, bid: number, missingDir: 1 | -1) => {
            if (CL < p.minLeafNode || x.members.length - CL < p.minLeafNode) return;
            const [GL, HL] = party === 0 ? [GLs, HLs] : [GLs / SCALE, HLs / SCALE];
            if (HL < p.minChildWeight || x.h - HL < p.minChildWeight) return;
            const gain = splitGain(p, x.g, x.h, GL, HL);
            // The first best wins within a party; a later party's only if strictly greater.
            if (best === null || gain > best.gain) best = { gain, party, fid, bid, missingDir };
          };
          for (let b = 0; b < points - 1; b++) {
            if (hc[b] === 0 && (b > 0 || cm === 0)) continue;
            gl += hg[b]!;
            hl += hh[b]!;
            cl += hc[b]!;
            if (hc[b]! > 0) consider(gl, hl, cl, b, 1);
            if (cm > 0) consider(gl + gm, hl + hm, cl + cm, b, -1);
          }
        }
      }
      if (!best || best.gain <= p.minImpuritySplit) continue;
      const b = best;
      const binOf = parties[b.party]!.binOf[b.fid]!;
      const goLeft = (i: number) => (binOf[i] === MISSING_BIN ? b.missingDir === -1 : binOf[i]! <= b.bid);
      const l = make(all.length, x.members.filter(goLeft));
      all.push(l);
      const r = make(all.length, x.members.filter((i) => !goLeft(i)));
      all.push(r);
      Object.assign(x.node, { isLeaf: false, party: b.party, fid: b.fid, threshold: parties[b.party]!.splitPoints[b.fid]![b.bid]!, missingDir: b.missingDir, left: l.id, right: r.id });
      next.push(l, r);
    }
    layer = next;
    if (next.length === 0) break;
  }
  const leafOf = new Int32Array(n);
  for (const x of all) if (x.node.isLeaf) for (const i of x.members) leafOf[i] = x.id;
  return { nodes: all.map((x) => x.node), leafOf };
}

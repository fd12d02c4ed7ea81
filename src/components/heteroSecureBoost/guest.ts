// The guest side of HeteroSecureBoost (label owner and key holder). Per tree it computes g/h, packs and
// encrypts them for the hosts, and grows the tree layer by layer: its own split candidates come from
// plaintext histograms, the hosts' from their encrypted, compressed cumulative sums, which only the
// guest can decrypt — but whose (feature, threshold) only the host knows. The best split of each node
// wins; for a host split the host returns the partition of the node's instances.
import type { DataTable, Instance, Schema } from '../../tableData/dataTable.js';
import type { ComponentContext, ComponentInput, ComponentOutput, PartyRef } from '../contract.js';
import { generatePaillierKeyPair } from '../crypto/paillier.js';
import { seededRandom } from '../linearModel/params.js';
import { type FeatureBins, MISSING_BIN } from './binning.js';
import { nodeWeight, splitGain } from './criterion.js';
import { sampleFeatures } from './featureSampling.js';
import { generateIterativeAffineKey } from '../crypto/iterativeAffine.js';
import { type GhCipher, type GhDecryptor, IterativeAffineGhCipher, ITERATIVE_AFFINE_WARNING, PaillierGhCipher, paillierDecryptor, PlaintextGhCipherForTestsOnly } from './ghCipher.js';
import { decompress, ghLayout, type GhLayout, packGh, unpackGh } from './ghPacking.js';
import { fidMapping, ImportanceCounter, metaOf, type NodeParam, type TreeParam } from './model.js';
import { boostingTarget } from './boostingTarget.js';
import { objectiveOf } from './objective.js';
import { predictColumnsFor, type ResultShape, resultRow } from './predictResult.js';
import { guestInput } from './trainData.js';
import { predictSchema, predictTable } from '../../tableData/predictColumns.js';
import { NO_HOOK, type RoundHook } from './validation.js';
import type { BoostingTreeParam } from './params.js';
import {
  BOOSTING, type BestSplit, Channel, type Dispatch, type GhPayload, type HostSplitInfo, type NodeQueuePayload, type Peers,
  type PubKeyPayload, SETUP_TAG, type SkeletonNode, sitename, TREE,
} from './protocol.js';


interface GrowNode {
  id: number;
  depth: number;
  /** The node's instances, ascending. */
  members: Int32Array;
  g: number;
  h: number;
  isLeaf: boolean;
  left: number;
  right: number;
  sitename: string;
  fid: number;
  bid: number;
  threshold: number | null;
  missingDir: 1 | -1;
}

interface Candidate {
  gain: number;
  /** −1: the guest's own feature; else the index of the host in `peers.hosts`. */
  host: number;
  fid: number;
  bid: number;
  split: number;
  /** Where missing values go: 1 right (FATE's default), −1 left. Hosts keep theirs to themselves. */
  missingDir: 1 | -1;
}

/** The guest's own best split of a node from plaintext histograms over its sampled features. */
function ownBest(p: BoostingTreeParam, node: GrowNode, g: Float64Array, h: Float64Array, features: readonly number[], bins: FeatureBins): Candidate | null {
  let best: Candidate | null = null;
  const total = node.members.length;
  for (const fid of features) {
    const points = bins.splitPoints[fid]!.length;
    const binOf = bins.binOf[fid]!;
    const hg = new Float64Array(points);
    const hh = new Float64Array(points);
    const hc = new Int32Array(points);
    let gm = 0;
    let hm = 0;
    let cm = 0;
    const members = node.members;
    for (let j = 0; j < members.length; j++) {
      const i = members[j]!;
      const b = binOf[i]!;
      if (b === MISSING_BIN) {
        gm += g[i]!;
        hm += h[i]!;
        cm++;
        continue;
      }
      hg[b]! += g[i]!;
      hh[b]! += h[i]!;
      hc[b]!++;
    }
    let gl = 0;
    let hl = 0;
    let cl = 0;
    const consider = (gain: number | null, bid: number, missingDir: 1 | -1) => {
      if (gain !== null && (best === null || gain > best.gain)) best = { gain, host: -1, fid, bid, split: -1, missingDir };
    };
    // FATE's order: per bin, missing values right, then (when there are any) left. An empty bin
    // repeats the previous partition, except at bin 0, where missing-left means "only the missing left".
    for (let b = 0; b < points - 1; b++) {
      if (hc[b] === 0 && (b > 0 || cm === 0)) continue;
      gl += hg[b]!;
      hl += hh[b]!;
      cl += hc[b]!;
      if (hc[b]! > 0) consider(admissibleGain(p, node, gl, hl, cl, total), b, 1);
      if (cm > 0) consider(admissibleGain(p, node, gl + gm, hl + hm, cl + cm, total), b, -1);
    }
  }
  return best;
}

/** The split gain, or null when a child would be too small or too light (hosts check sizes themselves). */
function admissibleGain(p: BoostingTreeParam, node: GrowNode, gl: number, hl: number, cl: number | null, total: number): number | null {
  if (cl !== null && (cl < p.minLeafNode || total - cl < p.minLeafNode)) return null;
  if (hl < p.minChildWeight || node.h - hl < p.minChildWeight) return null;
  return splitGain(p, node.g, node.h, gl, hl);
}

/** Decrypts a host's compressed candidates of one node and returns its best, by anonymous index. */
function hostBest(
  p: BoostingTreeParam, node: GrowNode, info: HostSplitInfo, host: number, layout: GhLayout, cipher: GhCipher, decryptor: GhDecryptor,
): Candidate | null {
  const per = cipher.slotsFor(layout.slotBits);
  let best: Candidate | null = null;
  info.packed.forEach((c, group) => {
    const size = Math.min(per, info.candidates - group * per);
    decompress(decryptor.decrypt(c), size, layout.slotBits).forEach((slot, k) => {
      const s = unpackGh(layout, slot);
      const gain = admissibleGain(p, node, s.g, s.h, null, node.members.length);
      if (gain !== null && (best === null || gain > best.gain)) best = { gain, host, fid: -1, bid: -1, split: group * per + k, missingDir: 1 };
    });
  });
  return best;
}

function guestTable(input: ComponentInput): DataTable<Instance> {
  const t = (input.data.train_data ?? input.data.data) as DataTable<Instance> | undefined;
  if (!t) throw new Error('HeteroSecureBoost: no train_data');
  return t;
}

interface TreeContext {
  ch: Channel;
  peers: Peers;
  self: PartyRef;
  p: BoostingTreeParam;
  bins: FeatureBins;
  header: string[];
  cipher: GhCipher;
  decryptor: GhDecryptor;
  importance: ImportanceCounter;
}

/** Grows one tree; returns its nodes (by id) and the leaf of every instance. */
async function growTree(tc: TreeContext, t: number, g: Float64Array, h: Float64Array, layout: GhLayout, features: number[], signal: AbortSignal): Promise<{ nodes: GrowNode[]; leafOf: Int32Array }> {
  const { ch, peers, p } = tc;
  const n = g.length;
  const all = new Int32Array(n);
  for (let i = 0; i < n; i++) all[i] = i;
  const sum = (xs: Float64Array, members: Int32Array) => {
    let s = 0;
    for (let j = 0; j < members.length; j++) s += xs[members[j]!]!;
    return s;
  };
  const newNode = (id: number, depth: number, members: Int32Array): GrowNode => ({
    id, depth, members, g: sum(g, members), h: sum(h, members), isLeaf: true, left: -1, right: -1, sitename: sitename(tc.self), fid: -1, bid: -1, threshold: null, missingDir: 1,
  });
  const nodes: GrowNode[] = [newNode(0, 0, all)];
  const leafOf = new Int32Array(n);
  let layer = [nodes[0]!];
  for (let depth = 0; ; depth++) {
    signal.throwIfAborted();
    const tag = `${t}.${depth}`;
    const active = depth < p.maxDepth ? layer.filter((node) => node.members.length >= p.minSampleSplit && node.members.length >= 2 * p.minLeafNode) : [];
    const positions = new Array<number>(n).fill(-1);
    for (const node of active) for (const i of node.members) positions[i] = node.id;
    await ch.send(TREE + 'tree_node_queue', tag, { nodes: active.map((x) => x.id), positions: active.length ? positions : [] } satisfies NodeQueuePayload, peers.hosts);
    if (active.length === 0) break;

    const best = new Map<number, Candidate>();
    for (const node of active) {
      const own = ownBest(p, node, g, h, features, tc.bins);
      if (own) best.set(node.id, own);
    }
    for (const [j, node] of active.entries()) {
      for (let k = 0; k < peers.hosts.length; k++) {
        const info = await ch.get<HostSplitInfo>(TREE + 'encrypted_splitinfo_host', `${tag}.${j}`, peers.hosts[k]!);
        if (info.nodeId !== node.id) throw new Error(`HeteroSecureBoost: host sent split info for node ${info.nodeId}, expected ${node.id}`);
        const cand = hostBest(p, node, info, k, layout, tc.cipher, tc.decryptor);
        const cur = best.get(node.id);
        if (cand && (!cur || cand.gain > cur.gain)) best.set(node.id, cand);
      }
    }
    const splitting = active.filter((node) => (best.get(node.id)?.gain ?? -Infinity) > p.minImpuritySplit);
    const goLeft = new Map<number, ArrayLike<boolean>>();
    for (let k = 0; k < peers.hosts.length; k++) {
      const mine: BestSplit[] = splitting.filter((node) => best.get(node.id)!.host === k).map((node) => ({ nodeId: node.id, split: best.get(node.id)!.split }));
      await ch.send(TREE + 'federated_best_splitinfo_host', tag, mine, peers.hosts[k]!);
    }
    for (let k = 0; k < peers.hosts.length; k++) {
      const host = peers.hosts[k]!;
      for (const d of await ch.get<Dispatch[]>(TREE + 'dispatch_node_host_result', tag, host)) {
        const node = nodes[d.nodeId]!;
        if (d.goLeft.length !== node.members.length) throw new Error(`HeteroSecureBoost: host dispatch of node ${d.nodeId} has the wrong size`);
        goLeft.set(d.nodeId, d.goLeft);
        node.sitename = sitename(host);
        node.fid = d.fid;
        tc.importance.add(node.sitename, d.fid, `${node.sitename.replace(':', '_')}_${d.fid}`, best.get(d.nodeId)!.gain);
      }
    }
    const next: GrowNode[] = [];
    for (const node of splitting) {
      const cand = best.get(node.id)!;
      let left: ArrayLike<boolean>;
      if (cand.host === -1) {
        const binOf = tc.bins.binOf[cand.fid]!;
        const goes = new Array<boolean>(node.members.length);
        node.members.forEach((i, j) => (goes[j] = binOf[i] === MISSING_BIN ? cand.missingDir === -1 : binOf[i]! <= cand.bid));
        left = goes;
        node.missingDir = cand.missingDir;
        node.fid = cand.fid;
        node.bid = cand.bid;
        node.threshold = tc.bins.splitPoints[cand.fid]![cand.bid]!;
        tc.importance.add(node.sitename, cand.fid, tc.header[cand.fid]!, cand.gain);
      } else {
        const l = goLeft.get(node.id);
        if (!l) throw new Error(`HeteroSecureBoost: host ${peers.hosts[cand.host]!.partyId} did not dispatch node ${node.id}`);
        left = l;
      }
      const l = newNode(nodes.length, depth + 1, node.members.filter((_, j) => Boolean(left[j])));
      nodes.push(l);
      const r = newNode(nodes.length, depth + 1, node.members.filter((_, j) => !left[j]));
      nodes.push(r);
      node.isLeaf = false;
      node.left = l.id;
      node.right = r.id;
      next.push(l, r);
    }
    layer = next;
  }
  for (const node of nodes) if (node.isLeaf) node.members.forEach((i) => (leafOf[i] = node.id));
  return { nodes, leafOf };
}

export async function runGuest(input: ComponentInput, ctx: ComponentContext, p: BoostingTreeParam, peers: Peers, hook: RoundHook = NO_HOOK): Promise<ComponentOutput> {
  const ch = new Channel(ctx);
  const self: PartyRef = peers.guest;
  const table = guestTable(input);
  const header = [...table.schema.header];
  // Ids, labels and bins; a columnar table's rows are never built (trainData.ts).
  const data = guestInput(table, p.binNum, p);
  const n = data.keys.length;
  const labels = data.labels!;
  const objective = objectiveOf(p.objective, p.objectiveParams);

  let cipher: GhCipher;
  let paillier: PaillierGhCipher | null = null;
  let decryptor: GhDecryptor;
  let keyN: bigint | null = null;
  if (p.encryptMethod === 'Paillier') {
    const pair = generatePaillierKeyPair(p.keyLength);
    cipher = paillier = new PaillierGhCipher(pair.publicKey, p.obfuscation, pair.privateKey);
    decryptor = paillierDecryptor(pair.privateKey);
    keyN = pair.publicKey.n;
  } else if (p.encryptMethod === 'IterativeAffine') {
    const affine = new IterativeAffineGhCipher(generateIterativeAffineKey(p.keyLength));
    cipher = affine;
    decryptor = affine;
    // No component log in the contract: the warning goes where the job's tracking shows it.
    ctx.tracker.setMetricMeta('train', 'encrypt_param', { name: 'encrypt_param', metric_type: 'WARNING' });
    ctx.tracker.logMetricData('train', 'encrypt_param', [['warning', ITERATIVE_AFFINE_WARNING]]);
  } else {
    const plain = new PlaintextGhCipherForTestsOnly(p.keyLength);
    cipher = plain;
    decryptor = plain;
  }
  await ch.send(BOOSTING + 'paillier_pubkey', SETUP_TAG, { n: keyN, keyBits: cipher.keyBits, ...(p.encryptMethod === 'IterativeAffine' ? { scheme: 'IterativeAffine' as const } : {}) } satisfies PubKeyPayload, peers.hosts);
  await ch.send(BOOSTING + 'sample_ids', SETUP_TAG, data.keys, peers.hosts);

  const bins = data.bins;
  const rand = seededRandom(p.randomSeed);
  const importance = new ImportanceCounter(p.featureImportanceType);
  const tc: TreeContext = { ch, peers, self, p, bins, header, cipher, decryptor, importance };
  const target = boostingTarget(p, objective, labels);
  const dim = target.treeDim;
  // FATE's sync_tree_dim: hosts need it to know where a boosting round ends (validation).
  await ch.send(BOOSTING + 'tree_dim', SETUP_TAG, dim, peers.hosts);
  // Raw scores, row-major: scores[i·dim + k].
  const scores = new Float64Array(n * dim);
  for (let i = 0; i < n; i++) for (let k = 0; k < dim; k++) scores[i * dim + k] = target.initScore[k]!;
  const losses: number[] = [];
  const trees: TreeParam[] = [];
  ctx.tracker.setMetricMeta('train', 'loss', { name: 'train', metric_type: 'LOSS', unit_name: 'iters', curve_name: 'loss' });

  const shape = { taskType: p.taskType, objective: p.objective, numClasses: target.numClasses, classes: target.classes };
  const trainRows = (type: string): [string, unknown[]][] =>
    data.keys.map((key, i) => [key, resultRow(shape, Array.from(scores.subarray(i * dim, (i + 1) * dim)), p.threshold, labels[i], type)]);
  const modelOf = (ts: readonly TreeParam[], ls: readonly number[], bestIteration: number) => ({
    HeteroSecureBoostingTreeGuestMeta: metaOf(p),
    HeteroSecureBoostingTreeGuestParam: {
      treeNum: ts.length,
      trees: [...ts],
      initScore: [...target.initScore],
      losses: [...ls],
      treeDim: dim,
      numClasses: target.numClasses,
      classes: [...target.classes],
      featureImportances: importance.list(),
      featureNameFidMapping: fidMapping(header),
      bestIteration,
      modelName: 'HeteroSecureBoost',
    },
  });
  let best: { round: number; trees: number; losses: number; scores: Float64Array } | null = null;

  // One obfuscator per instance per tree; one tree's worth kept ready ahead.
  paillier?.prefetch(n * p.numTrees * dim, n);
  let t = 0;
  try {
    for (let round = 0; round < p.numTrees; round++) {
      // FATE computes every dimension's g/h from the scores at the start of the round.
      const gh = target.gradHess(scores);
      for (let k = 0; k < dim; k++, t++) {
        await ch.send(BOOSTING + 'stop_flag', String(t), false, peers.hosts);
        const { g, h } = gh[k]!;
        let maxAbsG = 0;
        let maxH = 0;
        for (let i = 0; i < n; i++) {
          maxAbsG = Math.max(maxAbsG, Math.abs(g[i]!));
          maxH = Math.max(maxH, h[i]!);
        }
        const layout = ghLayout(maxAbsG, maxH, n);
        const cts = await cipher.encryptAll(Array.from(g, (gi, i) => packGh(layout, gi, h[i]!)));
        await ch.send(BOOSTING + 'encrypted_grad_and_hess', String(t), { cts, slotBits: layout.slotBits } satisfies GhPayload, peers.hosts);
        const features = sampleFeatures(header.length, p.subsampleFeatureRate, rand);
        const { nodes, leafOf } = await growTree(tc, t, g, h, layout, features, ctx.signal);

        const weights = nodes.map((node) => nodeWeight(p, node.g, node.h));
        for (let i = 0; i < n; i++) scores[i * dim + k]! += p.learningRate * weights[leafOf[i]!]!;
        const skeleton: SkeletonNode[] = nodes.map((x) => ({ id: x.id, sitename: x.sitename, isLeaf: x.isLeaf, leftNodeid: x.left, rightNodeid: x.right }));
        await ch.send(TREE + 'tree', String(t), skeleton, peers.hosts);
        const tree: NodeParam[] = nodes.map((x, j) => ({
          id: x.id, sitename: x.sitename, fid: x.fid, bid: x.bid, weight: weights[j]!, isLeaf: x.isLeaf, leftNodeid: x.left, rightNodeid: x.right, missingDir: 1,
        }));
        const leafCount = Object.fromEntries(nodes.filter((x) => x.isLeaf).map((x) => [String(x.id), x.members.length]));
        const own = nodes.filter((x) => x.threshold !== null);
        const splitMaskdict = Object.fromEntries(own.map((x) => [String(x.id), x.threshold!]));
        const missingDirMaskdict = p.useMissing ? Object.fromEntries(own.map((x) => [String(x.id), x.missingDir])) : {};
        trees.push({ tree, leafCount, splitMaskdict, missingDirMaskdict });
      }

      const loss = target.loss(scores);
      ctx.tracker.logMetricData('train', 'loss', [[round, loss]]);
      ctx.tracker.setProgress(Math.round(((round + 1) / p.numTrees) * 100));
      const prev = losses[losses.length - 1];
      losses.push(loss);
      const status = await hook.after(round, () => modelOf(trees, losses, -1), () => trainRows('train'));
      if (status.improved) best = { round, trees: trees.length, losses: losses.length, scores: scores.slice() };
      if (status.stop) break;
      if (p.nIterNoChange && prev !== undefined && Math.abs(prev - loss) < p.tol) break;
    }
  } finally {
    cipher.close();
  }
  await ch.send(BOOSTING + 'stop_flag', String(t), true, peers.hosts);

  // Early stopping: the model (and training scores) of the best validated round, as FATE loads it.
  let bestIteration = -1;
  if (best && p.earlyStoppingRounds !== null) {
    trees.length = best.trees;
    losses.length = best.losses;
    scores.set(best.scores);
    bestIteration = best.round;
  }
  return {
    data: trainOutput(predictSchema(table.schema.sid_name), data.keys, labels, scores, shape, p.threshold, trainRows),
    model: modelOf(trees, losses, bestIteration),
    modelModule: 'HeteroSecureBoost',
  };
}

/**
 * The training predictions: typed predict columns where they have a column form (predictResult.ts
 * predictColumnsFor: classification with numeric classes), whose rows are resultRow's; else rows.
 */
function trainOutput(
  schema: Schema, keys: readonly string[], labels: Float64Array, scores: Float64Array, shape: ResultShape, threshold: number, rows: (type: string) => [string, unknown[]][],
): DataTable {
  const dim = keys.length === 0 ? 1 : scores.length / keys.length;
  const columns = predictColumnsFor(shape, keys, labels, (i) => Array.from(scores.subarray(i * dim, (i + 1) * dim)), threshold, 'train');
  return columns ? predictTable(schema, columns) : { schema, rows: rows('train') };
}

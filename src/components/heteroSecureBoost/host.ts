// The host side of HeteroSecureBoost: it bins its own features once, and per layer adds up the guest's
// encrypted packed g/h into per-(node, feature, bin) histograms, turns them into cumulative left sums,
// shuffles them under anonymous indices (keeping the index → (feature, bin) table to itself),
// compresses and sends them. When the guest picks one of its splits it answers with the partition of
// the node's instances only. Thresholds stay in the host's model (splitMaskdict).
import type { DataTable, Instance } from '../../tableData/dataTable.js';
import type { ComponentContext, ComponentInput, ComponentOutput, ModelBuffers } from '../contract.js';
import { PaillierPublicKey } from '../crypto/paillier.js';
import { seededRandom } from '../linearModel/params.js';
import { anonymousOrder, hostOrderKey, keyedWords } from './anonymousOrder.js';
import { type FeatureBins, MISSING_BIN } from './binning.js';
import { hostInput } from './trainData.js';
import { type GhCipher, IterativeAffineSums, PaillierGhCipher, PlaintextGhCipherForTestsOnly } from './ghCipher.js';
import { fidMapping, ImportanceCounter, metaOf, type NodeParam, type TreeParam } from './model.js';
import type { BoostingTreeParam } from './params.js';
import { NO_HOOK, type RoundHook } from './validation.js';
import {
  BOOSTING, type BestSplit, Channel, type Dispatch, type GhPayload, type HostSplitInfo, type NodeQueuePayload, type Peers,
  type PubKeyPayload, SETUP_TAG, type SkeletonNode, sitename, TREE,
} from './protocol.js';
import { sampleFeatures } from './featureSampling.js';

interface SplitRef {
  fid: number;
  bid: number;
  /** Where missing values go: 1 right, −1 left. */
  missingDir: 1 | -1;
}

/**
 * Tags of the instances, to recognise candidate splits that send the same instances left
 * (features that order the rows alike, e.g. radius and area): only the first of those, in
 * feature/bin order, is a candidate. Otherwise equal gains would tie among anonymous, shuffled
 * candidates; now the tie goes to the first feature, as it does for the guest's own features, and
 * fewer candidates cost fewer ciphertexts. Drawn from the host's ordering key (anonymousOrder.ts), so
 * the same inputs keep the same candidates; the tags never leave the host.
 */
export interface InstanceTags {
  readonly a: Uint32Array;
  readonly b: Uint32Array;
}

export function instanceTags(n: number, key: Buffer): InstanceTags {
  return { a: keyedWords(key, 'tags.a', n), b: keyedWords(key, 'tags.b', n) };
}

/** Cumulative encrypted left sums of every admissible split of one node, in feature/bin order. */
export function nodeCandidates(
  cipher: GhCipher,
  gh: readonly bigint[],
  members: ArrayLike<number>,
  features: readonly number[],
  bins: FeatureBins,
  minLeafNode: number,
  tags: InstanceTags,
): { sums: bigint[]; refs: SplitRef[] } {
  const sums: bigint[] = [];
  const refs: SplitRef[] = [];
  const total = members.length;
  // A left set is known by its size and two order-free hashes of its tags (sum mod 2³² and xor).
  const seen = new Set<string>();
  for (const fid of features) {
    const points = bins.splitPoints[fid]!.length;
    const binOf = bins.binOf[fid]!;
    const hist = new Array<bigint>(points).fill(cipher.zero);
    const counts = new Int32Array(points);
    const sumTag = new Uint32Array(points);
    const xorTag = new Uint32Array(points);
    let missing = cipher.zero;
    let cm = 0;
    let mSum = 0;
    let mXor = 0;
    for (let j = 0; j < total; j++) {
      const i = members[j]!;
      const b = binOf[i]!;
      if (b === MISSING_BIN) {
        missing = cipher.add(missing, gh[i]!);
        cm++;
        mSum = (mSum + tags.a[i]!) >>> 0;
        mXor = (mXor ^ tags.b[i]!) >>> 0;
        continue;
      }
      hist[b] = cipher.add(hist[b]!, gh[i]!);
      counts[b]!++;
      sumTag[b] = (sumTag[b]! + tags.a[i]!) >>> 0;
      xorTag[b] = xorTag[b]! ^ tags.b[i]!;
    }
    let acc = cipher.zero;
    let left = 0;
    let accSum = 0;
    let accXor = 0;
    const offer = (sum: () => bigint, count: number, tagSum: number, tagXor: number, bid: number, missingDir: 1 | -1) => {
      if (count < minLeafNode || total - count < minLeafNode) return;
      const key = `${count}:${tagSum >>> 0}:${tagXor >>> 0}`;
      if (seen.has(key)) return;
      seen.add(key);
      sums.push(sum());
      refs.push({ fid, bid, missingDir });
    };
    // The guest's order (guest.ts ownBest): per bin, missing right, then missing left.
    for (let b = 0; b < points - 1; b++) {
      if (counts[b] === 0 && (b > 0 || cm === 0)) continue; // same partition as the previous bin
      acc = cipher.add(acc, hist[b]!);
      left += counts[b]!;
      accSum = (accSum + sumTag[b]!) >>> 0;
      accXor = (accXor ^ xorTag[b]!) >>> 0;
      const upTo = acc;
      if (counts[b]! > 0) offer(() => upTo, left, accSum, accXor, b, 1);
      if (cm > 0) offer(() => cipher.add(upTo, missing), left + cm, accSum + mSum, accXor ^ mXor, b, -1);
    }
  }
  return { sums, refs };
}

/** Horner-compresses consecutive slots: [[s₀·2^(k·(c−1)) + … + s_(c−1)]] per group of c. */
export function compress(cipher: GhCipher, sums: readonly bigint[], slotBits: number): bigint[] {
  const per = cipher.slotsFor(slotBits);
  const out: bigint[] = [];
  for (let start = 0; start < sums.length; start += per) {
    let acc = sums[start]!;
    for (let k = start + 1; k < Math.min(sums.length, start + per); k++) acc = cipher.add(cipher.shift(acc, slotBits), sums[k]!);
    out.push(acc);
  }
  return out;
}

/** Each queued node's instances (ascending), from the guest's position of every instance. */
function membersOf(queue: NodeQueuePayload): Map<number, Int32Array> {
  const counts = new Map<number, number>(queue.nodes.map((id) => [id, 0]));
  for (const node of queue.positions) {
    const c = counts.get(node);
    if (c !== undefined) counts.set(node, c + 1);
  }
  const members = new Map<number, Int32Array>();
  const filled = new Map<number, number>();
  for (const [id, c] of counts) {
    members.set(id, new Int32Array(c));
    filled.set(id, 0);
  }
  queue.positions.forEach((node, i) => {
    const m = members.get(node);
    if (!m) return;
    const at = filled.get(node)!;
    m[at] = i;
    filled.set(node, at + 1);
  });
  return members;
}

function hostTable(input: ComponentInput): DataTable<Instance> {
  const t = (input.data.train_data ?? input.data.data) as DataTable<Instance> | undefined;
  if (!t) throw new Error('HeteroSecureBoost: no train_data');
  return t;
}

export async function runHost(input: ComponentInput, ctx: ComponentContext, p: BoostingTreeParam, peers: Peers, hook: RoundHook = NO_HOOK): Promise<ComponentOutput> {
  const ch = new Channel(ctx);
  const self = { role: 'host', partyId: input.partyId };
  const table = hostTable(input);
  const header = [...table.schema.header];
  const key = await ch.get<PubKeyPayload>(BOOSTING + 'paillier_pubkey', SETUP_TAG, peers.guest);
  const cipher: GhCipher = key.scheme === 'IterativeAffine' ? new IterativeAffineSums(key.keyBits)
    : key.n === null ? new PlaintextGhCipherForTestsOnly(key.keyBits) : new PaillierGhCipher(new PaillierPublicKey(key.n));
  const ids = await ch.get<string[]>(BOOSTING + 'sample_ids', SETUP_TAG, peers.guest);
  const dim = await ch.get<number>(BOOSTING + 'tree_dim', SETUP_TAG, peers.guest);
  // Its bins of the guest's ids, in the guest's order; a columnar table's rows are never built.
  const { bins } = hostInput(table, ids, p.binNum, p);
  // The anonymous order and the tags come from this key: a deterministic function of the host's own
  // data, which the guest cannot compute (anonymousOrder.ts).
  const orderKey = hostOrderKey(bins);
  const tags = instanceTags(ids.length, orderKey);
  const rand = seededRandom(p.randomSeed === null ? null : p.randomSeed + 1);
  const importance = new ImportanceCounter(p.featureImportanceType);
  const trees: TreeParam[] = [];
  let best: { round: number; trees: number } | null = null;

  for (let t = 0; ; t++) {
    const stop = await ch.get<boolean>(BOOSTING + 'stop_flag', String(t), peers.guest);
    if (stop) break;
    const gh = await ch.get<GhPayload>(BOOSTING + 'encrypted_grad_and_hess', String(t), peers.guest);
    const features = sampleFeatures(header.length, p.subsampleFeatureRate, rand);
    const own = new Map<number, SplitRef & { threshold: number }>();
    for (let depth = 0; ; depth++) {
      const tag = `${t}.${depth}`;
      const queue = await ch.get<NodeQueuePayload>(TREE + 'tree_node_queue', tag, peers.guest);
      if (queue.nodes.length === 0) break;
      const members = membersOf(queue);
      const lookup = new Map<number, SplitRef[]>();
      // One message per node, so the guest decrypts a node while the host compresses the next.
      for (const [j, nodeId] of queue.nodes.entries()) {
        ctx.signal.throwIfAborted();
        const { sums, refs } = nodeCandidates(cipher, gh.cts, members.get(nodeId)!, features, bins, p.minLeafNode, tags);
        const order = anonymousOrder(orderKey, `${tag}.${nodeId}`, sums.length);
        lookup.set(nodeId, order.map((k) => refs[k]!));
        const info: HostSplitInfo = { nodeId, candidates: sums.length, packed: compress(cipher, order.map((k) => sums[k]!), gh.slotBits) };
        await ch.send(TREE + 'encrypted_splitinfo_host', `${tag}.${j}`, info, peers.guest);
      }
      const best = await ch.get<BestSplit[]>(TREE + 'federated_best_splitinfo_host', tag, peers.guest);
      const dispatch: Dispatch[] = best.map(({ nodeId, split }) => {
        const ref = lookup.get(nodeId)?.[split];
        if (!ref) throw new Error(`HeteroSecureBoost: guest chose an unknown split ${split} of node ${nodeId}`);
        own.set(nodeId, { ...ref, threshold: bins.splitPoints[ref.fid]![ref.bid]! });
        const binOf = bins.binOf[ref.fid]!;
        return { nodeId, fid: ref.fid, goLeft: Array.from(members.get(nodeId)!, (i) => (binOf[i] === MISSING_BIN ? ref.missingDir === -1 : binOf[i]! <= ref.bid)) };
      });
      await ch.send(TREE + 'dispatch_node_host_result', tag, dispatch, peers.guest);
    }
    const skeleton = await ch.get<SkeletonNode[]>(TREE + 'tree', String(t), peers.guest);
    const tree: NodeParam[] = skeleton.map((n) => {
      const mine = own.get(n.id);
      if (mine) importance.add(sitename(self), mine.fid, header[mine.fid]!, 0);
      return { id: n.id, sitename: n.sitename, fid: mine?.fid ?? -1, bid: mine?.bid ?? -1, weight: 0, isLeaf: n.isLeaf, leftNodeid: n.leftNodeid, rightNodeid: n.rightNodeid, missingDir: 1 };
    });
    const splitMaskdict = Object.fromEntries([...own].map(([id, s]) => [String(id), s.threshold]));
    const missingDirMaskdict = p.useMissing ? Object.fromEntries([...own].map(([id, s]) => [String(id), s.missingDir])) : {};
    trees.push({ tree, leafCount: {}, splitMaskdict, missingDirMaskdict });
    ctx.tracker.setProgress(Math.min(100, Math.round(((t + 1) / (p.numTrees * dim)) * 100)));
    if ((t + 1) % dim === 0) {
      const round = (t + 1) / dim - 1;
      const status = await hook.after(round, () => modelOf(trees, -1), () => []);
      if (status.improved) best = { round, trees: trees.length };
    }
  }
  let bestIteration = -1;
  if (best && p.earlyStoppingRounds !== null) {
    trees.length = best.trees;
    bestIteration = best.round;
  }
  return { model: modelOf(trees, bestIteration), modelModule: 'HeteroSecureBoost' };

  function modelOf(ts: readonly TreeParam[], bestIter: number): ModelBuffers {
    return {
      HeteroSecureBoostingTreeHostMeta: metaOf(p),
      HeteroSecureBoostingTreeHostParam: {
        treeNum: ts.length,
        trees: [...ts],
        featureImportances: importance.list(),
        featureNameFidMapping: fidMapping(header),
        treeDim: dim,
        bestIteration: bestIter,
        modelName: 'HeteroSecureBoost',
        anonymousNameMapping: Object.fromEntries(header.map((h, fid) => [`${sitename(self).replace(':', '_')}_${fid}`, h])),
      },
    };
  }
}

// What crosses the federation in HeteroSecureBoost, named like FATE's transfer variables
// (HeteroSecureBoostingTreeTransferVariable / HeteroDecisionTreeTransferVariable) and tagged
// `<tree>` or `<tree>.<depth>` (spec §1.7). Everything the guest sends is either a ciphertext, an id,
// or tree structure; everything a host sends is a ciphertext, a partition of instances, or the index
// of the feature it split on — never a label, a feature value or a split threshold. What each side
// does learn is SecureBoost's (and FATE's) accepted leakage: hosts see which instances share a node,
// the guest sees the (ΣG, ΣH) of every anonymous host candidate and which host feature won a node.
import type { ComponentContext, ComponentInput, PartyRef } from '../contract.js';

export const BOOSTING = 'HeteroSecureBoostingTreeTransferVariable.';
export const TREE = 'HeteroDecisionTreeTransferVariable.';
export const SETUP_TAG = 'fit';

/**
 * guest → hosts `paillier_pubkey`: the guest's Paillier public key; for IterativeAffine (symmetric)
 * no key at all, only that ciphertexts add as integers; null n and no scheme: plaintext test mode.
 */
export interface PubKeyPayload {
  n: bigint | null;
  keyBits: number;
  scheme?: 'IterativeAffine';
}

/** guest → hosts `encrypted_grad_and_hess`, once per tree. */
export interface GhPayload {
  /** [[packed g/h]] per instance, in the order of `sample_ids`. */
  cts: bigint[];
  slotBits: number;
}

/** guest → hosts `tree_node_queue`, once per layer: the nodes to split and where every instance is. */
export interface NodeQueuePayload {
  nodes: number[];
  /** Node id per instance; −1 for instances already in a leaf. Empty `nodes`: the tree is done. */
  positions: number[];
}

/** host → guest `encrypted_splitinfo_host` (tag `<tree>.<depth>.<index in the queue>`): per node, the cumulative left sums of the host's candidate
 * splits, in a shuffled order only the host can map back to (feature, bin), compressed. */
export interface HostSplitInfo {
  nodeId: number;
  candidates: number;
  packed: bigint[];
}

/** guest → host `federated_best_splitinfo_host`: the nodes this host splits, by anonymous index. */
export interface BestSplit {
  nodeId: number;
  split: number;
}

/** host → guest `dispatch_node_host_result`: which instances of the node go left (ascending index). */
export interface Dispatch {
  nodeId: number;
  fid: number;
  goLeft: boolean[];
}

/** guest → hosts `tree`: the tree's skeleton, without weights or guest thresholds. */
export interface SkeletonNode {
  id: number;
  sitename: string;
  isLeaf: boolean;
  leftNodeid: number;
  rightNodeid: number;
}

export interface Peers {
  guest: PartyRef;
  hosts: PartyRef[];
}

export function peersOf(input: ComponentInput): Peers {
  const guestId = input.roles.guest?.[0];
  if (guestId === undefined) throw new Error('HeteroSecureBoost: the job has no guest');
  const hosts = (input.roles.host ?? []).map((partyId) => ({ role: 'host', partyId }));
  if (hosts.length === 0) throw new Error('HeteroSecureBoost: the job has no host');
  return { guest: { role: 'guest', partyId: guestId }, hosts };
}

export const sitename = (p: PartyRef): string => `${p.role}:${p.partyId}`;

export class Channel {
  constructor(private readonly ctx: ComponentContext) {}
  send(name: string, tag: string, payload: unknown, to: PartyRef | PartyRef[]): Promise<void> {
    return this.ctx.federation.remote(name, tag, payload, Array.isArray(to) ? to : [to]);
  }
  async get<T>(name: string, tag: string, from: PartyRef): Promise<T> {
    this.ctx.signal.throwIfAborted();
    return (await this.ctx.federation.get(name, tag, from)) as T;
  }
}

// What the hetero linear models (HeteroLR, HeteroLinR, HeteroPoisson) say to each other, shared by
// their three parties: the federation scoped by fit (Channel), the setup messages (public key, mini
// batches), the per-step tags and the dealt obfuscators' bookkeeping, and what one fit ends with.
// FATE shares this layer among its linear models (federatedml/framework/hetero/procedure, and
// linear_model/base_linear_model_arbiter.py with optim/gradient/hetero_linear_model_gradient.py for
// the loops); each model keeps only its forwards, residual and loss (heteroLR/binaryTrain.ts,
// heteroGLM/protocol.ts), the shared loops are arbiter.ts and party.ts.
import type { ComponentContext, ComponentInput, PartyRef } from '../contract.js';
import { PaillierPublicKey } from '../crypto/paillier.js';
import { type HeCipher, PaillierCipher, PlaintextCipherForTestsOnly } from './cipher.js';
import type { HeteroLogisticParam } from './params.js';
import { getMaybePacked, sendJoinedIds } from '../federatedIds.js';
import { type IdList, type JoinedIds, PackedIds } from '../../tableData/packedIds.js';

/** HeteroLR's transfer variable class: the default prefix of a Channel (HeteroLinR and HeteroPoisson name theirs). */
const PREFIX = 'HeteroLRTransferVariable.';
/** The tag of the messages before the first step (public key, batches). */
export const SETUP_TAG = 'fit';

export interface Peers {
  guest: PartyRef;
  hosts: PartyRef[];
  arbiter: PartyRef;
}

/** The job's parties; `needArbiter` false (a predict job): the arbiter's id may be missing. */
export function peersOf(input: ComponentInput, who: string, needArbiter: boolean): Peers {
  const one = (role: string): PartyRef => {
    const id = input.roles[role]?.[0];
    if (id === undefined) throw new Error(`${who}: the job has no ${role}`);
    return { role, partyId: id };
  };
  const hosts = (input.roles.host ?? []).map((partyId) => ({ role: 'host', partyId }));
  if (hosts.length === 0) throw new Error(`${who}: the job has no host`);
  return { guest: one('guest'), hosts, arbiter: needArbiter ? one('arbiter') : { role: 'arbiter', partyId: '' } };
}

/** The federation of one component run, with a scope put before every tag. */
export class Channel {
  /** `prefix`: FATE's transfer variable class of the model (`HeteroLRTransferVariable.`). */
  constructor(
    private readonly ctx: ComponentContext,
    readonly scope = '',
    private readonly prefix = PREFIX,
  ) {}
  /** The same federation under a further scope. */
  sub(scope: string): Channel {
    return new Channel(this.ctx, this.scope + scope, this.prefix);
  }
  send(name: string, tag: string, payload: unknown, to: PartyRef | PartyRef[]): Promise<void> {
    return this.ctx.federation.remote(this.prefix + name, this.scope + tag, payload, Array.isArray(to) ? to : [to]);
  }
  async get<T>(name: string, tag: string, from: PartyRef): Promise<T> {
    this.ctx.signal.throwIfAborted();
    return (await this.ctx.federation.get(this.prefix + name, this.scope + tag, from)) as T;
  }
  /** keys[from, to) of `ids` (packed where the federation takes it: packedIds.ts), as send of that list. */
  sendIds(name: string, tag: string, ids: JoinedIds, from: number, to: number, targets: PartyRef[]): Promise<void> {
    return sendJoinedIds(this.ctx.federation, this.prefix + name, this.scope + tag, ids, from, to, targets);
  }
  /** A list of ids, packed (read in place, packedIds.ts) when it crossed threads so. */
  async getIds(name: string, tag: string, from: PartyRef): Promise<IdList> {
    this.ctx.signal.throwIfAborted();
    const payload = await getMaybePacked(this.ctx.federation, this.prefix + name, this.scope + tag, from);
    if (payload instanceof PackedIds || Array.isArray(payload)) return payload as IdList;
    throw new Error(`HeteroLR: ${this.prefix + name} from ${from.role} ${from.partyId} is not a list of ids`);
  }
}

export interface PubKeyPayload {
  n: bigint | null;
  /** The arbiter deals the (standard) obfuscators: parties do not compute their own. */
  dealt?: boolean;
}

export function cipherFrom(payload: PubKeyPayload, p: Pick<HeteroLogisticParam, 'obfuscation'>): HeCipher {
  return payload.n === null ? new PlaintextCipherForTestsOnly() : new PaillierCipher(new PaillierPublicKey(payload.n), p.obfuscation, payload.dealt === true);
}

/** Guest/host: the arbiter's public key, as the party's cipher; `dealt`: the arbiter deals its obfuscators. */
export async function partyCipher(ch: Channel, p: Pick<HeteroLogisticParam, 'obfuscation'>, arbiter: PartyRef): Promise<{ cipher: HeCipher; dealt: boolean }> {
  const pubKey = await ch.get<PubKeyPayload>('paillier_pubkey', SETUP_TAG, arbiter);
  return { cipher: cipherFrom(pubKey, p), dealt: pubKey.dealt === true };
}

export interface BatchInfo {
  batchSize: number;
  batchNum: number;
  /** Rows of each batch (the arbiter deals that many obfuscators per party and step). */
  batchRows: number[];
}

/** FATE's MiniBatch: consecutive runs of batch_size rows in table order, the last one shorter (-1: one batch). */
export function miniBatches(total: number, batchSize: number): BatchInfo {
  const size = batchSize === -1 || batchSize >= total ? total : batchSize;
  const batchNum = Math.max(1, Math.ceil(total / size));
  return { batchSize: size, batchNum, batchRows: Array.from({ length: batchNum }, (_, b) => Math.min(size, total - b * size)) };
}

/**
 * Host: the guest's mini-batches (batch_info, then each batch's ids), each made into the model's own
 * batch by `batchOf` as its ids arrive (so no two batches' id lists are held at once).
 */
export async function hostBatches<B>(ch: Channel, guest: PartyRef, batchOf: (keys: IdList) => B): Promise<{ info: BatchInfo; batches: B[] }> {
  const info = await ch.get<BatchInfo>('batch_info', SETUP_TAG, guest);
  const batches: B[] = [];
  for (let b = 0; b < info.batchNum; b++) batches.push(batchOf(await ch.getIds('batch_data_index', `${SETUP_TAG}.${b}`, guest)));
  return { info, batches };
}

/** Steps dealt ahead of the last completed one: the next step is ready when a party asks for it. */
export const DEAL_WINDOW_STEPS = 2;

export const stepTag = (step: number, batchNum: number) => `${Math.floor(step / batchNum)}.${step % batchNum}`;

/** Guest/host, dealt mode: the step's obfuscators, before its first encryption. */
export async function receiveDealt(ch: Channel, cipher: HeCipher, dealt: boolean, tag: string, arbiter: PartyRef): Promise<void> {
  if (dealt) cipher.receiveObfuscators(await ch.get<bigint[]>('paillier_obfuscators', tag, arbiter));
}

/** Guest/host after training, dealt mode: take what was dealt ahead of an early stop (never used). */
export async function drainDealt(ch: Channel, dealt: boolean, consumedSteps: number, batchNum: number, arbiter: PartyRef): Promise<void> {
  if (!dealt) return;
  const total = await ch.get<number>('paillier_obfuscators_dealt', SETUP_TAG, arbiter);
  for (let step = consumedSteps; step < total; step++) await ch.get<bigint[]>('paillier_obfuscators', stepTag(step, batchNum), arbiter);
}

export function dotRow(w: readonly number[], x: readonly number[]): number {
  let s = 0;
  for (let j = 0; j < x.length; j++) s += w[j]! * x[j]!;
  return s;
}

/** A party's penalty term of the loss for its own weights (the guest's without the intercept). */
export function penalty(p: Pick<HeteroLogisticParam, 'penalty' | 'alpha'>, w: readonly number[]): number {
  return p.penalty === 'L2' ? 0.5 * p.alpha * dotRow(w, w) : p.penalty === 'L1' ? p.alpha * w.reduce((s, x) => s + Math.abs(x), 0) : 0;
}

/** What one binary fit ends with, at one party (the arbiter's coef is empty). */
export interface BinaryFit {
  coef: number[];
  intercept: number;
  iters: number;
  converged: boolean;
  lossHistory: number[];
  bestIteration: number;
}

/**
 * Called after each iteration's convergence check with the party's current weights (coefficients,
 * then the intercept at the guest). Answers whether training stops (validation early stopping).
 */
export type AfterIteration = (iter: number, weights: readonly number[]) => Promise<boolean>;

/** Where the loss curve goes (FATE: `train`/`loss`, `loss.<fold>` in cross-validation). */
export interface LossMetric {
  namespace: string;
  name: string;
  curveName: string;
}

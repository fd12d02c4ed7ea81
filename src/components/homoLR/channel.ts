// Who takes part in a HomoLR job and how its parties address each other: FATE's
// HomoLRTransferVariable names (homo_lr_transfer_variable.py and the framework/homo blocks it
// registers), sent with the job's federation under `HomoLRTransferVariable.<name>` and a tag.
import type { ComponentContext, ComponentInput, PartyRef } from '../contract.js';
import type { PaillierKeyPair } from '../crypto/paillier.js';
import type { HomoLogisticParam } from './params.js';

const PREFIX = 'HomoLRTransferVariable.';

export interface Parties {
  /** Guest first, then hosts in conf order: the rank that decides each pair's mask sign. */
  readonly clients: PartyRef[];
  readonly hosts: PartyRef[];
  readonly arbiter: PartyRef;
}

export function partiesOf(input: ComponentInput): Parties {
  const guest = input.roles.guest?.[0];
  const arbiter = input.roles.arbiter?.[0];
  const hostIds = input.roles.host ?? [];
  if (guest === undefined || hostIds.length === 0 || arbiter === undefined) {
    throw new Error('HomoLR: the job needs a guest, at least one host and an arbiter (secure aggregation pairs the training parties)');
  }
  const hosts = hostIds.map((partyId) => ({ role: 'host', partyId }));
  return { clients: [{ role: 'guest', partyId: guest }, ...hosts], hosts, arbiter: { role: 'arbiter', partyId: arbiter } };
}

export const partyName = (p: PartyRef) => `${p.role}:${p.partyId}`;

/** Per-party variables: `dh_ciphertext_guest`, `guest_model`, `host_loss`, … */
export const variable = (base: 'dh_ciphertext' | 'model' | 'loss', p: PartyRef) =>
  base === 'dh_ciphertext' ? `dh_ciphertext_${p.role}` : `${p.role}_${base}`;

/** `scope` goes before every tag (e.g. `fold2.` for one fold of a cross-validation), as FATE's flowid. */
export class Channel {
  constructor(
    private readonly ctx: ComponentContext,
    private readonly scope = '',
  ) {}
  send(name: string, tag: string, payload: unknown, to: PartyRef | PartyRef[]): Promise<void> {
    return this.ctx.federation.remote(PREFIX + name, this.scope + tag, payload, Array.isArray(to) ? to : [to]);
  }
  async get<T>(name: string, tag: string, from: PartyRef): Promise<T> {
    this.ctx.signal.throwIfAborted();
    return (await this.ctx.federation.get(PREFIX + name, this.scope + tag, from)) as T;
  }
}

/** One fit's federation scope and loss metric name (FATE: `loss`; a fold of a cross-validation: `loss.<k>`). */
export interface FitScope {
  readonly scope: string;
  readonly lossName: string;
  readonly curveName: string;
  /** Prefix of validation data set names (FATE's make_data_set_name: `fold_<k>.` in a cross-validation). */
  readonly dataSetPrefix?: string;
}
export const PLAIN_FIT: FitScope = { scope: '', lossName: 'loss', curveName: 'loss' };

export interface HomoLROptions {
  /**
   * false sends every model and loss in plain numbers: the same maths without masks, for the
   * benchmark's baseline and tests only. The registered component always masks.
   */
  readonly secureAggregation: boolean;
  /** The arbiter's key generation (tests pass one to read what the key holder can decrypt). */
  readonly generateKeys?: (bits: number) => PaillierKeyPair;
}

/** Tag of a refresh: epoch and batch, as FATE's suffix (iter_num, batch_iter_num). */
export const refreshTag = (nIter: number, batch: number) => `${nIter}.${batch}`;

/**
 * Aggregation happens at the start of epoch n_iter when this holds (the fit loop of FATE 1.4.5's
 * homo_lr_guest.py / homo_lr_host.py / homo_lr_arbiter.py): with aggregate_iters 1 at n_iter 0 too
 * (before any local epoch), so the loss is logged for n_iter 0…max_iter.
 */
export const aggregatesAt = (nIter: number, p: HomoLogisticParam) => (nIter + 1) % p.aggregateIters === 0 || nIter === p.maxIter;

export const MODEL_STREAM = 0;
export const LOSS_STREAM = 1;

// HeteroLR binary training (FATE 1.x federatedml/linear_model/.../hetero_logistic_regression, with arbiter): the guest
// holds labels and some features, hosts hold other features of the same ids, the arbiter holds the
// Paillier private key. Per iteration and batch (tag `<iteration>.<batch>`):
//   host   → guest   host_forward_dict  [[0.25·W_h·X_h]] per row (at 2^40)
//   host   → guest   loss_intermediate  [[Σ (W_h·X_h)² / 8]], host_loss_regular [[½·alpha·‖W_h‖²]]
//   guest  → hosts   fore_gradient      [[d]] = [[0.25·W_h X_h]] + Enc(0.25·(W_g X_g + b) − 0.5·y)
//   guest  → arbiter guest_gradient     [[Σ d·x_g]] (+ intercept Σ d) + random mask
//   host   → arbiter host_gradient      [[Σ d·x_h]] + random mask
//   arbiter→ parties guest_optim_gradient / host_optim_gradient: the decrypted masked sums
//   guest  → arbiter loss               [[Taylor loss sum]], [[regularisation]] (single host only)
// then per iteration: parties → arbiter {guest,host}_delta_norm (‖Δw‖² of their own step, for
// weight_diff), arbiter → parties converge_flag. Parties unmask, divide by the batch size and run the
// optimizer themselves (the Hardy et al. masked variant, spec §1.3 "Masking"), so labels, raw
// features, weights and gradients never leave their party; the arbiter sees masked values and the
// aggregate loss only. At the end hosts send plain W_h·X_h per row (host_prob) for the guest's
// predictions, as FATE does.
// Ciphertexts use standard rⁿ obfuscation unless the job opts in to DJN (encrypt_param.fedflow_obfuscation).
// With standard obfuscation the arbiter, which holds the key, deals the obfuscators (same distribution,
// ≈ 3× cheaper by CRT; security argument in obfuscatorDealer.ts):
//   arbiter→ each party paillier_obfuscators       per step `<iteration>.<batch>`, that party's own
//                                                  obfuscators for the step (rows + 2 loss terms with
//                                                  a single host), dealt ≤ 2 steps ahead
//   arbiter→ each party paillier_obfuscators_dealt after training: steps dealt, so parties take the
//                                                  unused ones dealt ahead of an early stop
// Every message of one binary fit carries the fit's scope before its tag (`ovr2.`, `fold1.`, empty for
// a plain fit), as FATE's flowid does, so one-vs-rest models and folds never mix their messages.
import type { ComponentContext, Instance, PartyRef } from '../contract.js';
import { generatePaillierKeyPair, PaillierPrivateKey, PaillierPublicKey } from '../crypto/paillier.js';
import { decryptor, type HeCipher, PaillierCipher, PlaintextCipherForTestsOnly, PRODUCT_BITS, RESIDUAL_BITS, type Ct } from './cipher.js';
import { dotColumns, gatherColumns, packedDoubles, rangeColumns, type RowsById } from './lrColumns.js';
import { getMaybePacked, type IdList, type JoinedIds, joinedIds, PackedIds } from '../packedIds.js';
import { ObfuscatorDealer } from './obfuscatorDealer.js';
import type { RowSource } from './rowSource.js';
import { type HeteroLogisticParam, initWeights, PartyOptimizer, seededRandom } from './params.js';
import { applyStep, SqnHessian, sqnSample, sqnUpdatesAt, WeightAverage } from './sqn.js';

const PREFIX = 'HeteroLRTransferVariable.';
export const SETUP_TAG = 'fit';

export interface Peers {
  guest: PartyRef;
  hosts: PartyRef[];
  arbiter: PartyRef;
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
    return ids.send(this.ctx.federation, this.prefix + name, this.scope + tag, from, to, targets);
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

export function cipherFrom(payload: PubKeyPayload, p: HeteroLogisticParam): HeCipher {
  return payload.n === null ? new PlaintextCipherForTestsOnly() : new PaillierCipher(new PaillierPublicKey(payload.n), p.obfuscation, payload.dealt === true);
}

export interface BatchInfo {
  batchSize: number;
  batchNum: number;
  /** Rows of each batch (the arbiter deals that many obfuscators per party and step). */
  batchRows: number[];
}

/** Steps dealt ahead of the last completed one: the next step is ready when a party asks for it. */
export const DEAL_WINDOW_STEPS = 2;

/** Obfuscators one party uses in one step: a fresh encryption per row, plus the two loss terms with a single host. */
function perStepEncryptions(rows: number, singleHost: boolean): number {
  return rows + (singleHost ? 2 : 0);
}

/** Extra encryptions of a party at an sqn curvature step: one per sampled row. */
export function sqnEncryptions(p: HeteroLogisticParam, info: BatchInfo, step: number): number {
  if (p.optimizer !== 'sqn' || !sqnUpdatesAt(step, p.sqn).pair) return 0;
  return Math.min(p.sqn.sampleSize, info.batchRows[step % info.batchNum]!);
}

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

/** Column-major features of the given row indices, plus a column of ones when `intercept`. */
export function featureMatrixOf(rows: readonly Instance[], featureCount: number, intercept: boolean): number[][] {
  const cols: number[][] = [];
  for (let j = 0; j < featureCount; j++) cols.push(rows.map((r) => r.features[j]!));
  if (intercept) cols.push(rows.map(() => 1));
  return cols;
}

export function dotRow(w: readonly number[], x: readonly number[]): number {
  let s = 0;
  for (let j = 0; j < x.length; j++) s += w[j]! * x[j]!;
  return s;
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

// ---------------------------------------------------------------------------------------------- arbiter

export async function trainArbiter(ctx: ComponentContext, ch: Channel, p: HeteroLogisticParam, peers: Peers, lossMetric: LossMetric, after: AfterIteration): Promise<BinaryFit> {
  let privateKey: PaillierPrivateKey | null = null;
  let n: bigint | null = null;
  if (p.encryptMethod === 'Paillier') {
    const pair = generatePaillierKeyPair(p.keyLength);
    privateKey = pair.privateKey;
    n = pair.publicKey.n;
  }
  const dealt = privateKey !== null && p.obfuscation === 'standard';
  await ch.send('paillier_pubkey', SETUP_TAG, { n, dealt } satisfies PubKeyPayload, [peers.guest, ...peers.hosts]);
  const decrypt = decryptor(privateKey);
  const decode = (c: Ct, bits: number) => (n === null ? (c as number) : Number(c as bigint) / 2 ** bits);
  const info = await ch.get<BatchInfo>('batch_info', SETUP_TAG, peers.guest);
  const withLoss = peers.hosts.length === 1;
  if (!withLoss && p.earlyStop !== 'weight_diff') throw new Error('HeteroLR: with several hosts only early_stop weight_diff is supported (the loss is not computed with several hosts)');
  const parties = [...peers.hosts, peers.guest];
  const dealer = dealt && privateKey
    ? new ObfuscatorDealer(
        privateKey,
        {
          steps: p.maxIter * info.batchNum,
          tag: (step) => stepTag(step, info.batchNum),
          shares: (step) => parties.map((party) => ({ party, count: perStepEncryptions(info.batchRows[step % info.batchNum]!, withLoss) + sqnEncryptions(p, info, step) })),
          window: DEAL_WINDOW_STEPS,
        },
        (tag, obfuscators, to) => ch.send('paillier_obfuscators', tag, obfuscators, to),
      )
    : null;
  try {
    return await arbiterLoop(ctx, ch, p, peers, info, withLoss, decrypt, decode, dealer, lossMetric, after);
  } finally {
    // After training the dealer has already stopped (stop is idempotent); after a failure this ends
    // its helper threads, and a dealing error must not hide the failure itself.
    await dealer?.stop().catch(() => {});
  }
}

async function arbiterLoop(
  ctx: ComponentContext,
  ch: Channel,
  p: HeteroLogisticParam,
  peers: Peers,
  info: BatchInfo,
  withLoss: boolean,
  decrypt: (c: Ct) => Ct,
  decode: (c: Ct, bits: number) => number,
  dealer: ObfuscatorDealer | null,
  lossMetric: LossMetric,
  after: AfterIteration,
): Promise<BinaryFit> {
  // A failed dealer ends the wait at once: the parties would wait for their obfuscators forever.
  const watched = <T>(waiting: Promise<T>): Promise<T> => (dealer ? Promise.race([waiting, dealer.failed]) : waiting);
  if (withLoss) ctx.tracker.setMetricMeta(lossMetric.namespace, lossMetric.name, { name: lossMetric.namespace, metric_type: 'LOSS', unit_name: 'iters', curve_name: lossMetric.curveName });
  const lossHistory: number[] = [];
  let converged = false;
  let iter = 0;
  let stopped = false;
  const sqn = p.optimizer === 'sqn' ? { hessian: new SqnHessian(p.sqn.memoryM), average: new WeightAverage(p.sqn), weights: null as number[] | null } : null;
  const lr = new PartyOptimizer(p, 0);
  for (; iter < p.maxIter && !converged && !stopped; iter++) {
    let lossSum = 0;
    for (let b = 0; b < info.batchNum; b++) {
      const tag = `${iter}.${b}`;
      const guestGrad = await watched(ch.get<Ct[]>('guest_gradient', tag, peers.guest));
      await ch.send('guest_optim_gradient', tag, guestGrad.map(decrypt), peers.guest);
      for (const host of peers.hosts) {
        const hostGrad = await watched(ch.get<Ct[]>('host_gradient', tag, host));
        await ch.send('host_optim_gradient', tag, hostGrad.map(decrypt), host);
      }
      if (withLoss) {
        const loss = await watched(ch.get<{ sum: Ct; regular: Ct; n: number }>('loss', tag, peers.guest));
        lossSum += Math.LN2 + decode(decrypt(loss.sum), PRODUCT_BITS) / loss.n + decode(decrypt(loss.regular), PRODUCT_BITS);
      }
      if (sqn) await arbiterSqnStep(ch, peers, sqn, lr.lr(iter), iter * info.batchNum + b, tag, decrypt, decode, watched);
      dealer?.advance(iter * info.batchNum + b + 1);
    }
    const tag = String(iter);
    let deltaNormSq = await watched(ch.get<number>('guest_delta_norm', tag, peers.guest));
    for (const host of peers.hosts) deltaNormSq += await watched(ch.get<number>('host_delta_norm', tag, host));
    if (withLoss) {
      const loss = lossSum / info.batchNum;
      lossHistory.push(loss);
      ctx.tracker.logMetricData(lossMetric.namespace, lossMetric.name, [[iter, loss]]);
    }
    const cur = lossHistory[lossHistory.length - 1];
    const prev = lossHistory[lossHistory.length - 2];
    if (p.earlyStop === 'weight_diff') converged = Math.sqrt(deltaNormSq) < p.tol;
    else if (p.earlyStop === 'abs') converged = cur !== undefined && cur <= p.tol;
    else converged = cur !== undefined && prev !== undefined && Math.abs(prev - cur) < p.tol;
    await ch.send('converge_flag', tag, converged, [peers.guest, ...peers.hosts]);
    stopped = await after(iter, []);
    ctx.tracker.setProgress(Math.round(((iter + 1) / p.maxIter) * 100));
  }
  if (dealer) {
    const dealtTo = await dealer.stop();
    for (const party of [...peers.hosts, peers.guest]) await ch.send('paillier_obfuscators_dealt', SETUP_TAG, dealtTo(party), party);
  }
  return { coef: [], intercept: 0, iters: iter, converged, lossHistory, bestIteration: -1 };
}

type SqnState = { hessian: SqnHessian; average: WeightAverage; weights: number[] | null };

/** The arbiter's part of an sqn step: the parties' gradients → lr·H·g back, then the curvature pair. */
async function arbiterSqnStep(
  ch: Channel,
  peers: Peers,
  sqn: SqnState,
  lr: number,
  step: number,
  tag: string,
  decrypt: (c: Ct) => Ct,
  decode: (c: Ct, bits: number) => number,
  watched: <T>(w: Promise<T>) => Promise<T>,
): Promise<void> {
  const parties = [...peers.hosts, peers.guest];
  const name = (party: PartyRef, what: string) => `${party.role}_${what}`;
  const blocks: number[][] = [];
  for (const party of parties) blocks.push(await watched(ch.get<number[]>(name(party, 'sqn_gradient'), tag, party)));
  const delta = sqn.hessian.step(blocks.flat(), lr);
  let at = 0;
  for (const [i, party] of parties.entries()) {
    await ch.send(name(party, 'sqn_step'), tag, delta.slice(at, at + blocks[i]!.length), party);
    at += blocks[i]!.length;
  }
  sqn.weights = (sqn.weights ?? delta.map(() => 0)).map((w, j) => w - delta[j]!);
  const point = sqn.average.add(sqn.weights, step);
  if (!point?.s) return;
  const y: number[] = [];
  for (const party of parties) {
    const hv = await watched(ch.get<{ ct: Ct[]; n: number; reg: number[] }>(name(party, 'hess_vector'), tag, party));
    hv.ct.forEach((c, j) => y.push(decode(decrypt(c), PRODUCT_BITS) / hv.n + hv.reg[j]!));
  }
  sqn.hessian.addPair(point.s, y);
}

// ------------------------------------------------------------------------------------------ host / guest

interface Batch {
  n: number;
  /**
   * The batch's feature columns (no column of ones) and their prepared form, kept for the whole fit;
   * null when the rows are read from storage at each step (rowSource.ts), from row `from` on.
   */
  features: Float64Array[] | null;
  prepared: ReturnType<HeCipher['prepare']> | null;
  from: number;
}

/**
 * A batch's feature columns and prepared form for this step: the kept ones, or its rows read again
 * from storage into the source's buffers (valid until the next read) and prepared for this step.
 */
function stepColumns(cipher: HeCipher, batch: Batch, read: (from: number, to: number, intercept: boolean) => Float64Array[], featureCount: number, intercept: boolean) {
  if (batch.features && batch.prepared) return { features: batch.features, prepared: batch.prepared };
  const columns = read(batch.from, batch.from + batch.n, intercept);
  return { features: columns.slice(0, featureCount), prepared: cipher.prepare(columns) };
}

/**
 * A step's own batch-sized arrays (W·x, the guest's g and loss column), the same buffers step after
 * step (issue 17). Fresh ones were ~0.8 MB each a step: off-heap memory that counts towards V8's
 * external limit, whose whole-heap marks cost more the more ids the worker holds (10M rows). Each
 * view is only used within its step, every value written before it is read.
 */
class StepScratch {
  private readonly buffers = new Map<string, Float64Array>();
  private readonly lists = new Map<number, number[]>();
  view(name: string, n: number): Float64Array {
    let buffer = this.buffers.get(name);
    if (!buffer || buffer.length < n) this.buffers.set(name, (buffer = new Float64Array(n)));
    return buffer.subarray(0, n);
  }
  /**
   * A packed array of exactly n numbers, the same one for every step with n rows (the full batches
   * and the last one): a fresh 100,000-number array is a large object, new pages every step.
   */
  numbers(n: number): number[] {
    let list = this.lists.get(n);
    if (!list) this.lists.set(n, (list = packedDoubles(n)));
    return list;
  }
}

/**
 * Encrypts values the caller never modifies afterwards. The plaintext mode's "ciphertexts" are the
 * values themselves (its encrypt is a copy): handed over as they are, one batch-sized copy less a
 * step. Within its step only: a scratch array passed here must not be sent.
 */
function encryptOwned(cipher: HeCipher, values: number[], scaleBits: number): Promise<Ct[]> {
  return cipher.plaintext ? Promise.resolve(values) : cipher.encrypt(values, scaleBits);
}

/**
 * A party's sqn step: its mean gradient (+ alpha·w for L2, coefficients only) to the arbiter in clear
 * (as FATE's arbiter sees it), the arbiter's lr·H·g back, applied as FATE's regularization_update.
 */
async function sqnPartyStep(ch: Channel, role: 'guest' | 'host', arbiter: PartyRef, p: HeteroLogisticParam, w: readonly number[], gradient: readonly number[], coefCount: number, tag: string, lr: number) {
  const g = gradient.map((v, j) => v + (p.penalty === 'L2' && j < coefCount ? p.alpha * w[j]! : 0));
  await ch.send(`${role}_sqn_gradient`, tag, g, arbiter);
  const delta = await ch.get<number[]>(`${role}_sqn_step`, tag, arbiter);
  const weights = applyStep(w, delta, coefCount, p.penalty, p.alpha, lr);
  return { weights, delta: w.map((v, j) => v - weights[j]!) };
}

/** Unmask the arbiter's answer and divide by the batch size: the party's mean gradient. */
export function unmaskGradient(cipher: HeCipher, decrypted: Ct[], masks: Ct[], n: number): number[] {
  return decrypted.map((d, j) => cipher.unmask(d, masks[j]!, PRODUCT_BITS) / n);
}

/** A host's rows by id (the guest names the ids of each batch). */
export function rowLookup(rows: readonly [string, Instance][]): (key: string) => Instance {
  const byKey = new Map(rows);
  return (k) => {
    const inst = byKey.get(k);
    if (!inst) throw new Error(`HeteroLR: host has no row for id ${JSON.stringify(k)} (intersect first)`);
    return inst;
  };
}

export async function trainHost(
  ctx: ComponentContext,
  ch: Channel,
  p: HeteroLogisticParam,
  peers: Peers,
  featureCount: number,
  data: RowsById,
  after: AfterIteration,
): Promise<BinaryFit> {
  const pubKey = await ch.get<PubKeyPayload>('paillier_pubkey', SETUP_TAG, peers.arbiter);
  const dealt = pubKey.dealt === true;
  const cipher = cipherFrom(pubKey, p);
  const info = await ch.get<BatchInfo>('batch_info', SETUP_TAG, peers.guest);
  const batches: Batch[] = [];
  for (let b = 0; b < info.batchNum; b++) {
    const keys = await ch.getIds('batch_data_index', `${SETUP_TAG}.${b}`, peers.guest);
    // A big stored table: the batch's rows are read at each step (rowSource.ts), not held.
    const at = data.batchOf(keys);
    batches.push(at.features ? { n: keys.length, features: at.features, prepared: cipher.prepare(at.features), from: -1 } : { n: keys.length, features: null, prepared: null, from: at.from });
  }
  let w = initWeights(p.initMethod, featureCount, seededRandom(p.randomSeed === null ? null : p.randomSeed + 1));
  const optimizer = new PartyOptimizer(p, featureCount);
  const sqn = p.optimizer === 'sqn' ? new WeightAverage(p.sqn) : null;
  let converged = false;
  let stopped = false;
  let iter = 0;
  // Per iteration: one [[0.25·W_h X_h]] per row, plus the two loss terms with a single host.
  const perIteration = batches.reduce((s, b) => s + perStepEncryptions(b.n, peers.hosts.length === 1), 0);
  if (!sqn) cipher.prefetch(p.maxIter * perIteration, perIteration);
  const scratch = new StepScratch();
  try {
    for (; iter < p.maxIter && !converged && !stopped; iter++) {
      let deltaSum = new Array<number>(w.length).fill(0);
      for (let b = 0; b < batches.length; b++) {
        const tag = `${iter}.${b}`;
        const batch = batches[b]!;
        await receiveDealt(ch, cipher, dealt, tag, peers.arbiter);
        const { features, prepared } = stepColumns(cipher, batch, (from, to) => data.source.range(from, to, false), featureCount, false);
        const wx = dotColumns(w, features, batch.n, scratch.view('wx', batch.n));
        const quarter = packedDoubles(batch.n);
        for (let i = 0; i < batch.n; i++) quarter[i] = 0.25 * wx[i]!;
        await ch.send('host_forward_dict', tag, await encryptOwned(cipher, quarter, RESIDUAL_BITS), peers.guest);
        if (peers.hosts.length === 1) {
          let sq = 0;
          for (const v of wx) sq += v * v;
          const reg = p.penalty === 'L2' ? 0.5 * p.alpha * dotRow(w, w) : p.penalty === 'L1' ? p.alpha * w.reduce((s, x) => s + Math.abs(x), 0) : 0;
          await ch.send('loss_intermediate', tag, (await cipher.encrypt([sq / 8], PRODUCT_BITS))[0], peers.guest);
          await ch.send('host_loss_regular', tag, (await cipher.encrypt([reg], PRODUCT_BITS))[0], peers.guest);
        }
        const d = await ch.get<Ct[]>('fore_gradient', tag, peers.guest);
        const { masked, masks } = cipher.mask(await cipher.dotsAsync(d, prepared));
        await ch.send('host_gradient', tag, masked, peers.arbiter);
        const decrypted = await ch.get<Ct[]>('host_optim_gradient', tag, peers.arbiter);
        const gradient = unmaskGradient(cipher, decrypted, masks, batch.n);
        const stepIndex = iter * batches.length + b;
        const step = sqn ? await sqnPartyStep(ch, 'host', peers.arbiter, p, w, gradient, featureCount, tag, optimizer.lr(iter)) : optimizer.step(w, gradient, iter);
        w = step.weights;
        deltaSum = deltaSum.map((s, j) => s + step.delta[j]!);
        const point = sqn?.add(w, stepIndex);
        if (point?.s) {
          // The Hessian-vector product on the guest's sample: [[0.25·x_h·s_h]] to the guest, [[Σ f·x_h]] to the arbiter.
          const sampleKeys = await ch.get<string[]>('sqn_sample_index', tag, peers.guest);
          // The sample is rows of this step's batch: gathered from the batch in hand (a big stored
          // table's rows read for this step, rowSource.ts), not looked up over the whole table.
          const at = batch.from >= 0 ? data.positionsIn(sampleKeys, batch.from, batch.from + batch.n) : undefined;
          const sample = at ? gatherColumns(features, at, false) : data.features(sampleKeys);
          const sx = dotColumns(point.s, sample, sampleKeys.length);
          await ch.send('host_sqn_forwards', tag, await cipher.encrypt(Array.from(sx, (v) => 0.25 * v), RESIDUAL_BITS), peers.guest);
          const forwardHess = await ch.get<Ct[]>('forward_hess', tag, peers.guest);
          const ct = cipher.dots(forwardHess, cipher.prepare(sample));
          await ch.send('host_hess_vector', tag, { ct, n: sampleKeys.length, reg: point.s.map((v) => (p.penalty === 'L2' ? p.alpha * v : 0)) }, peers.arbiter);
        }
      }
      await ch.send('host_delta_norm', String(iter), dotRow(deltaSum, deltaSum), peers.arbiter);
      converged = await ch.get<boolean>('converge_flag', String(iter), peers.arbiter);
      stopped = await after(iter, w);
      ctx.tracker.setProgress(Math.round(((iter + 1) / p.maxIter) * 100));
    }
    await drainDealt(ch, dealt, iter * batches.length, batches.length, peers.arbiter);
  } finally {
    cipher.close();
  }
  return { coef: w, intercept: 0, iters: iter, converged, lossHistory: [], bestIteration: -1 };
}

/** The guest's training rows as columns: ids, feature columns and labels as 0/1. */
export interface GuestRows {
  keys: readonly string[];
  /** The feature columns; or `source`, a big stored table's rows read a batch at a time (rowSource.ts). */
  features?: readonly Float64Array[];
  source?: RowSource;
  labels: ArrayLike<number>;
}

export async function trainGuest(ctx: ComponentContext, ch: Channel, p: HeteroLogisticParam, peers: Peers, featureCount: number, data: GuestRows, after: AfterIteration): Promise<BinaryFit> {
  const k = featureCount;
  const total = data.keys.length;
  if (total === 0) throw new Error('HeteroLR: the train data has no rows');
  const pubKey = await ch.get<PubKeyPayload>('paillier_pubkey', SETUP_TAG, peers.arbiter);
  const dealt = pubKey.dealt === true;
  const cipher = cipherFrom(pubKey, p);
  // FATE's MiniBatch: consecutive runs of batch_size rows in table order, the last one shorter.
  const size = p.batchSize === -1 || p.batchSize >= total ? total : p.batchSize;
  const batchNum = Math.max(1, Math.ceil(total / size));
  const batchRows = Array.from({ length: batchNum }, (_, b) => Math.min(size, total - b * size));
  const info: BatchInfo = { batchSize: size, batchNum, batchRows };
  await ch.send('batch_info', SETUP_TAG, info, [...peers.hosts, peers.arbiter]);
  const batches: (Batch & { y: Float64Array })[] = [];
  const joined = joinedIds(data.keys);
  const read = (from: number, to: number, intercept: boolean): Float64Array[] =>
    data.source ? data.source.range(from, to, intercept) : rangeColumns(data.features ?? [], from, to, intercept);
  // Rows read from storage (rowSource.ts) are read again at each step; views of columns in memory are kept.
  const kept = !data.source || data.source.stable;
  for (let b = 0; b < batchNum; b++) {
    const from = b * size;
    const to = Math.min(total, from + size);
    await ch.sendIds('batch_data_index', `${SETUP_TAG}.${b}`, joined, from, to, peers.hosts);
    const y = new Float64Array(to - from);
    for (let i = 0; i < y.length; i++) y[i] = data.labels[from + i] === 1 ? 1 : -1;
    if (!kept) {
      batches.push({ n: to - from, features: null, y, prepared: null, from });
      continue;
    }
    const features = read(from, to, false);
    batches.push({ n: to - from, features, y, prepared: cipher.prepare(read(from, to, p.fitIntercept)), from });
  }
  // Coefficients then the intercept (kept at 0 and never stepped without fit_intercept).
  let w = initWeights(p.initMethod, p.fitIntercept ? k + 1 : k, seededRandom(p.randomSeed));
  if (!p.fitIntercept) w.push(0);
  const stepped = p.fitIntercept ? k + 1 : k;
  const optimizer = new PartyOptimizer(p, k);
  const sqn = p.optimizer === 'sqn' ? new WeightAverage(p.sqn) : null;
  const withLoss = peers.hosts.length === 1;
  let converged = false;
  let stopped = false;
  let iter = 0;
  // Per iteration: one fresh encryption per row for [[d]], plus the two loss terms with a single host.
  const perIteration = batches.reduce((s, b) => s + perStepEncryptions(b.n, withLoss), 0);
  if (!sqn) cipher.prefetch(p.maxIter * perIteration, perIteration);
  const scratch = new StepScratch();
  try {
    for (; iter < p.maxIter && !converged && !stopped; iter++) {
      let deltaSum = new Array<number>(stepped).fill(0);
      for (let b = 0; b < batches.length; b++) {
        const tag = `${iter}.${b}`;
        const batch = batches[b]!;
        const n = batch.n;
        await receiveDealt(ch, cipher, dealt, tag, peers.arbiter);
        const { features, prepared } = stepColumns(cipher, batch, read, k, p.fitIntercept);
        const wx = dotColumns(w, features, n, scratch.view('wx', n));
        // Plain loops over typed arrays, not map() closures: at 100,000 rows a batch these were most
        // of the guest's own time (bench:columnar-lr). Same operations in the same order.
        const y = batch.y;
        const bias = w[k]!;
        const gx = scratch.view('gx', n);
        for (let i = 0; i < n; i++) gx[i] = wx[i]! + bias;
        // [[d]] = Σ_hosts [[0.25·W_h X_h]] + Enc(0.25·(W_g X_g + b) − 0.5·y). The guest's own part is
        // encrypted first, while the hosts encrypt theirs, so the two encryption phases overlap.
        // A packed array (packedDoubles): the plaintext mode's "ciphertexts" are these numbers.
        // `own` is the step's scratch (never sent: [[d]] below is a new array), reused step after step.
        const own = scratch.numbers(n);
        for (let i = 0; i < n; i++) own[i] = 0.25 * gx[i]! - 0.5 * y[i]!;
        let d = await encryptOwned(cipher, own, RESIDUAL_BITS);
        let fwd: Ct[] | null = null;
        const hostLoss: Ct[] = [];
        for (const host of peers.hosts) {
          const f = await ch.get<Ct[]>('host_forward_dict', tag, host);
          fwd = fwd === null ? f : cipher.addPairs(fwd, f);
          if (withLoss) {
            hostLoss.push(await ch.get<Ct>('loss_intermediate', tag, host));
            hostLoss.push(await ch.get<Ct>('host_loss_regular', tag, host));
          }
        }
        d = cipher.addPairs(d, fwd!);
        await ch.send('fore_gradient', tag, d, peers.hosts);
        // Gradient columns plus, for the loss, the column c_i = g_i − 2·y_i:
        //   Σ h_i·(−0.5·y_i + 0.25·g_i) = Σ fwd_i·c_i = Σ d_i·c_i − Σ own_i·c_i.
        const c = scratch.view('c', n);
        for (let i = 0; i < n; i++) c[i] = gx[i]! - 2 * y[i]!;
        const lossCols = withLoss ? cipher.prepare([c]) : null;
        const { masked, masks } = cipher.mask(await cipher.dotsAsync(d, prepared));
        await ch.send('guest_gradient', tag, masked, peers.arbiter);
        if (withLoss) {
          const [cross] = cipher.dots(d, lossCols!);
          let plain = 0;
          for (let i = 0; i < n; i++) plain += -0.5 * y[i]! * gx[i]! + (gx[i]! * gx[i]!) / 8 - own[i]! * c[i]!;
          const wg = w.slice(0, k);
          const reg = p.penalty === 'L2' ? 0.5 * p.alpha * dotRow(wg, wg) : p.penalty === 'L1' ? p.alpha * wg.reduce((s, x) => s + Math.abs(x), 0) : 0;
          // cross is at 2^63 (= 2^40 · 2^23); plain and the host's loss_intermediate at 2^63 too.
          const [plainCt, regCt] = await cipher.encrypt([plain, reg], PRODUCT_BITS);
          const sum = cipher.add(cross!, plainCt!, hostLoss[0]!);
          const regular = cipher.add(regCt!, hostLoss[1]!);
          await ch.send('loss', tag, { sum, regular, n }, peers.arbiter);
        }
        const decrypted = await ch.get<Ct[]>('guest_optim_gradient', tag, peers.arbiter);
        const gradient = unmaskGradient(cipher, decrypted, masks, n);
        const stepIndex = iter * batches.length + b;
        const step = sqn ? await sqnPartyStep(ch, 'guest', peers.arbiter, p, w.slice(0, stepped), gradient, k, tag, optimizer.lr(iter)) : optimizer.step(w.slice(0, stepped), gradient, iter);
        w = p.fitIntercept ? step.weights : [...step.weights, 0];
        deltaSum = deltaSum.map((s, j) => s + step.delta[j]!);
        const point = sqn?.add(w.slice(0, stepped), stepIndex);
        if (point?.s) {
          // The Hessian-vector product: forward_hess = 0.25·(x_g·s_g + s_b) + Σ_hosts [[0.25·x_h·s_h]].
          const sample = sqnSample(n, p.sqn, stepIndex);
          await ch.send('sqn_sample_index', tag, sample.map((i) => data.keys[batch.from + i]!), peers.hosts);
          const at = Int32Array.from(sample);
          const sg = point.s;
          const sx = dotColumns(sg, gatherColumns(features, at, false), at.length);
          let f = await cipher.encrypt(Array.from(sx, (v) => 0.25 * (v + (p.fitIntercept ? sg[k]! : 0))), RESIDUAL_BITS);
          for (const host of peers.hosts) {
            const hf = await ch.get<Ct[]>('host_sqn_forwards', tag, host);
            f = f.map((c, i) => cipher.add(c, hf[i]!));
          }
          await ch.send('forward_hess', tag, f, peers.hosts);
          const ct = cipher.dots(f, cipher.prepare(gatherColumns(features, at, p.fitIntercept)));
          await ch.send('guest_hess_vector', tag, { ct, n: at.length, reg: sg.map((v, j) => (p.penalty === 'L2' && j < k ? p.alpha * v : 0)) }, peers.arbiter);
        }
      }
      await ch.send('guest_delta_norm', String(iter), dotRow(deltaSum, deltaSum), peers.arbiter);
      converged = await ch.get<boolean>('converge_flag', String(iter), peers.arbiter);
      stopped = await after(iter, w);
      ctx.tracker.setProgress(Math.round(((iter + 1) / p.maxIter) * 100));
    }
    await drainDealt(ch, dealt, iter * batches.length, batches.length, peers.arbiter);
  } finally {
    cipher.close();
  }
  return { coef: w.slice(0, k), intercept: w[k]!, iters: iter, converged, lossHistory: [], bestIteration: -1 };
}

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
// The loops every hetero linear model shares (the arbiter's key, dealing, decryption and convergence
// check; the parties' iterations and masked gradient exchange) are in ../linearModel/; this file keeps
// what is HeteroLR's own: the Taylor forwards and loss, the stored-table batches, sqn.
// Every message of one binary fit carries the fit's scope before its tag (`ovr2.`, `fold1.`, empty for
// a plain fit), as FATE's flowid does, so one-vs-rest models and folds never mix their messages.
import type { Instance } from '../../tableData/dataTable.js';
import type { ComponentContext, PartyRef } from '../contract.js';
import { type ArbiterModel, linearArbiter } from '../linearModel/arbiter.js';
import { type BatchStep, guestStepped, guestWeights, hostWeights, meanGradient, partyIterations, sendMaskedGradient } from '../linearModel/party.js';
import { type AfterIteration, type BatchInfo, type BinaryFit, type Channel, hostBatches, type LossMetric, miniBatches, partyCipher, type Peers, penalty, SETUP_TAG } from '../linearModel/protocol.js';
import { type HeCipher, PRODUCT_BITS, RESIDUAL_BITS, type Ct } from '../linearModel/cipher.js';
import { dotColumns, gatherColumns, rangeColumns, type RowsById } from '../linearModel/featureColumns.js';
import { packedDoubles } from '../../tableData/packedDoubles.js';
import { joinedIds } from '../../tableData/packedIds.js';
import type { RowSource } from '../linearModel/rowSource.js';
import { type HeteroLogisticParam, PartyOptimizer } from '../linearModel/params.js';
import { applyStep, SqnHessian, sqnSample, sqnUpdatesAt, WeightAverage } from './sqn.js';

/** Obfuscators one party uses in one step: a fresh encryption per row, plus the two loss terms with a single host. */
function perStepEncryptions(rows: number, singleHost: boolean): number {
  return rows + (singleHost ? 2 : 0);
}

/** Extra encryptions of a party at an sqn curvature step: one per sampled row. */
export function sqnEncryptions(p: HeteroLogisticParam, info: BatchInfo, step: number): number {
  if (p.optimizer !== 'sqn' || !sqnUpdatesAt(step, p.sqn).pair) return 0;
  return Math.min(p.sqn.sampleSize, info.batchRows[step % info.batchNum]!);
}

/** Column-major features of the given row indices, plus a column of ones when `intercept`. */
export function featureMatrixOf(rows: readonly Instance[], featureCount: number, intercept: boolean): number[][] {
  const cols: number[][] = [];
  for (let j = 0; j < featureCount; j++) cols.push(rows.map((r) => r.features[j]!));
  if (intercept) cols.push(rows.map(() => 1));
  return cols;
}

// ---------------------------------------------------------------------------------------------- arbiter

export async function trainArbiter(ctx: ComponentContext, ch: Channel, p: HeteroLogisticParam, peers: Peers, lossMetric: LossMetric, after: AfterIteration): Promise<BinaryFit> {
  const sqn = p.optimizer === 'sqn' ? { hessian: new SqnHessian(p.sqn.memoryM), average: new WeightAverage(p.sqn), weights: null as number[] | null } : null;
  const lr = new PartyOptimizer(p, 0);
  const model: ArbiterModel = {
    who: 'HeteroLR',
    encryptions: (_role, step, info, withLoss) => perStepEncryptions(info.batchRows[step % info.batchNum]!, withLoss) + sqnEncryptions(p, info, step),
    lossBits: PRODUCT_BITS,
    // The Taylor loss per row is ln 2 − ½·y·W·x + (W·x)²/8: its constant term is added here.
    batchLoss: (meanSum, regular) => Math.LN2 + meanSum + regular,
    ...(sqn ? { afterStep: (at) => arbiterSqnStep(ch, peers, sqn, lr.lr(at.iter), at.step, at.tag, at.decrypt, at.decode, at.watched) } : {}),
  };
  return linearArbiter(ctx, ch, p, peers, model, lossMetric, after);
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
  const { cipher, dealt } = await partyCipher(ch, p, peers.arbiter);
  const { batches } = await hostBatches<Batch>(ch, peers.guest, (keys) => {
    // A big stored table: the batch's rows are read at each step (rowSource.ts), not held.
    const at = data.batchOf(keys);
    return at.features ? { n: keys.length, features: at.features, prepared: cipher.prepare(at.features), from: -1 } : { n: keys.length, features: null, prepared: null, from: at.from };
  });
  const weights = hostWeights(p, featureCount);
  const optimizer = new PartyOptimizer(p, featureCount);
  const sqn = p.optimizer === 'sqn' ? new WeightAverage(p.sqn) : null;
  // Per iteration: one [[0.25·W_h X_h]] per row, plus the two loss terms with a single host.
  const perIteration = batches.reduce((s, b) => s + perStepEncryptions(b.n, peers.hosts.length === 1), 0);
  if (!sqn) cipher.prefetch(p.maxIter * perIteration, perIteration);
  const scratch = new StepScratch();
  const step: BatchStep = async (iter, b, tag, w) => {
    const batch = batches[b]!;
    const { features, prepared } = stepColumns(cipher, batch, (from, to) => data.source.range(from, to, false), featureCount, false);
    const wx = dotColumns(w, features, batch.n, scratch.view('wx', batch.n));
    const quarter = packedDoubles(batch.n);
    for (let i = 0; i < batch.n; i++) quarter[i] = 0.25 * wx[i]!;
    await ch.send('host_forward_dict', tag, await encryptOwned(cipher, quarter, RESIDUAL_BITS), peers.guest);
    if (peers.hosts.length === 1) {
      let sq = 0;
      for (const v of wx) sq += v * v;
      const reg = penalty(p, w);
      await ch.send('loss_intermediate', tag, (await cipher.encrypt([sq / 8], PRODUCT_BITS))[0], peers.guest);
      await ch.send('host_loss_regular', tag, (await cipher.encrypt([reg], PRODUCT_BITS))[0], peers.guest);
    }
    const d = await ch.get<Ct[]>('fore_gradient', tag, peers.guest);
    const masks = await sendMaskedGradient(ch, cipher, 'host', tag, peers.arbiter, await cipher.dotsAsync(d, prepared));
    const gradient = await meanGradient(ch, cipher, 'host', tag, peers.arbiter, masks, PRODUCT_BITS, batch.n);
    const stepIndex = iter * batches.length + b;
    const stepped = sqn ? await sqnPartyStep(ch, 'host', peers.arbiter, p, w, gradient, featureCount, tag, optimizer.lr(iter)) : optimizer.step(w, gradient, iter);
    const point = sqn?.add(stepped.weights, stepIndex);
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
    return stepped;
  };
  return partyIterations(ctx, ch, p, peers.arbiter, { role: 'host', cipher, dealt, batchNum: batches.length, weights, stepped: featureCount }, step, after);
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
  const { cipher, dealt } = await partyCipher(ch, p, peers.arbiter);
  const info = miniBatches(total, p.batchSize);
  const { batchSize: size, batchNum } = info;
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
  const { weights, stepped } = guestWeights(p, k);
  const optimizer = new PartyOptimizer(p, k);
  const sqn = p.optimizer === 'sqn' ? new WeightAverage(p.sqn) : null;
  const withLoss = peers.hosts.length === 1;
  // Per iteration: one fresh encryption per row for [[d]], plus the two loss terms with a single host.
  const perIteration = batches.reduce((s, b) => s + perStepEncryptions(b.n, withLoss), 0);
  if (!sqn) cipher.prefetch(p.maxIter * perIteration, perIteration);
  const scratch = new StepScratch();
  const step: BatchStep = async (iter, b, tag, w) => {
    const batch = batches[b]!;
    const n = batch.n;
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
    const masks = await sendMaskedGradient(ch, cipher, 'guest', tag, peers.arbiter, await cipher.dotsAsync(d, prepared));
    if (withLoss) {
      const [cross] = cipher.dots(d, lossCols!);
      let plain = 0;
      for (let i = 0; i < n; i++) plain += -0.5 * y[i]! * gx[i]! + (gx[i]! * gx[i]!) / 8 - own[i]! * c[i]!;
      const reg = penalty(p, w.slice(0, k));
      // cross is at 2^63 (= 2^40 · 2^23); plain and the host's loss_intermediate at 2^63 too.
      const [plainCt, regCt] = await cipher.encrypt([plain, reg], PRODUCT_BITS);
      const sum = cipher.add(cross!, plainCt!, hostLoss[0]!);
      const regular = cipher.add(regCt!, hostLoss[1]!);
      await ch.send('loss', tag, { sum, regular, n }, peers.arbiter);
    }
    const gradient = await meanGradient(ch, cipher, 'guest', tag, peers.arbiter, masks, PRODUCT_BITS, n);
    const stepIndex = iter * batches.length + b;
    const s = guestStepped(p, sqn ? await sqnPartyStep(ch, 'guest', peers.arbiter, p, w.slice(0, stepped), gradient, k, tag, optimizer.lr(iter)) : optimizer.step(w.slice(0, stepped), gradient, iter));
    const point = sqn?.add(s.weights.slice(0, stepped), stepIndex);
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
    return s;
  };
  return partyIterations(ctx, ch, p, peers.arbiter, { role: 'guest', cipher, dealt, batchNum: batches.length, weights, stepped }, step, after);
}

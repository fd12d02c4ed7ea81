// HeteroLinR and HeteroPoisson training (FATE 1.4 hetero_linear_regression / hetero_poisson_regression
// with arbiter; federatedml/optim/gradient/hetero_{linr,poisson}_gradient_and_loss.py). Same parties
// and the same masked-gradient shape as HeteroLR (heteroLR/binaryTrain.ts), with the exact residuals
// of each model instead of LR's Taylor expansion. Per iteration and batch (tag `<iteration>.<batch>`):
//   LinR
//     host  → guest   host_forward       [[W_h·x]] per row (at 2^40)
//     host  → guest   loss_intermediate  [[½·Σ (W_h·x)²]], host_loss_regular [[penalty]]  (single host)
//     guest → hosts   fore_gradient      [[d]] = Σ_hosts [[W_h·x]] + Enc(W_g·x + b − y)
//   Poisson (single host; FATE refuses several)
//     host  → guest   host_forward       [[exp(W_h·x)]] per row (at 2^40)
//     host  → guest   loss_intermediate  [[W_h·x]] per row, host_loss_regular [[penalty]]
//     guest → host    fore_gradient      [[d]] = [[exp(W_h·x)]] ⊗ exp(W_g·x + b + ln exposure) + Enc(−y)
//                                         (a ciphertext times the guest's plain factor, at 2^80)
//   guest → arbiter  guest_gradient [[Σ d·x_g]] (+ intercept) + mask; host → arbiter host_gradient
//   arbiter → each   the decrypted masked sums; parties unmask, divide by the batch size and step their
//                    own optimizer (PartyOptimizer: FATE's optimizers, coordinate-wise)
//   guest → arbiter  loss: [[Σ loss terms]] and [[penalties]] — one aggregate (single host only)
// then {guest,host}_delta_norm and converge_flag as HeteroLR. Labels, raw features and weights stay at
// their party; the host sees only ciphertexts; the arbiter sees masked sums and the aggregate loss.
// With standard obfuscation the arbiter deals each party its obfuscators (heteroLR/obfuscatorDealer.ts).
import type { ComponentContext, PartyRef } from '../contract.js';
import { generatePaillierKeyPair, type PaillierPrivateKey } from '../crypto/paillier.js';
import {
  type BatchInfo,
  type BinaryFit,
  type Channel,
  cipherFrom,
  DEAL_WINDOW_STEPS,
  dotRow,
  drainDealt,
  type LossMetric,
  type Peers,
  type PubKeyPayload,
  receiveDealt,
  SETUP_TAG,
  stepTag,
  type AfterIteration,
} from '../heteroLR/binaryTrain.js';
import { type Ct, decryptor, FEATURE_BITS, type HeCipher, PRODUCT_BITS, RESIDUAL_BITS } from '../heteroLR/cipher.js';
import { dotColumns, rangeColumns, type RowsById } from '../heteroLR/lrColumns.js';
import { ObfuscatorDealer } from '../heteroLR/obfuscatorDealer.js';
import { initWeights, PartyOptimizer, seededRandom } from '../heteroLR/params.js';
import type { GlmParam } from './params.js';

export type Family = 'linr' | 'poisson';

/** Scale of [[d]]: LinR 2^40; Poisson 2^80 (a 2^40 ciphertext times a 2^40 factor). */
const dBits = (f: Family) => (f === 'linr' ? RESIDUAL_BITS : 2 * RESIDUAL_BITS);
/** The loss sum is at this scale: LinR's at 2^63 (residual × feature scale), Poisson's at 2^80. */
const lossBits = (f: Family) => (f === 'linr' ? PRODUCT_BITS : 2 * RESIDUAL_BITS);

/** Encryptions a party makes per step (the arbiter deals exactly that many obfuscators). */
function perStep(f: Family, role: 'guest' | 'host', rows: number, withLoss: boolean): number {
  if (role === 'guest') return rows + (withLoss ? 2 : 0);
  if (f === 'linr') return rows + (withLoss ? 2 : 0);
  return rows + (withLoss ? rows + 1 : 0);
}

const penalty = (p: GlmParam, w: readonly number[]) =>
  p.penalty === 'L2' ? 0.5 * p.alpha * dotRow(w, w) : p.penalty === 'L1' ? p.alpha * w.reduce((s, x) => s + Math.abs(x), 0) : 0;

function unmask(cipher: HeCipher, decrypted: Ct[], masks: Ct[], bits: number, n: number): number[] {
  return decrypted.map((d, j) => cipher.unmask(d, masks[j]!, bits) / n);
}

function converged(p: GlmParam, losses: number[], deltaNormSq: number): boolean {
  const cur = losses[losses.length - 1];
  const prev = losses[losses.length - 2];
  if (p.earlyStop === 'weight_diff') return Math.sqrt(deltaNormSq) < p.tol;
  if (p.earlyStop === 'abs') return cur !== undefined && cur <= p.tol;
  return cur !== undefined && prev !== undefined && Math.abs(prev - cur) < p.tol;
}

// ---------------------------------------------------------------------------------------------- arbiter

export async function glmArbiter(ctx: ComponentContext, ch: Channel, f: Family, p: GlmParam, peers: Peers, lossMetric: LossMetric, after: AfterIteration): Promise<BinaryFit> {
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
  if (!withLoss && p.earlyStop !== 'weight_diff') throw new Error(`${p.who}: with several hosts only early_stop weight_diff is supported (the loss is not computed with several hosts)`);
  const dealer = dealt && privateKey
    ? new ObfuscatorDealer(
        privateKey,
        {
          steps: p.maxIter * info.batchNum,
          tag: (step) => stepTag(step, info.batchNum),
          shares: (step) => {
            const rows = info.batchRows[step % info.batchNum]!;
            return [...peers.hosts.map((party) => ({ party, count: perStep(f, 'host', rows, withLoss) })), { party: peers.guest, count: perStep(f, 'guest', rows, withLoss) }];
          },
          window: DEAL_WINDOW_STEPS,
        },
        (tag, obfuscators, to) => ch.send('paillier_obfuscators', tag, obfuscators, to),
      )
    : null;
  const watched = <T>(waiting: Promise<T>): Promise<T> => (dealer ? Promise.race([waiting, dealer.failed]) : waiting);
  try {
    if (withLoss) ctx.tracker.setMetricMeta(lossMetric.namespace, lossMetric.name, { name: lossMetric.namespace, metric_type: 'LOSS', unit_name: 'iters', curve_name: lossMetric.curveName });
    const lossHistory: number[] = [];
    let conv = false;
    let stopped = false;
    let iter = 0;
    for (; iter < p.maxIter && !conv && !stopped; iter++) {
      let lossSum = 0;
      for (let b = 0; b < info.batchNum; b++) {
        const tag = `${iter}.${b}`;
        const g = await watched(ch.get<Ct[]>('guest_gradient', tag, peers.guest));
        await ch.send('guest_optim_gradient', tag, g.map(decrypt), peers.guest);
        for (const host of peers.hosts) {
          const h = await watched(ch.get<Ct[]>('host_gradient', tag, host));
          await ch.send('host_optim_gradient', tag, h.map(decrypt), host);
        }
        if (withLoss) {
          const loss = await watched(ch.get<{ sum: Ct; regular: Ct; n: number }>('loss', tag, peers.guest));
          lossSum += decode(decrypt(loss.sum), lossBits(f)) / loss.n + decode(decrypt(loss.regular), PRODUCT_BITS);
        }
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
      conv = converged(p, lossHistory, deltaNormSq);
      await ch.send('converge_flag', tag, conv, [peers.guest, ...peers.hosts]);
      stopped = await after(iter, []);
      ctx.tracker.setProgress(Math.round(((iter + 1) / p.maxIter) * 100));
    }
    if (dealer) {
      const dealtTo = await dealer.stop();
      for (const party of [...peers.hosts, peers.guest]) await ch.send('paillier_obfuscators_dealt', SETUP_TAG, dealtTo(party), party);
    }
    return { coef: [], intercept: 0, iters: iter, converged: conv, lossHistory, bestIteration: -1 };
  } finally {
    await dealer?.stop().catch(() => {});
  }
}

// ------------------------------------------------------------------------------------------------- host

export async function glmHost(
  ctx: ComponentContext,
  ch: Channel,
  f: Family,
  p: GlmParam,
  peers: Peers,
  featureCount: number,
  data: RowsById,
  after: AfterIteration,
): Promise<BinaryFit> {
  const pubKey = await ch.get<PubKeyPayload>('paillier_pubkey', SETUP_TAG, peers.arbiter);
  const dealt = pubKey.dealt === true;
  const cipher = cipherFrom(pubKey, p);
  const info = await ch.get<BatchInfo>('batch_info', SETUP_TAG, peers.guest);
  const batches: { n: number; features: Float64Array[]; prepared: ReturnType<HeCipher['prepare']> }[] = [];
  for (let b = 0; b < info.batchNum; b++) {
    const keys = await ch.getIds('batch_data_index', `${SETUP_TAG}.${b}`, peers.guest);
    // The batch's rows of every feature column: a range of the columns when the ids run in table order.
    const features = data.features(keys);
    batches.push({ n: keys.length, features, prepared: cipher.prepare(features) });
  }
  let w = initWeights(p.initMethod, featureCount, seededRandom(p.randomSeed === null ? null : p.randomSeed + 1));
  const optimizer = new PartyOptimizer(p, featureCount);
  const withLoss = peers.hosts.length === 1;
  const gradBits = dBits(f) + FEATURE_BITS;
  let conv = false;
  let stopped = false;
  let iter = 0;
  try {
    for (; iter < p.maxIter && !conv && !stopped; iter++) {
      let deltaSum = new Array<number>(w.length).fill(0);
      for (let b = 0; b < batches.length; b++) {
        const tag = `${iter}.${b}`;
        const batch = batches[b]!;
        await receiveDealt(ch, cipher, dealt, tag, peers.arbiter);
        // W_h·x per row, column by column: the terms of the per-row sum, in its order (lrColumns.ts).
        const wx = Array.from(dotColumns(w, batch.features, batch.n));
        const forward = f === 'linr' ? wx : wx.map(Math.exp);
        await ch.send('host_forward', tag, await cipher.encrypt(forward, RESIDUAL_BITS), peers.guest);
        if (withLoss) {
          const intermediate = f === 'linr' ? (await cipher.encrypt([0.5 * dotRow(wx, wx)], PRODUCT_BITS))[0]! : await cipher.encrypt(wx, RESIDUAL_BITS);
          await ch.send('loss_intermediate', tag, intermediate, peers.guest);
          await ch.send('host_loss_regular', tag, (await cipher.encrypt([penalty(p, w)], PRODUCT_BITS))[0], peers.guest);
        }
        const d = await ch.get<Ct[]>('fore_gradient', tag, peers.guest);
        const { masked, masks } = cipher.mask(cipher.dots(d, batch.prepared));
        await ch.send('host_gradient', tag, masked, peers.arbiter);
        const decrypted = await ch.get<Ct[]>('host_optim_gradient', tag, peers.arbiter);
        const step = optimizer.step(w, unmask(cipher, decrypted, masks, gradBits, batch.n), iter);
        w = step.weights;
        deltaSum = deltaSum.map((s, j) => s + step.delta[j]!);
      }
      await ch.send('host_delta_norm', String(iter), dotRow(deltaSum, deltaSum), peers.arbiter);
      conv = await ch.get<boolean>('converge_flag', String(iter), peers.arbiter);
      stopped = await after(iter, w);
      ctx.tracker.setProgress(Math.round(((iter + 1) / p.maxIter) * 100));
    }
    await drainDealt(ch, dealt, iter * batches.length, batches.length, peers.arbiter);
  } finally {
    cipher.close();
  }
  return { coef: w, intercept: 0, iters: iter, converged: conv, lossHistory: [], bestIteration: -1 };
}

// ------------------------------------------------------------------------------------------------ guest

/** The guest's rows as columns: ids, feature columns (exposure column removed), labels and Poisson offsets ln(exposure). */
export interface GlmRows {
  keys: readonly string[];
  features: readonly Float64Array[];
  labels: Float64Array;
  offsets: Float64Array;
}

export async function glmGuest(ctx: ComponentContext, ch: Channel, f: Family, p: GlmParam, peers: Peers, k: number, data: GlmRows, after: AfterIteration): Promise<BinaryFit> {
  const total = data.keys.length;
  if (total === 0) throw new Error(`${p.who}: the train data has no rows`);
  if (f === 'poisson' && peers.hosts.length > 1) throw new Error('HeteroPoisson: more than one host is not supported (as in FATE)');
  const pubKey = await ch.get<PubKeyPayload>('paillier_pubkey', SETUP_TAG, peers.arbiter);
  const dealt = pubKey.dealt === true;
  const cipher = cipherFrom(pubKey, p);
  // FATE's MiniBatch: consecutive runs of batch_size rows in table order, the last one shorter.
  const size = p.batchSize === -1 || p.batchSize >= total ? total : p.batchSize;
  const batchNum = Math.max(1, Math.ceil(total / size));
  const info: BatchInfo = { batchSize: size, batchNum, batchRows: Array.from({ length: batchNum }, (_, b) => Math.min(size, total - b * size)) };
  await ch.send('batch_info', SETUP_TAG, info, [...peers.hosts, peers.arbiter]);
  const batches: { n: number; features: Float64Array[]; y: number[]; offsets: number[]; prepared: ReturnType<HeCipher['prepare']> }[] = [];
  for (let b = 0; b < batchNum; b++) {
    const from = b * size;
    const to = Math.min(total, (b + 1) * size);
    await ch.send('batch_data_index', `${SETUP_TAG}.${b}`, data.keys.slice(from, to), peers.hosts);
    // Views of the columns (no copy); the prepared matrix has a column of ones for the intercept.
    const features = rangeColumns(data.features, from, to, false);
    batches.push({
      n: to - from, features, y: Array.from(data.labels.subarray(from, to)), offsets: Array.from(data.offsets.subarray(from, to)),
      prepared: cipher.prepare(rangeColumns(data.features, from, to, p.fitIntercept)),
    });
  }
  let w = initWeights(p.initMethod, p.fitIntercept ? k + 1 : k, seededRandom(p.randomSeed));
  if (!p.fitIntercept) w.push(0);
  const stepped = p.fitIntercept ? k + 1 : k;
  const optimizer = new PartyOptimizer(p, k);
  const withLoss = peers.hosts.length === 1;
  const gradBits = dBits(f) + FEATURE_BITS;
  let conv = false;
  let stopped = false;
  let iter = 0;
  try {
    for (; iter < p.maxIter && !conv && !stopped; iter++) {
      let deltaSum = new Array<number>(stepped).fill(0);
      for (let b = 0; b < batches.length; b++) {
        const tag = `${iter}.${b}`;
        const batch = batches[b]!;
        const n = batch.n;
        await receiveDealt(ch, cipher, dealt, tag, peers.arbiter);
        const dot = dotColumns(w, batch.features, n);
        const gx = Array.from(dot, (v) => v + w[k]!);
        const forwards: Ct[][] = [];
        const hostLoss: (Ct | Ct[])[] = [];
        const regulars: Ct[] = [];
        for (const host of peers.hosts) {
          forwards.push(await ch.get<Ct[]>('host_forward', tag, host));
          if (withLoss) {
            hostLoss.push(await ch.get<Ct | Ct[]>('loss_intermediate', tag, host));
            regulars.push(await ch.get<Ct>('host_loss_regular', tag, host));
          }
        }
        let d: Ct[];
        let lossSum: Ct | null = null;
        const wg = w.slice(0, k);
        if (f === 'linr') {
          const c = gx.map((g, i) => g - batch.y[i]!);
          const own = await cipher.encrypt(c, RESIDUAL_BITS);
          const fwd = forwards.reduce((acc, h) => acc.map((x, i) => cipher.add(x, h[i]!)));
          d = own.map((x, i) => cipher.add(x, fwd[i]!));
          if (withLoss) {
            // ½Σ(c + h)² = ½Σc² + ½Σh² + Σ c·h; Σ c·[[h]] at 2^40·2^23 = 2^63.
            const [cross] = cipher.dots(fwd, cipher.prepare([c]));
            const [plain] = await cipher.encrypt([0.5 * dotRow(c, c)], PRODUCT_BITS);
            lossSum = cipher.add(cross!, plain!, hostLoss[0] as Ct);
          }
        } else {
          const mu = gx.map((g, i) => Math.exp(g + batch.offsets[i]!));
          const muCt = cipher.scale(forwards[0]!, mu, RESIDUAL_BITS);
          const negY = await cipher.encrypt(batch.y.map((y) => -y), 2 * RESIDUAL_BITS);
          d = muCt.map((x, i) => cipher.add(x, negY[i]!));
          if (withLoss) {
            // Σ μ − Σ y·(g + offset) − Σ y·[[W_h·x]], all at 2^80: the last is at 2^63, times −2^17.
            const [yh] = cipher.dots(hostLoss[0] as Ct[], cipher.prepare([batch.y]));
            let plain = 0;
            for (let i = 0; i < n; i++) plain -= batch.y[i]! * (gx[i]! + batch.offsets[i]!);
            const [plainCt] = await cipher.encrypt([plain], 2 * RESIDUAL_BITS);
            const [yhScaled] = cipher.scale([yh!], [-(2 ** (2 * RESIDUAL_BITS - PRODUCT_BITS))], 0);
            // sum, not add(...muCt): a full batch (batch_size -1) is every row, too many call arguments.
            lossSum = cipher.sum([...muCt, plainCt!, yhScaled!]);
          }
        }
        await ch.send('fore_gradient', tag, d, peers.hosts);
        const { masked, masks } = cipher.mask(cipher.dots(d, batch.prepared));
        await ch.send('guest_gradient', tag, masked, peers.arbiter);
        if (withLoss) {
          const [reg] = await cipher.encrypt([penalty(p, wg)], PRODUCT_BITS);
          await ch.send('loss', tag, { sum: lossSum!, regular: cipher.add(reg!, regulars[0]!), n }, peers.arbiter);
        }
        const decrypted = await ch.get<Ct[]>('guest_optim_gradient', tag, peers.arbiter);
        const step = optimizer.step(w.slice(0, stepped), unmask(cipher, decrypted, masks, gradBits, n), iter);
        w = p.fitIntercept ? step.weights : [...step.weights, 0];
        deltaSum = deltaSum.map((s, j) => s + step.delta[j]!);
      }
      await ch.send('guest_delta_norm', String(iter), dotRow(deltaSum, deltaSum), peers.arbiter);
      conv = await ch.get<boolean>('converge_flag', String(iter), peers.arbiter);
      stopped = await after(iter, w);
      ctx.tracker.setProgress(Math.round(((iter + 1) / p.maxIter) * 100));
    }
    await drainDealt(ch, dealt, iter * batches.length, batches.length, peers.arbiter);
  } finally {
    cipher.close();
  }
  return { coef: w.slice(0, k), intercept: w[k]!, iters: iter, converged: conv, lossHistory: [], bestIteration: -1 };
}

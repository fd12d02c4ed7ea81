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
// With standard obfuscation the arbiter deals each party its obfuscators (linearModel/obfuscatorDealer.ts).
// The arbiter's loop and the parties' iterations and masked gradient exchange are the ones every
// hetero linear model shares (../linearModel/); here only what these two models compute differently.
import type { ComponentContext } from '../contract.js';
import { type Ct, FEATURE_BITS, type HeCipher, PRODUCT_BITS, RESIDUAL_BITS } from '../linearModel/cipher.js';
import { dotColumns, rangeColumns, type RowsById } from '../linearModel/featureColumns.js';
import { PartyOptimizer } from '../linearModel/params.js';
import { linearArbiter } from '../linearModel/arbiter.js';
import { type BatchStep, guestStepped, guestWeights, hostWeights, meanGradient, partyIterations, sendMaskedGradient } from '../linearModel/party.js';
import { type AfterIteration, type BinaryFit, type Channel, dotRow, hostBatches, type LossMetric, miniBatches, partyCipher, type Peers, penalty, SETUP_TAG } from '../linearModel/protocol.js';
import type { GlmParam } from './params.js';

export type Family = 'linr' | 'poisson';

/** Scale of Σ d·x: [[d]]'s (LinR 2^40; Poisson 2^80, a 2^40 ciphertext times a 2^40 factor) times the features' 2^23. */
const gradientBits = (f: Family) => (f === 'linr' ? RESIDUAL_BITS : 2 * RESIDUAL_BITS) + FEATURE_BITS;
/** The loss sum is at this scale: LinR's at 2^63 (residual × feature scale), Poisson's at 2^80. */
const lossBits = (f: Family) => (f === 'linr' ? PRODUCT_BITS : 2 * RESIDUAL_BITS);

/** Encryptions a party makes per step (the arbiter deals exactly that many obfuscators). */
function perStep(f: Family, role: 'guest' | 'host', rows: number, withLoss: boolean): number {
  if (role === 'guest') return rows + (withLoss ? 2 : 0);
  if (f === 'linr') return rows + (withLoss ? 2 : 0);
  return rows + (withLoss ? rows + 1 : 0);
}

// ---------------------------------------------------------------------------------------------- arbiter

export function glmArbiter(ctx: ComponentContext, ch: Channel, f: Family, p: GlmParam, peers: Peers, lossMetric: LossMetric, after: AfterIteration): Promise<BinaryFit> {
  return linearArbiter(ctx, ch, p, peers, {
    who: p.who,
    encryptions: (role, step, info, withLoss) => perStep(f, role, info.batchRows[step % info.batchNum]!, withLoss),
    lossBits: lossBits(f),
    batchLoss: (meanSum, regular) => meanSum + regular,
  }, lossMetric, after);
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
  const { cipher, dealt } = await partyCipher(ch, p, peers.arbiter);
  const { info, batches } = await hostBatches(ch, peers.guest, (keys) => {
    // The batch's rows of every feature column: a range of the columns when the ids run in table order.
    const features = data.features(keys);
    return { n: keys.length, features, prepared: cipher.prepare(features) };
  });
  const weights = hostWeights(p, featureCount);
  const optimizer = new PartyOptimizer(p, featureCount);
  const withLoss = peers.hosts.length === 1;
  const step: BatchStep = async (iter, b, tag, w) => {
    const batch = batches[b]!;
    // W_h·x per row, column by column: the terms of the per-row sum, in its order (featureColumns.ts).
    const wx = Array.from(dotColumns(w, batch.features, batch.n));
    const forward = f === 'linr' ? wx : wx.map(Math.exp);
    await ch.send('host_forward', tag, await cipher.encrypt(forward, RESIDUAL_BITS), peers.guest);
    if (withLoss) {
      const intermediate = f === 'linr' ? (await cipher.encrypt([0.5 * dotRow(wx, wx)], PRODUCT_BITS))[0]! : await cipher.encrypt(wx, RESIDUAL_BITS);
      await ch.send('loss_intermediate', tag, intermediate, peers.guest);
      await ch.send('host_loss_regular', tag, (await cipher.encrypt([penalty(p, w)], PRODUCT_BITS))[0], peers.guest);
    }
    const d = await ch.get<Ct[]>('fore_gradient', tag, peers.guest);
    const masks = await sendMaskedGradient(ch, cipher, 'host', tag, peers.arbiter, cipher.dots(d, batch.prepared));
    return optimizer.step(w, await meanGradient(ch, cipher, 'host', tag, peers.arbiter, masks, gradientBits(f), batch.n), iter);
  };
  return partyIterations(ctx, ch, p, peers.arbiter, { role: 'host', cipher, dealt, batchNum: info.batchNum, weights, stepped: featureCount }, step, after);
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
  const { cipher, dealt } = await partyCipher(ch, p, peers.arbiter);
  const info = miniBatches(total, p.batchSize);
  const { batchSize: size, batchNum } = info;
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
  const { weights, stepped } = guestWeights(p, k);
  const optimizer = new PartyOptimizer(p, k);
  const withLoss = peers.hosts.length === 1;
  const step: BatchStep = async (iter, b, tag, w) => {
    const batch = batches[b]!;
    const n = batch.n;
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
    const masks = await sendMaskedGradient(ch, cipher, 'guest', tag, peers.arbiter, cipher.dots(d, batch.prepared));
    if (withLoss) {
      const [reg] = await cipher.encrypt([penalty(p, wg)], PRODUCT_BITS);
      await ch.send('loss', tag, { sum: lossSum!, regular: cipher.add(reg!, regulars[0]!), n }, peers.arbiter);
    }
    const gradient = await meanGradient(ch, cipher, 'guest', tag, peers.arbiter, masks, gradientBits(f), n);
    return guestStepped(p, optimizer.step(w.slice(0, stepped), gradient, iter));
  };
  return partyIterations(ctx, ch, p, peers.arbiter, { role: 'guest', cipher, dealt, batchNum: batchNum, weights, stepped }, step, after);
}

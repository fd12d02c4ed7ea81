// The arbiter of a hetero linear model's fit (FATE 1.4 base_linear_model_arbiter.HeteroBaseArbiter
// with hetero_linear_model_gradient.Arbiter), the same for HeteroLR, HeteroLinR and HeteroPoisson: it
// makes the Paillier key pair and sends the public key, deals the parties' obfuscators (standard
// obfuscation, linearModel/obfuscatorDealer.ts), and per step decrypts the guest's then each host's
// masked gradient, decodes the guest's aggregate loss (single host only), and per iteration sums the
// parties' ‖Δw‖² and sends converge_flag. What differs by model comes in an ArbiterModel: how many
// encryptions a party makes per step, the loss's scale and constant, HeteroLR's sqn step.
import type { ComponentContext } from '../contract.js';
import { generatePaillierKeyPair, type PaillierPrivateKey } from '../crypto/paillier.js';
import { type Ct, decryptor, PRODUCT_BITS } from './cipher.js';
import { ObfuscatorDealer } from './obfuscatorDealer.js';
import type { HeteroLogisticParam } from './params.js';
import {
  type AfterIteration,
  type BatchInfo,
  type BinaryFit,
  type Channel,
  DEAL_WINDOW_STEPS,
  type LossMetric,
  type Peers,
  type PubKeyPayload,
  SETUP_TAG,
  stepTag,
} from './protocol.js';

/** The arbiter's tools within a step, for a model's own step (HeteroLR's sqn). */
export interface ArbiterStep {
  iter: number;
  /** The step's index over the whole fit (iteration × batches + batch). */
  step: number;
  tag: string;
  decrypt: (c: Ct) => Ct;
  /** A decrypted value at 2^bits as a float (the plaintext mode's values as they are). */
  decode: (c: Ct, bits: number) => number;
  /** A wait that ends at once if the dealer fails (the parties would wait for their obfuscators forever). */
  watched: <T>(waiting: Promise<T>) => Promise<T>;
}

/** What the arbiter's part of one model differs by. */
export interface ArbiterModel {
  /** The module, for errors. */
  who: string;
  /** Encryptions a party makes at a step (the dealer deals exactly that many obfuscators). */
  encryptions(role: 'guest' | 'host', step: number, info: BatchInfo, withLoss: boolean): number;
  /** The scale of the guest's decrypted loss sum. */
  lossBits: number;
  /** A batch's loss from the decoded loss sum divided by the batch size and the decoded penalties. */
  batchLoss(meanSum: number, regular: number): number;
  /** The model's own part of a step, after the gradients and the loss (HeteroLR's sqn). */
  afterStep?(at: ArbiterStep): Promise<void>;
}

/** FATE's convergence check of early_stop: weight_diff on the parties' summed ‖Δw‖², abs and diff on the loss. */
function converged(p: HeteroLogisticParam, losses: readonly number[], deltaNormSq: number): boolean {
  const cur = losses[losses.length - 1];
  const prev = losses[losses.length - 2];
  if (p.earlyStop === 'weight_diff') return Math.sqrt(deltaNormSq) < p.tol;
  if (p.earlyStop === 'abs') return cur !== undefined && cur <= p.tol;
  return cur !== undefined && prev !== undefined && Math.abs(prev - cur) < p.tol;
}

export async function linearArbiter(ctx: ComponentContext, ch: Channel, p: HeteroLogisticParam, peers: Peers, model: ArbiterModel, lossMetric: LossMetric, after: AfterIteration): Promise<BinaryFit> {
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
  // With several hosts the guest cannot form the loss (FATE computes it with one host only).
  const withLoss = peers.hosts.length === 1;
  if (!withLoss && p.earlyStop !== 'weight_diff') throw new Error(`${model.who}: with several hosts only early_stop weight_diff is supported (the loss is not computed with several hosts)`);
  const dealer = dealt && privateKey
    ? new ObfuscatorDealer(
        privateKey,
        {
          steps: p.maxIter * info.batchNum,
          tag: (step) => stepTag(step, info.batchNum),
          shares: (step) => [
            ...peers.hosts.map((party) => ({ party, count: model.encryptions('host', step, info, withLoss) })),
            { party: peers.guest, count: model.encryptions('guest', step, info, withLoss) },
          ],
          window: DEAL_WINDOW_STEPS,
        },
        (tag, obfuscators, to) => ch.send('paillier_obfuscators', tag, obfuscators, to),
      )
    : null;
  // A failed dealer ends the wait at once: the parties would wait for their obfuscators forever.
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
        const guestGrad = await watched(ch.get<Ct[]>('guest_gradient', tag, peers.guest));
        await ch.send('guest_optim_gradient', tag, guestGrad.map(decrypt), peers.guest);
        for (const host of peers.hosts) {
          const hostGrad = await watched(ch.get<Ct[]>('host_gradient', tag, host));
          await ch.send('host_optim_gradient', tag, hostGrad.map(decrypt), host);
        }
        if (withLoss) {
          const loss = await watched(ch.get<{ sum: Ct; regular: Ct; n: number }>('loss', tag, peers.guest));
          lossSum += model.batchLoss(decode(decrypt(loss.sum), model.lossBits) / loss.n, decode(decrypt(loss.regular), PRODUCT_BITS));
        }
        const step = iter * info.batchNum + b;
        if (model.afterStep) await model.afterStep({ iter, step, tag, decrypt, decode, watched });
        dealer?.advance(step + 1);
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
    // After training the dealer has already stopped (stop is idempotent); after a failure this ends
    // its helper threads, and a dealing error must not hide the failure itself.
    await dealer?.stop().catch(() => {});
  }
}

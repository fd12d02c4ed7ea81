// The guest's and the hosts' side of a hetero linear model's fit that every model shares (FATE 1.4
// shares the gradient exchange, hetero_linear_model_gradient.{Guest,Host}.compute_gradient_procedure,
// and repeats the fit loop in each model's guest and host; here the loop is shared too): the iterations
// over the mini-batches with the dealt obfuscators taken before each step, the masked gradient sent
// to the arbiter and its decrypted answer unmasked into the party's mean gradient, and after each
// iteration ‖Δw‖² to the arbiter, its converge_flag back and the validation hook. What a step
// encrypts and sends before the gradient (forwards, [[d]], the loss terms) is the model's own.
import type { ComponentContext, PartyRef } from '../contract.js';
import type { Ct, HeCipher } from './cipher.js';
import { type HeteroLogisticParam, initWeights, seededRandom } from './params.js';
import { type AfterIteration, type BinaryFit, type Channel, dotRow, drainDealt, receiveDealt } from './protocol.js';

export type PartyRole = 'guest' | 'host';

/** A party's weights after a step and their change (the coefficients stepped, for weight_diff). */
export interface Stepped {
  weights: number[];
  delta: readonly number[];
}

/** One mini-batch step of the model at a party, from its weights before the step. */
export type BatchStep = (iter: number, batch: number, tag: string, w: number[]) => Promise<Stepped>;

export interface PartyLoop {
  role: PartyRole;
  cipher: HeCipher;
  /** The arbiter deals the obfuscators (standard obfuscation). */
  dealt: boolean;
  batchNum: number;
  /** The weights before the first step. */
  weights: number[];
  /** How many weights a step changes (the guest's intercept slot is kept at 0 without fit_intercept). */
  stepped: number;
}

/**
 * Runs the iterations until max_iter, the arbiter's converge_flag or `after` stops them; the cipher
 * is closed at the end, whatever happens. The fit's coefficients are the party's weights (the
 * guest's last weight is the intercept).
 */
export async function partyIterations(ctx: ComponentContext, ch: Channel, p: HeteroLogisticParam, arbiter: PartyRef, loop: PartyLoop, step: BatchStep, after: AfterIteration): Promise<BinaryFit> {
  const { cipher, dealt, batchNum } = loop;
  let w = loop.weights;
  let converged = false;
  let stopped = false;
  let iter = 0;
  try {
    for (; iter < p.maxIter && !converged && !stopped; iter++) {
      let deltaSum = new Array<number>(loop.stepped).fill(0);
      for (let b = 0; b < batchNum; b++) {
        const tag = `${iter}.${b}`;
        await receiveDealt(ch, cipher, dealt, tag, arbiter);
        const s = await step(iter, b, tag, w);
        w = s.weights;
        deltaSum = deltaSum.map((x, j) => x + s.delta[j]!);
      }
      await ch.send(`${loop.role}_delta_norm`, String(iter), dotRow(deltaSum, deltaSum), arbiter);
      converged = await ch.get<boolean>('converge_flag', String(iter), arbiter);
      stopped = await after(iter, w);
      ctx.tracker.setProgress(Math.round(((iter + 1) / p.maxIter) * 100));
    }
    await drainDealt(ch, dealt, iter * batchNum, batchNum, arbiter);
  } finally {
    cipher.close();
  }
  const k = loop.role === 'guest' ? w.length - 1 : w.length;
  return { coef: w.slice(0, k), intercept: loop.role === 'guest' ? w[k]! : 0, iters: iter, converged, lossHistory: [], bestIteration: -1 };
}

/**
 * The guest's weights before the first step: k coefficients then the intercept (kept at 0 and never
 * stepped without fit_intercept); `stepped` of them change. Hosts use seed + 1 (hostWeights).
 */
export function guestWeights(p: HeteroLogisticParam, k: number): { weights: number[]; stepped: number } {
  const weights = initWeights(p.initMethod, p.fitIntercept ? k + 1 : k, seededRandom(p.randomSeed));
  if (!p.fitIntercept) weights.push(0);
  return { weights, stepped: p.fitIntercept ? k + 1 : k };
}

export function hostWeights(p: HeteroLogisticParam, featureCount: number): number[] {
  return initWeights(p.initMethod, featureCount, seededRandom(p.randomSeed === null ? null : p.randomSeed + 1));
}

/** The guest's full weights from a step of its stepped ones (the intercept slot back at 0 without fit_intercept). */
export const guestStepped = (p: HeteroLogisticParam, s: Stepped): Stepped => ({ weights: p.fitIntercept ? s.weights : [...s.weights, 0], delta: s.delta });

/** The party's Σ d·x (+ Σ d for the guest's intercept) masked to the arbiter; the masks to take off its answer. */
export async function sendMaskedGradient(ch: Channel, cipher: HeCipher, role: PartyRole, tag: string, arbiter: PartyRef, sums: Ct[]): Promise<Ct[]> {
  const { masked, masks } = cipher.mask(sums);
  await ch.send(`${role}_gradient`, tag, masked, arbiter);
  return masks;
}

/** The arbiter's decryption of the masked sums, unmasked (at 2^bits) and divided by the batch size: the mean gradient. */
export async function meanGradient(ch: Channel, cipher: HeCipher, role: PartyRole, tag: string, arbiter: PartyRef, masks: Ct[], bits: number, n: number): Promise<number[]> {
  const decrypted = await ch.get<Ct[]>(`${role}_optim_gradient`, tag, arbiter);
  return decrypted.map((d, j) => cipher.unmask(d, masks[j]!, bits) / n);
}

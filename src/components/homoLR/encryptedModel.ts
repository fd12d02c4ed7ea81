// The maths of FATE 1.4's Paillier mode of HomoLR (homo_lr_host.py with TaylorLogisticGradient): an
// opted-in host trains on its model as Paillier ciphertexts under the arbiter's key, so it never sees
// its own (or the federation's) model in clear.
//
// Taylor gradient (homo_lr_gradient.py): log(1 + e^(−y·wx)) ≈ log 2 − y·wx/2 + (wx)²/8, so the mean
// gradient over a batch is (1/n) Σ (0.25·wx − 0.5·y)·x̃ with x̃ = [x, 1] and y = ±1. It is linear in
// w, so one SGD step with FATE's L2 penalty is an affine map computed in clear from the batch:
//   w' = A·w + c,  A = I − lr·α·D − (lr/4n)·Σ x̃x̃ᵀ,  c = (lr/2n)·Σ y·x̃   (D: 1 on coefficients, 0 on the intercept)
// and the host applies it to ciphertexts (plaintext matrix × encrypted vector). That is FATE's update
// to the last digit, with one scalar product per batch instead of two per row.
//
// Fixed point: a ciphertext vector carries its scale s (value·2^s). Fresh models are at WEIGHT_BITS;
// each batch multiplies by A encoded at MATRIX_BITS, so s grows by MATRIX_BITS per batch until the
// arbiter refreshes it (FATE's re_encrypt_batches exists for the same overflow).
//
// Everything the host sends is re-randomised (a fresh rⁿ factor): its ciphertexts are products of the
// arbiter's own with exponents drawn from the host's data, and the key holder can read a ciphertext's
// randomness, so without it the arbiter would hold Π rⱼ^(Aⱼₗ), a handle on the host's batch matrix.
//
// Blinding (fedflow's addition to FATE): what the host sends for a refresh or an aggregation carries
// uniform masks, so the arbiter, although it holds the key, learns nothing of the host's model:
//  - refresh: Enc(w·2^s + r·2^(s−W) + t), r uniform below 2^(W+BLIND_BITS), t uniform below 2^(s−W);
//    the arbiter returns Enc(⌊·/2^(s−W)⌋) = Enc(w·2^W + r) at scale W (±1 ulp) and the host removes r.
//  - aggregation: Enc(v·2^s + m·2^(s−48) + t) with m the host's secure-aggregation pad; the arbiter
//    reduces ⌊·/2^(s−48)⌋ mod 2^128 to the same masked ring element the plaintext parties send.
import { randomBits } from '../crypto/bigint.js';
import type { PaillierPrivateKey, PaillierPublicKey } from '../crypto/paillier.js';
import { SCALE_BITS } from './secureAggregation.js';
import type { LocalRows } from './localModel.js';
import { forEachPiece } from './tableRows.js';

/** Scale of a fresh encrypted model: 2^-53, a double's resolution near 1. */
export const WEIGHT_BITS = 53;
/** Scale of the batch matrix A and offset c. */
export const MATRIX_BITS = 53;
/** Statistical hiding of the refresh blind r: the arbiter's view differs from uniform by ≈ |w|·2^-BLIND_BITS. */
const BLIND_BITS = 100;
/** Room kept above a value's scale for the masks (2^80 above it for the 128-bit pads), magnitudes and sums. */
const HEADROOM_BITS = 150;
const RING = 1n << 128n;

/** A vector of ciphertexts, all at scale `scale`. What crosses the federation (bigint is structured-cloneable). */
export interface CipherVector {
  readonly values: bigint[];
  readonly scale: number;
}

const encodeAt = (x: number, bits: number): bigint => {
  if (!Number.isFinite(x)) throw new RangeError(`HomoLR: cannot encrypt non-finite value ${x}`);
  // round(x·2^min(bits,53)) then shift: exact to a double's precision without overflowing it.
  const first = Math.min(bits, MATRIX_BITS);
  return BigInt(Math.round(x * 2 ** first)) << BigInt(bits - first);
};

/** ⌊a / 2^k⌋ for signed a. */
const floorShift = (a: bigint, k: number): bigint => (k === 0 ? a : a >> BigInt(k));

/** The most batches between two refreshes this key leaves room for (FATE fails with an overflow instead). */
export function maxBatchesBetweenRefresh(keyBits: number): number {
  return Math.floor((keyBits - 2 - WEIGHT_BITS - HEADROOM_BITS) / MATRIX_BITS);
}

/** Encrypt a plain vector at WEIGHT_BITS (the host's init model, or the arbiter's aggregated model). */
export function encryptVector(pk: PaillierPublicKey, w: readonly number[], obfuscator?: () => bigint): CipherVector {
  return { values: w.map((x) => pk.encrypt(encodeAt(x, WEIGHT_BITS), obfuscator?.())), scale: WEIGHT_BITS };
}

/** The learning rate FATE's optimizer uses at iteration `iter` (optimizer.py decay, as PartyOptimizer). */
export function decayedRate(p: { learningRate: number; decay: number; decaySqrt: boolean }, iter: number): number {
  return p.decaySqrt ? p.learningRate / Math.sqrt(1 + p.decay * iter) : p.learningRate / (1 + p.decay * iter);
}

/** A and c of the module comment for rows [from, to): plain numbers, from the host's own rows only. */
export function taylorStep(rows: LocalRows, from: number, to: number, lr: number, l2Alpha: number): { a: number[][]; c: number[] } {
  const k = rows.rows.width;
  const d = k + 1;
  const m = Array.from({ length: d }, () => new Array<number>(d).fill(0));
  const sy = new Array<number>(d).fill(0);
  const xt = new Array<number>(d);
  // The rows a piece at a time (a big stored table's read from storage), summed in row order.
  forEachPiece(rows.rows, from, to, (first, count, cols) => {
    for (let i = 0; i < count; i++) {
      for (let j = 0; j < k; j++) xt[j] = cols[j]![i]!;
      xt[k] = 1;
      const y = rows.y[first + i]!;
      for (let j = 0; j < d; j++) {
        const xj = xt[j]!;
        sy[j]! += y * xj;
        const row = m[j]!;
        for (let l = j; l < d; l++) row[l]! += xj * xt[l]!;
      }
    }
  });
  const n = to - from;
  const a = m.map((row, j) =>
    row.map((_, l) => {
      const sym = l >= j ? m[j]![l]! : m[l]![j]!;
      return (j === l ? 1 - (j < k ? lr * l2Alpha : 0) : 0) - (lr / (4 * n)) * sym;
    }),
  );
  return { a, c: sy.map((s) => (lr / (2 * n)) * s) };
}

/** w' = A·w + c on ciphertexts: scale s → s + MATRIX_BITS. */
export function applyAffine(pk: PaillierPublicKey, w: CipherVector, a: readonly (readonly number[])[], c: readonly number[]): CipherVector {
  const tables = pk.precompute(w.values);
  const scale = w.scale + MATRIX_BITS;
  const values = a.map((row, j) => pk.addPlain(pk.dot(tables, row.map((v) => encodeAt(v, MATRIX_BITS))), encodeAt(c[j]!, scale)));
  return { values, scale };
}

/** Enc(v)·k for a non-negative integer k (the aggregation degree). */
export function scaleBy(pk: PaillierPublicKey, w: CipherVector, k: number): CipherVector {
  return { values: w.values.map((c) => pk.mulScalar(c, BigInt(k))), scale: w.scale };
}

// ------------------------------------------------------------------------------------- refresh

export interface Blinded {
  readonly sent: CipherVector;
  /** r per element, kept by the host to unblind the refreshed vector. */
  readonly blinds: bigint[];
}

/** The host's side before a refresh: add r·2^(s−W) + t to every ciphertext. */
export function blindForRefresh(pk: PaillierPublicKey, w: CipherVector): Blinded {
  const shift = w.scale - WEIGHT_BITS;
  const blinds = w.values.map(() => randomBits(WEIGHT_BITS + BLIND_BITS));
  const values = w.values.map((c, j) => pk.rerandomize(pk.addPlain(c, (blinds[j]! << BigInt(shift)) + (shift > 0 ? randomBits(shift) : 0n))));
  return { sent: { values, scale: w.scale }, blinds };
}

/** The arbiter's side: decrypt, drop the scale back to WEIGHT_BITS, encrypt afresh. */
export function refresh(sk: PaillierPrivateKey, v: CipherVector): CipherVector {
  const shift = v.scale - WEIGHT_BITS;
  if (!Number.isInteger(shift) || shift < 0) throw new Error(`HomoLR: a host sent a model at scale ${v.scale}, below ${WEIGHT_BITS}`);
  const pk = sk.publicKey;
  return { values: v.values.map((c) => pk.encrypt(floorShift(sk.decryptSigned(c), shift), sk.randomObfuscator())), scale: WEIGHT_BITS };
}

/** The host's side after a refresh: remove r homomorphically. */
export function unblind(pk: PaillierPublicKey, refreshed: CipherVector, blinds: readonly bigint[]): CipherVector {
  if (refreshed.values.length !== blinds.length || refreshed.scale !== WEIGHT_BITS) throw new Error('HomoLR: the refreshed model does not match the one sent');
  return { values: refreshed.values.map((c, j) => pk.addPlain(c, -blinds[j]!)), scale: WEIGHT_BITS };
}

// ------------------------------------------------------------------------------------- aggregation

/**
 * The host's upload: Enc(v·2^s + pad·2^(s−48) + t) per element, `pads` being its secure-aggregation
 * pads (ring elements) for this round, so the arbiter ends with what a plaintext party sends.
 */
export function maskCiphertexts(pk: PaillierPublicKey, v: CipherVector, pads: readonly bigint[]): CipherVector {
  const shift = v.scale - SCALE_BITS;
  if (shift < 0) throw new Error('HomoLR: encrypted value below the ring scale');
  if (pads.length !== v.values.length) throw new Error('HomoLR: pads and values differ in length');
  const values = v.values.map((c, j) => pk.rerandomize(pk.addPlain(c, (pads[j]! << BigInt(shift)) + (shift > 0 ? randomBits(shift) : 0n))));
  return { values, scale: v.scale };
}

/** The arbiter's side: the masked ring vector inside a host's ciphertexts. */
export function ringOf(sk: PaillierPrivateKey, v: CipherVector): bigint[] {
  const shift = v.scale - SCALE_BITS;
  if (!Number.isInteger(shift) || shift < 0) throw new Error(`HomoLR: a host sent an upload at scale ${v.scale}`);
  return v.values.map((c) => {
    const r = floorShift(sk.decryptSigned(c), shift) % RING;
    return r < 0n ? r + RING : r;
  });
}

// ------------------------------------------------------------------------------------- predict

/** Encrypted scores z = wx − logit(threshold) for each row, each multiplied by a random positive factor. */
export function blindedScores(pk: PaillierPublicKey, w: CipherVector, features: readonly (readonly number[])[], threshold: number): CipherVector {
  const k = w.values.length - 1;
  const tables = pk.precompute(w.values);
  const scale = w.scale + MATRIX_BITS;
  if (!(threshold > 0 && threshold < 1)) throw new Error(`HomoLR: predict_param.threshold must be in (0, 1) for an encrypted host, got ${threshold}`);
  const logit = Math.log(threshold / (1 - threshold));
  const values = features.map((x) => {
    if (x.length !== k) throw new Error(`HomoLR: a row has ${x.length} features, the model ${k}`);
    const z = pk.addPlain(pk.dot(tables, [...x.map((v) => encodeAt(v, MATRIX_BITS)), encodeAt(1, MATRIX_BITS)]), -encodeAt(logit, scale));
    // A log-uniform positive factor (2^0…2^63 times a 32-bit odd mantissa): the arbiter reads the sign
    // (the predicted label it must compute, as in FATE) and not even the order of magnitude of the score.
    const factor = (randomBits(32) | 1n) << BigInt(Number(randomBits(6)));
    return pk.rerandomize(pk.mulScalar(z, factor));
  });
  return { values, scale };
}

/** The arbiter's side: 1 when the blinded score is positive (score > threshold), else 0. */
export function labelsOf(sk: PaillierPrivateKey, v: CipherVector): number[] {
  return v.values.map((c) => (sk.decryptSigned(c) > 0n ? 1 : 0));
}

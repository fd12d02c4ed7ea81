// FATE 1.4's IterativeAffine cipher (federatedml/secureprotol/iterative_affine.py), a symmetric,
// additively homomorphic scheme: key_round affine rounds Enc_r(x) = a_r·x mod n_r with moduli of
// linearly growing sizes (key_size/2 … key_size bits), a_r random of a random size and coprime to
// n_r. Ciphertexts add as plain integers; decryption peels the rounds from the last, and the
// growing moduli leave room for sums of up to ~2^(gap) terms. It is much faster than Paillier and
// much WEAKER: it is deterministic, linear and falls to a few known plaintexts (no semantic security).
// fedflow offers it because FATE's examples name it; Paillier is the default and the one to use.
import { bitLength, gcd, mod, modInv, randomBits } from './bigint.js';
import { randomInt } from 'node:crypto';

export interface IterativeAffineKey {
  readonly a: readonly bigint[];
  readonly n: readonly bigint[];
  readonly aInv: readonly bigint[];
}

/** FATE's generate_keypair: round sizes floor(linspace(key_size/2, key_size, key_round)). */
export function generateIterativeAffineKey(keySize = 1024, keyRound = 5): IterativeAffineKey {
  if (!Number.isInteger(keySize) || keySize < 64) throw new RangeError('IterativeAffine: key_size must be an integer ≥ 64');
  if (!Number.isInteger(keyRound) || keyRound < 1) throw new RangeError('IterativeAffine: key_round must be a positive integer');
  const a: bigint[] = [];
  const n: bigint[] = [];
  for (let r = 0; r < keyRound; r++) {
    const size = Math.floor(keySize / 2 + (keyRound === 1 ? 0 : (r * (keySize - keySize / 2)) / (keyRound - 1)));
    let nr = 0n;
    // FATE draws n_r with getrandbits (no top bit forced); a near-empty draw would be no key at all.
    while (bitLength(nr) < size - 8) nr = randomBits(size);
    let ar = 0n;
    for (;;) {
      const aSize = Math.floor(size * (randomInt(1 << 30) / (1 << 30)));
      if (aSize === 0) continue;
      ar = randomBits(aSize);
      if (ar > 1n && gcd(nr, ar) === 1n) break;
    }
    a.push(ar);
    n.push(nr);
  }
  return { a, n, aInv: a.map((ar, r) => modInv(ar, n[r]!)) };
}

/** Enc_key_round ∘ … ∘ Enc_1 of an integer plaintext (negative values as residues mod n_1). */
export function iterativeAffineEncrypt(key: IterativeAffineKey, m: bigint): bigint {
  let c = mod(m, key.n[0]!);
  for (let r = 0; r < key.a.length; r++) c = (key.a[r]! * c) % key.n[r]!;
  return c;
}

/**
 * Peels the rounds from the last; a result above 0.9·n_1 is negative (FATE's rule), so signed
 * plaintexts and sums are recovered while |Σ| < 0.1·n_1.
 */
export function iterativeAffineDecrypt(key: IterativeAffineKey, c: bigint): bigint {
  let x = c;
  for (let r = key.a.length - 1; r >= 0; r--) x = (key.aInv[r]! * mod(x, key.n[r]!)) % key.n[r]!;
  const n1 = key.n[0]!;
  return x * 10n > n1 * 9n ? x - n1 : x;
}

/** Bits a plaintext (and every sum of them) may use so decryption gets it back: below 0.1·n_1. */
export const iterativeAffinePlainBits = (key: IterativeAffineKey): number => bitLength(key.n[0]!) - 5;

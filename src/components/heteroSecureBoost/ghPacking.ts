// One plaintext per instance carrying both g and h (FATE's GHPacker, g_h_optim.py):
//
//   packed = g·2^P · 2^hBits + h·2^P        (g signed, h ≥ 0)
//
// Each field is wide enough for the sum over every instance (hBits for Σh, gBits for |Σg| plus a
// sign), so sums never carry between slots. Instead of FATE's offset on g (which needs every sum's
// sample count to undo) g stays signed: a slot is then a signed number whose low hBits are Σh and whose
// arithmetically shifted rest is Σg. The hosts "compress" several summed slots into one ciphertext
// (FATE's cipher_compressor) by Horner, acc·2^slotBits + next: slotBits squarings per slot, no long
// scalar exponent. The guest decrypts once per group (signed) and cuts the slots apart as balanced
// base-2^slotBits digits.
import { bitLength } from '../crypto/bigint.js';

/**
 * Fixed-point precision of g and h. FATE uses 2^53; here 2^24 (g resolution 6e-8 per instance), because
 * every slot bit costs the host one squaring mod n² per candidate split when it compresses, which is
 * the largest cost of a tree (67-bit slots on breast instead of 125 at 2^53). The decrypted sums only rank
 * candidate splits; leaf weights use the guest's exact plaintext sums.
 */
export const GH_PRECISION_BITS = 24;

export interface GhLayout {
  readonly gBits: number;
  readonly hBits: number;
  readonly slotBits: number;
}

const SCALE = 2 ** GH_PRECISION_BITS;

export function ghLayout(maxAbsG: number, maxH: number, instances: number): GhLayout {
  const n = BigInt(Math.max(1, instances));
  const gBits = bitLength(BigInt(Math.ceil(maxAbsG * SCALE) + 1) * n) + 1;
  const hBits = bitLength(BigInt(Math.ceil(maxH * SCALE) + 1) * n);
  return { gBits, hBits, slotBits: gBits + hBits };
}

export function packGh(layout: GhLayout, g: number, h: number): bigint {
  const gi = BigInt(Math.round(g * SCALE));
  const hi = BigInt(Math.round(h * SCALE));
  return (gi << BigInt(layout.hBits)) + hi;
}

export interface GhSum {
  readonly g: number;
  readonly h: number;
}

/** A (signed) slot back to (Σg, Σh). */
export function unpackGh(layout: GhLayout, slot: bigint): GhSum {
  const hMask = (1n << BigInt(layout.hBits)) - 1n;
  // BigInt & and >> act on the two's complement, so a negative Σg leaves Σh intact in the low bits.
  return { g: Number(slot >> BigInt(layout.hBits)) / SCALE, h: Number(slot & hMask) / SCALE };
}

/** How many slots fit in one plaintext, |value| < 2^(keyBits − 3) < n/3 (at least 1). */
export function slotsPerPlaintext(keyBits: number, slotBits: number): number {
  return Math.max(1, Math.floor((keyBits - 3) / slotBits));
}

/** Splits a decrypted (signed) compressed value into its `size` signed slots, first-compressed first. */
export function decompress(v: bigint, size: number, slotBits: number): bigint[] {
  const base = 1n << BigInt(slotBits);
  const half = base >> 1n;
  const mask = base - 1n;
  const out = new Array<bigint>(size);
  let x = v;
  for (let k = size - 1; k >= 0; k--) {
    let digit = x & mask;
    if (digit >= half) digit -= base;
    out[k] = digit;
    x = (x - digit) >> BigInt(slotBits);
  }
  return out;
}

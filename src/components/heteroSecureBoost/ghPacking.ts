// One plaintext per instance carrying g, h and a count of 1 (FATE's GHPacker, g_h_optim.py, plus the
// count so that the guest never needs the hosts' plaintext sample counts):
//
//   packed = ((g + offset)·2^P) << (hBits + cBits)  |  (h·2^P) << cBits  |  1
//
// g is shifted by `offset` ≥ max|g| to make it non-negative, so fields only ever add up; each field is
// wide enough for the sum over every instance, so sums never carry into the next field. The hosts
// then "compress" several summed slots into one ciphertext (FATE's cipher_compressor) by Horner:
// acc·2^slotBits + next, which needs slotBits squarings instead of a long scalar exponent. The guest
// decrypts once per group and cuts the slots apart.
import { bitLength } from '../crypto/bigint.js';

/**
 * Fixed-point precision of g and h. FATE uses 2^53; here 2^24 (g resolution 6e-8 per instance), because
 * every slot bit costs the host one squaring mod n² per candidate split when it compresses, which is
 * the largest cost of a tree (≈ 77- instead of 135-bit slots on breast: 20–40 % faster at 1024 bits).
 * The decrypted sums only rank candidate splits; leaf weights use the guest's exact plaintext sums.
 */
export const GH_PRECISION_BITS = 24;

export interface GhLayout {
  readonly offset: number;
  readonly gBits: number;
  readonly hBits: number;
  readonly cBits: number;
  readonly slotBits: number;
}

const SCALE = 2 ** GH_PRECISION_BITS;

export function ghLayout(maxAbsG: number, maxH: number, instances: number): GhLayout {
  const offset = maxAbsG > 0 ? maxAbsG : 1;
  const n = BigInt(Math.max(1, instances));
  const gBits = bitLength(BigInt(Math.ceil(2 * offset * SCALE) + 1) * n);
  const hBits = bitLength(BigInt(Math.ceil(Math.max(maxH, 1e-300) * SCALE) + 1) * n);
  const cBits = bitLength(n);
  return { offset, gBits, hBits, cBits, slotBits: gBits + hBits + cBits };
}

export function packGh(layout: GhLayout, g: number, h: number): bigint {
  const gi = BigInt(Math.round((g + layout.offset) * SCALE));
  const hi = BigInt(Math.round(h * SCALE));
  return (((gi << BigInt(layout.hBits)) | hi) << BigInt(layout.cBits)) | 1n;
}

export interface GhSum {
  readonly g: number;
  readonly h: number;
  readonly count: number;
}

export function unpackGh(layout: GhLayout, v: bigint): GhSum {
  const cMask = (1n << BigInt(layout.cBits)) - 1n;
  const hMask = (1n << BigInt(layout.hBits)) - 1n;
  const count = Number(v & cMask);
  const h = Number((v >> BigInt(layout.cBits)) & hMask) / SCALE;
  const gShifted = Number(v >> BigInt(layout.cBits + layout.hBits)) / SCALE;
  return { g: gShifted - layout.offset * count, h, count };
}

/** How many slots fit in one plaintext below n/3 (at least 1). */
export function slotsPerPlaintext(keyBits: number, slotBits: number): number {
  return Math.max(1, Math.floor((keyBits - 2) / slotBits));
}

/** Splits a decrypted compressed value into its `size` slots, first-compressed first. */
export function decompress(v: bigint, size: number, slotBits: number): bigint[] {
  const mask = (1n << BigInt(slotBits)) - 1n;
  const out = new Array<bigint>(size);
  let x = v;
  for (let k = size - 1; k >= 0; k--) {
    out[k] = x & mask;
    x >>= BigInt(slotBits);
  }
  return out;
}

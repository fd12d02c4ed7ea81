/**
 * One global fixed-point encoding of floats into Paillier plaintexts (Z_n), shared by all parties.
 *
 *   encode(x) = round(x · 2^PRECISION_BITS) mod n     (negative v wraps to n − |v|)
 *   decode(v) = (v > n/2 ? v − n : v) / 2^PRECISION_BITS
 *
 * Why a fixed exponent: FATE's FixedPointNumber uses BASE 16 with a per-value exponent derived from
 * the float's 53-bit mantissa, so every homomorphic add must first align exponents (an extra scalar
 * multiplication). With one global scale no alignment is ever needed; every party must use the SAME
 * precision (export {@link FIXED_POINT_PRECISION_BITS}).
 *
 * Default precision: 53 bits (≈ 2^-53 ≈ 1.1e-16 absolute resolution, the width of a double's
 * mantissa, so values of magnitude ~1 round-trip exactly). With a 1024-bit n the plaintext space
 * still leaves ~1024/3 − 53 ≈ 288 bits of headroom for magnitudes and sums.
 *
 * Products must be rescaled: Enc(encode(a))^encode(b) decrypts to a·2^p · b·2^p = a·b·2^(2p), i.e.
 * the scale is squared. Decode such values with {@link FixedPointCodec.decodeProduct} (divide by
 * 2^(2p)), never with `decode`. For dot products Σ kᵢ·aᵢ the sum keeps the 2^(2p) scale; it must stay
 * below maxMagnitude, which is checked on decode (values in the gap (n/3, 2n/3) mean overflow).
 * Spec §4.4 alternatively uses residuals at 2^40 and features at 2^23 (products at 2^63); pass
 * `scaleBits` explicitly to `encode`/`decode` for such mixed scales.
 */
import { bitLength } from './bigint.js';

/** Global default precision (bits after the binary point). Same value for every party. */
export const FIXED_POINT_PRECISION_BITS = 53;

export class FixedPointOverflowError extends RangeError {
  constructor(message: string) {
    super(message);
    this.name = 'FixedPointOverflowError';
  }
}

export class FixedPointCodec {
  readonly n: bigint;
  readonly precisionBits: number;
  /** Largest |encoded integer| accepted: FATE's max_int = ⌊n/3⌋ − 1. */
  readonly maxMagnitude: bigint;
  private readonly half: bigint;

  constructor(n: bigint, precisionBits: number = FIXED_POINT_PRECISION_BITS) {
    if (!Number.isInteger(precisionBits) || precisionBits < 0 || precisionBits > 512) {
      throw new RangeError('FixedPointCodec: precisionBits must be an integer in [0, 512]');
    }
    if (n <= 3n) throw new RangeError('FixedPointCodec: modulus too small');
    this.n = n;
    this.precisionBits = precisionBits;
    this.maxMagnitude = n / 3n - 1n;
    this.half = n / 2n;
  }

  /** Largest |x| (as a float) that `encode` accepts at the given scale. */
  maxValue(scaleBits: number = this.precisionBits): number {
    return scaleToNumber(this.maxMagnitude, scaleBits);
  }

  /** Signed integer round(x · 2^scaleBits) (not reduced mod n); checks the magnitude bound. */
  toScaledInt(x: number, scaleBits: number = this.precisionBits): bigint {
    if (!Number.isFinite(x)) throw new RangeError(`FixedPointCodec: cannot encode non-finite value ${x}`);
    const scaled = x * 2 ** scaleBits; // exact: power-of-two scaling (unless it overflows to Infinity)
    if (!Number.isFinite(scaled)) {
      throw new FixedPointOverflowError(`FixedPointCodec: encode(${x}) at 2^${scaleBits} overflows a double, far above maxMagnitude (n/3 − 1)`);
    }
    const v = BigInt(Math.round(scaled));
    this.checkMagnitude(v, `encode(${x}) at 2^${scaleBits}`);
    return v;
  }

  /** encode(x) = round(x · 2^scaleBits) mod n. */
  encode(x: number, scaleBits: number = this.precisionBits): bigint {
    return this.wrap(this.toScaledInt(x, scaleBits));
  }

  /** Wrap a signed integer into [0, n) after a magnitude check. */
  encodeInt(v: bigint): bigint {
    this.checkMagnitude(v, `encodeInt(${v})`);
    return this.wrap(v);
  }

  /** Signed integer represented by a residue: values above n/2 are negative; |v| > maxMagnitude throws. */
  toSignedInt(v: bigint): bigint {
    if (v < 0n || v >= this.n) throw new RangeError('FixedPointCodec: encoded value must be in [0, n)');
    const s = v > this.half ? v - this.n : v;
    if (s > this.maxMagnitude || -s > this.maxMagnitude) {
      throw new FixedPointOverflowError(
        `FixedPointCodec: decoded magnitude ${bitLength(s)} bits exceeds maxMagnitude (n/3 − 1, ` +
          `${bitLength(this.maxMagnitude)} bits): homomorphic overflow`,
      );
    }
    return s;
  }

  /** decode(v) = signed(v) / 2^scaleBits. */
  decode(v: bigint, scaleBits: number = this.precisionBits): number {
    return scaleToNumber(this.toSignedInt(v), scaleBits);
  }

  /** Decode a product of `factors` encodings (scale 2^(factors·precisionBits)); default 2. */
  decodeProduct(v: bigint, factors = 2): number {
    return this.decode(v, factors * this.precisionBits);
  }

  private wrap(v: bigint): bigint {
    return v < 0n ? this.n + v : v;
  }

  private checkMagnitude(v: bigint, what: string): void {
    if (v > this.maxMagnitude || -v > this.maxMagnitude) {
      throw new FixedPointOverflowError(
        `FixedPointCodec: ${what} has magnitude ${bitLength(v)} bits, above maxMagnitude ` +
          `(n/3 − 1, ${bitLength(this.maxMagnitude)} bits)`,
      );
    }
  }
}

/** v / 2^scaleBits as a correctly rounded double (for |v| within double range). */
function scaleToNumber(v: bigint, scaleBits: number): number {
  if (v === 0n) return 0;
  const neg = v < 0n;
  let a = neg ? -v : v;
  let shift = scaleBits;
  // Keep Number(a) finite: drop low bits (those are below double precision anyway, up to 1 ulp).
  const excess = bitLength(a) - 1000;
  if (excess > 0) {
    a >>= BigInt(excess);
    shift -= excess;
  }
  // Divide in two steps so 2^shift never underflows/overflows for large shifts.
  let r = Number(a);
  while (shift > 1000) {
    r /= 2 ** 1000;
    shift -= 1000;
  }
  while (shift < -1000) {
    r *= 2 ** 1000;
    shift += 1000;
  }
  r /= 2 ** shift;
  return neg ? -r : r;
}

/**
 * The RSA intersection's per-id work on mini-batches of packed bytes (spec §1.2; rsa.ts holds the
 * single-value forms and the formulas). A batch is what one helper thread does at a time
 * (cryptoPool.ts), or the calling thread for small inputs: the results are the same numbers.
 *
 * Why packed bytes: residues mod n travel as fixed-width big-endian slots (`width` = bytes of n) and
 * double hashes as their raw digests. OpenSSL's raw RSA operation reads and writes such buffers
 * directly, a batch crosses threads as one transferable ArrayBuffer instead of a thousand BigInts,
 * and a million 32-byte digests are 32 MB instead of ~150 MB of hex strings.
 *
 * Why batch inversion: the guest unblinds u = z · r⁻¹; one extended-Euclid inverse per id costs
 * more than the rest of its work. Montgomery's trick inverts a whole batch with one inverse and
 * three multiplications per value, and its product tells at blinding time whether every r is a unit.
 */
import { type KeyObject, constants, createHash, privateDecrypt, randomFillSync } from 'node:crypto';
import { bitLength, gcd, modInv } from './bigint.js';
import { FixedModPow } from './nativeModPow.js';
import { type RsaPrivateKey, type RsaPublicKey, rsaKeyObject, rsaSign } from './rsa.js';

/** Bytes of a residue slot for modulus n. */
export const slotWidth = (n: bigint): number => Math.ceil(bitLength(n) / 8);

/** Bytes of a digest of `method` (sha256 → 32). */
export const digestWidth = (method: string): number => createHash(method).digest().length;

export function toSlot(x: bigint, out: Uint8Array, index: number, width: number): void {
  const hex = x.toString(16);
  if (hex.length > width * 2) throw new RangeError('toSlot: value does not fit its slot');
  Buffer.from(out.buffer, out.byteOffset, out.byteLength).write(hex.padStart(width * 2, '0'), index * width, width, 'hex');
}

export function fromSlot(packed: Uint8Array, index: number, width: number): bigint {
  return BigInt('0x' + Buffer.from(packed.buffer, packed.byteOffset, packed.byteLength).toString('hex', index * width, (index + 1) * width));
}

/** Residues x mod n of `values`, packed. */
export function packResidues(values: readonly bigint[], n: bigint): Uint8Array {
  const width = slotWidth(n);
  const out = new Uint8Array(values.length * width);
  values.forEach((v, i) => toSlot(((v % n) + n) % n, out, i, width));
  return out;
}

export function unpackResidues(packed: Uint8Array, width: number): bigint[] {
  const count = packed.length / width;
  const out: bigint[] = new Array(count);
  for (let i = 0; i < count; i++) out[i] = fromSlot(packed, i, width);
  return out;
}

/** H1(id) = int(hash(id + salt)) mod n. */
const h1 = (id: string, salt: string, method: string, n: bigint): bigint =>
  BigInt('0x' + createHash(method).update(id + salt, 'utf8').digest('hex')) % n;

/** H2(s) = hash(decimal(s) + salt), written as raw digest bytes at `index`. */
function h2Into(s: bigint, salt: string, method: string, out: Uint8Array, index: number, width: number): void {
  const digest = createHash(method).update(s.toString(10) + salt, 'utf8').digest();
  out.set(digest, index * width);
}

// ---- signing (host) -------------------------------------------------------------------------------

/** x ↦ x^d mod n on packed residues: OpenSSL's raw private operation, else the BigInt CRT. */
export interface SlotSigner {
  (packed: Uint8Array, index: number): bigint;
}

export function slotSigner(key: RsaPrivateKey, keyObject: KeyObject | undefined = rsaKeyObject(key)): SlotSigner {
  const width = slotWidth(key.n);
  const bigintSign: SlotSigner = (packed, i) => rsaSign(fromSlot(packed, i, width), key);
  if (!keyObject) return bigintSign;
  const options = { key: keyObject, padding: constants.RSA_NO_PADDING };
  const native: SlotSigner = (packed, i) => {
    const slot = Buffer.from(packed.buffer, packed.byteOffset + i * width, width);
    // 0^d = 0 and 1^d = 1; OpenSSL is only asked about real residues (< n, checked when packed).
    let small = true;
    for (let b = 0; b < width - 1 && small; b++) small = slot[b] === 0;
    if (small && slot[width - 1]! < 2) return BigInt(slot[width - 1]!);
    return BigInt('0x' + privateDecrypt(options, slot).toString('hex'));
  };
  // Self-check once: an OpenSSL build that pads or refuses falls back to BigInt.
  try {
    const probe = new Uint8Array(width);
    toSlot(0x1234567n % key.n, probe, 0, width);
    if (native(probe, 0) === bigintSign(probe, 0)) return native;
  } catch {
    // fall through
  }
  return bigintSign;
}

/** Host, own ids: the double hashes t = H2(sign(H1(id + salt))), packed digests. */
export function hostDoubleHashes(sign: SlotSigner, n: bigint, ids: readonly string[], salt: string, hashMethod: string, finalHashMethod: string): Uint8Array {
  const width = slotWidth(n);
  const dWidth = digestWidth(finalHashMethod);
  const slot = new Uint8Array(width);
  const out = new Uint8Array(ids.length * dWidth);
  ids.forEach((id, i) => {
    toSlot(h1(id, salt, hashMethod, n), slot, 0, width);
    h2Into(sign(slot, 0), salt, finalHashMethod, out, i, dWidth);
  });
  return out;
}

/** Host, the guest's blinded values: z = y^d mod n, packed in and out. */
export function signSlots(sign: SlotSigner, n: bigint, packed: Uint8Array): Uint8Array {
  const width = slotWidth(n);
  if (packed.length % width !== 0) throw new RangeError(`signSlots: ${packed.length} bytes are not whole ${width}-byte slots`);
  const count = packed.length / width;
  const out = new Uint8Array(packed.length);
  for (let i = 0; i < count; i++) toSlot(sign(packed, i), out, i, width);
  return out;
}

// ---- blinding (guest) -----------------------------------------------------------------------------

/** Prefix products of `values` mod n (Montgomery's trick, first half). */
function prefixProducts(values: readonly bigint[], n: bigint): bigint[] {
  const prefix: bigint[] = new Array(values.length);
  let acc = 1n;
  values.forEach((v, i) => (prefix[i] = acc = (acc * v) % n));
  return prefix;
}

/** r⁻¹ mod n for every r of the batch with one modular inverse. @throws RangeError when some r is not a unit. */
export function batchInverse(values: readonly bigint[], n: bigint): bigint[] {
  if (values.length === 0) return [];
  const prefix = prefixProducts(values, n);
  let inv = modInv(prefix[prefix.length - 1]!, n);
  const out: bigint[] = new Array(values.length);
  for (let i = values.length - 1; i > 0; i--) {
    out[i] = (inv * prefix[i - 1]!) % n;
    inv = (inv * values[i]!) % n;
  }
  out[0] = inv;
  return out;
}

/** `count` blinding factors of `bits` random bits, each > 1 and a unit mod n (FATE's random_bit). */
export function blindingFactors(count: number, bits: number, n: bigint): bigint[] {
  const bytes = Math.ceil(bits / 8);
  const mask = 0xff >> (bytes * 8 - bits);
  const raw = Buffer.alloc(bytes);
  const draw = (): bigint => {
    for (;;) {
      randomFillSync(raw);
      raw[0] = raw[0]! & mask;
      const r = BigInt('0x' + raw.toString('hex'));
      if (r > 1n) return r;
    }
  };
  const rs = Array.from({ length: count }, draw);
  // One gcd for the whole batch: the product is a unit iff every factor is (n's primes).
  if (count > 0 && gcd(prefixProducts(rs, n)[count - 1]!, n) !== 1n) {
    for (let i = 0; i < count; i++) while (gcd(rs[i]!, n) !== 1n) rs[i] = draw();
  }
  return rs;
}

/** Guest: y = H1(id + salt) · r^e mod n with fresh r; returns packed y and packed r (`rWidth` bytes each). */
export function blindIds(
  key: RsaPublicKey,
  ids: readonly string[],
  salt: string,
  hashMethod: string,
  randomBit: number,
  power: (r: bigint) => bigint = fixedPower(key),
): { blinded: Uint8Array; rs: Uint8Array } {
  const width = slotWidth(key.n);
  const rWidth = Math.ceil(randomBit / 8);
  const rs = blindingFactors(ids.length, randomBit, key.n);
  const blinded = new Uint8Array(ids.length * width);
  const packedRs = new Uint8Array(ids.length * rWidth);
  ids.forEach((id, i) => {
    const r = rs[i]!;
    toSlot((h1(id, salt, hashMethod, key.n) * power(r)) % key.n, blinded, i, width);
    toSlot(r, packedRs, i, rWidth);
  });
  return { blinded, rs: packedRs };
}

/** r ↦ r^e mod n by OpenSSL's raw public operation when it accepts the key (else BigInt). */
export function fixedPower(key: RsaPublicKey): (r: bigint) => bigint {
  const pow = new FixedModPow(key.n, key.e);
  return (r) => pow.pow(r);
}

/** Guest: t = H2(z · r⁻¹ mod n) for packed signatures z and packed r, as packed digests. */
export function unblindToDoubleHashes(key: RsaPublicKey, signed: Uint8Array, rs: Uint8Array, randomBit: number, salt: string, finalHashMethod: string): Uint8Array {
  const width = slotWidth(key.n);
  const rWidth = Math.ceil(randomBit / 8);
  const count = signed.length / width;
  if (!Number.isInteger(count) || rs.length !== count * rWidth) throw new RangeError('unblind: signatures and blinding factors do not line up');
  const rValues = Array.from({ length: count }, (_, i) => fromSlot(rs, i, rWidth));
  const inverses = batchInverse(rValues, key.n);
  const dWidth = digestWidth(finalHashMethod);
  const out = new Uint8Array(count * dWidth);
  for (let i = 0; i < count; i++) h2Into((fromSlot(signed, i, width) * inverses[i]!) % key.n, salt, finalHashMethod, out, i, dWidth);
  return out;
}

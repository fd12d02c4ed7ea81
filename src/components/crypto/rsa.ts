/**
 * RSA blind signatures for FATE's RSA intersection (PSI), "unified" mode (spec §1.2).
 *
 *   host:  t = H2(sign(H1(id + salt)))            (sign = h^d mod n, CRT)
 *   guest: y = H1(id + salt) · r^e mod n          (blind, r fresh 128-bit random)
 *   host:  z = y^d mod n = r · H1(id)^d           (sign)
 *   guest: u = z · r⁻¹ mod n = H1(id)^d           (unblind), then t = H2(u)
 *
 * H1 = SHA-256 hex digest read as a big integer; H2 = SHA-256 hex of the signature's decimal string
 * with the salt appended (FATE defaults: hash_method sha256, final_hash_method sha256, salt '').
 */
import { type KeyObject, constants, createHash, createPrivateKey, privateDecrypt } from 'node:crypto';
import { gcd, modInv, modPow, randomBits } from './bigint.js';
import { generateProbablePrime } from './prime.js';

export const RSA_DEFAULT_E = 65537n;
/** FATE's `random_bit` default for blinding factors. */
export const RSA_BLINDING_BITS = 128;

export interface RsaPublicKey {
  n: bigint;
  e: bigint;
}

export interface RsaPrivateKey extends RsaPublicKey {
  d: bigint;
  p: bigint;
  q: bigint;
  dp: bigint;
  dq: bigint;
  qInv: bigint;
}

export interface RsaKeyPair {
  publicKey: RsaPublicKey;
  privateKey: RsaPrivateKey;
}

/** Build an RSA key from primes p, q (d = e⁻¹ mod φ(n), CRT parameters precomputed). */
export function rsaKeyPairFromPrimes(p: bigint, q: bigint, e: bigint = RSA_DEFAULT_E): RsaKeyPair {
  if (p === q) throw new RangeError('rsaKeyPairFromPrimes: p and q must differ');
  const phi = (p - 1n) * (q - 1n);
  if (gcd(e, phi) !== 1n) throw new RangeError('rsaKeyPairFromPrimes: e is not coprime to φ(n)');
  const n = p * q;
  const d = modInv(e, phi);
  const privateKey: RsaPrivateKey = { n, e, d, p, q, dp: d % (p - 1n), dq: d % (q - 1n), qInv: modInv(q, p) };
  return { publicKey: { n, e }, privateKey };
}

/** Generate an RSA key with e = 65537 and an n of exactly `bits` bits (1024 up to FATE 1.10, 2048 in 1.11). */
export function generateRsaKeyPair(bits = 1024, e: bigint = RSA_DEFAULT_E): RsaKeyPair {
  if (!Number.isInteger(bits) || bits < 64 || bits % 2 !== 0) {
    throw new RangeError('generateRsaKeyPair: bits must be an even integer ≥ 64');
  }
  const accept = (p: bigint) => gcd(e, p - 1n) === 1n;
  for (;;) {
    const p = generateProbablePrime(bits / 2, accept);
    const q = generateProbablePrime(bits / 2, accept);
    if (p === q) continue;
    return rsaKeyPairFromPrimes(p, q, e);
  }
}

/** x^d mod n via CRT. */
export function rsaSign(x: bigint, key: RsaPrivateKey): bigint {
  const { p, q, dp, dq, qInv, n } = key;
  const xr = ((x % n) + n) % n;
  const m1 = modPow(xr % p, dp, p);
  const m2 = modPow(xr % q, dq, q);
  let h = ((m1 - m2) * qInv) % p;
  if (h < 0n) h += p;
  return m2 + h * q;
}

const toBase64Url = (x: bigint): string => {
  const hex = x.toString(16);
  return Buffer.from(hex.length % 2 ? '0' + hex : hex, 'hex').toString('base64url');
};

/**
 * The same key as an OpenSSL key object, or undefined when OpenSSL refuses it (e.g. the tiny test keys).
 * Why: a raw RSA private operation (no padding) in OpenSSL is ~7× faster than the BigInt CRT
 * (0.19 ms against 1.4 ms at 1024 bits here), and signing is nearly all of the intersection's CPU.
 */
export function rsaKeyObject(key: RsaPrivateKey): KeyObject | undefined {
  try {
    return createPrivateKey({
      format: 'jwk',
      key: {
        kty: 'RSA', n: toBase64Url(key.n), e: toBase64Url(key.e), d: toBase64Url(key.d), p: toBase64Url(key.p),
        q: toBase64Url(key.q), dp: toBase64Url(key.dp), dq: toBase64Url(key.dq), qi: toBase64Url(key.qInv),
      },
    });
  } catch {
    return undefined;
  }
}

/**
 * A signing function x ↦ x^d mod n for one key: OpenSSL's raw private operation when it accepts the
 * key, else the BigInt CRT (`rsaSign`). Both give the same value, so peers cannot tell them apart.
 */
export function rsaSigner(key: RsaPrivateKey): (x: bigint) => bigint {
  const keyObject = rsaKeyObject(key);
  if (!keyObject) return (x) => rsaSign(x, key);
  const bytes = Math.ceil(key.n.toString(16).length / 2);
  const options = { key: keyObject, padding: constants.RSA_NO_PADDING };
  const opensslSign = (x: bigint): bigint => {
    let xr = x % key.n;
    if (xr < 0n) xr += key.n;
    if (xr < 2n) return xr; // 0^d = 0, 1^d = 1; OpenSSL is only asked about real residues
    const out = privateDecrypt(options, Buffer.from(xr.toString(16).padStart(bytes * 2, '0'), 'hex'));
    return BigInt('0x' + out.toString('hex'));
  };
  // Self-check once: a mismatch (an OpenSSL build that pads or refuses) falls back to BigInt.
  try {
    const probe = 0x1234567n % key.n;
    if (opensslSign(probe) === rsaSign(probe, key)) return opensslSign;
  } catch {
    // fall through
  }
  return (x) => rsaSign(x, key);
}

/** x^e mod n. */
export function rsaVerify(s: bigint, key: RsaPublicKey): bigint {
  return modPow(s, key.e, key.n);
}

/** A fresh blinding factor r (RSA_BLINDING_BITS random bits, invertible mod n). */
export function randomBlindingFactor(key: RsaPublicKey, bits: number = RSA_BLINDING_BITS): bigint {
  for (;;) {
    const r = randomBits(bits);
    if (r > 1n && gcd(r, key.n) === 1n) return r;
  }
}

/** y = h · r^e mod n. */
export function rsaBlind(h: bigint, r: bigint, key: RsaPublicKey): bigint {
  return (((h % key.n) * modPow(r, key.e, key.n)) % key.n + key.n) % key.n;
}

/** u = z · r⁻¹ mod n. */
export function rsaUnblind(z: bigint, r: bigint, key: RsaPublicKey): bigint {
  return (z * modInv(r, key.n)) % key.n;
}

/** Hex digest of a string (FATE's hash_method; default sha256). */
export function hashHex(data: string, method = 'sha256'): string {
  return createHash(method).update(data, 'utf8').digest('hex');
}

/** H1(id) = int(hash(id + salt), 16). */
export function hashToBigInt(id: string, salt = '', method = 'sha256'): bigint {
  return BigInt('0x' + hashHex(id + salt, method));
}

/** H2(s) = hash(str(s) + salt) as a hex string (FATE's final_hash_method). */
export function finalHash(signature: bigint, salt = '', method = 'sha256'): string {
  return hashHex(signature.toString(10) + salt, method);
}

/** Host side: t = H2(sign(H1(id + salt))). */
export function doubleHash(id: string, key: RsaPrivateKey, salt = '', method = 'sha256', finalMethod = method): string {
  return finalHash(rsaSign(hashToBigInt(id, salt, method), key), salt, finalMethod);
}

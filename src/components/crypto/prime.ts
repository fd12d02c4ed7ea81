/**
 * Probable-prime generation: trial division by small primes, then Miller–Rabin with
 * random bases drawn from node:crypto.
 */
import { bitLength, modPow, randomBetween, randomBits } from './bigint.js';

const SMALL_PRIMES: readonly number[] = (() => {
  const limit = 2000;
  const sieve = new Uint8Array(limit + 1);
  const out: number[] = [];
  for (let i = 2; i <= limit; i++) {
    if (sieve[i]) continue;
    out.push(i);
    for (let j = i * i; j <= limit; j += i) sieve[j] = 1;
  }
  return out;
})();
const SMALL_PRIMES_BIG = SMALL_PRIMES.map((p) => BigInt(p));

/** Default Miller–Rabin rounds: error ≤ 4^-rounds for adversarial inputs, far lower for random ones. */
export function defaultMillerRabinRounds(bits: number): number {
  if (bits >= 1024) return 8;
  if (bits >= 512) return 12;
  if (bits >= 256) return 20;
  return 32;
}

/** Miller–Rabin probable-prime test with `rounds` random bases. */
export function isProbablePrime(n: bigint, rounds?: number): boolean {
  if (n < 2n) return false;
  for (const p of SMALL_PRIMES_BIG) {
    if (n === p) return true;
    if (n % p === 0n) return false;
  }
  const k = rounds ?? defaultMillerRabinRounds(bitLength(n));
  let d = n - 1n;
  let s = 0;
  while ((d & 1n) === 0n) {
    d >>= 1n;
    s++;
  }
  const nm1 = n - 1n;
  outer: for (let i = 0; i < k; i++) {
    const a = randomBetween(2n, n - 2n);
    let x = modPow(a, d, n);
    if (x === 1n || x === nm1) continue;
    for (let j = 1; j < s; j++) {
      x = (x * x) % n;
      if (x === nm1) continue outer;
      if (x === 1n) return false;
    }
    return false;
  }
  return true;
}

/**
 * Random probable prime of exactly `bits` bits with the two top bits set (so a product of
 * two such primes has exactly 2·bits bits). Optional `accept` filters candidates
 * (e.g. gcd(e, p−1) = 1 for RSA).
 */
export function generateProbablePrime(bits: number, accept?: (p: bigint) => boolean): bigint {
  if (!Number.isInteger(bits) || bits < 8) throw new RangeError('generateProbablePrime: bits must be an integer ≥ 8');
  const top = (1n << BigInt(bits - 1)) | (1n << BigInt(bits - 2));
  for (;;) {
    // Random odd start, then incremental search with cheap residue updates for trial division.
    let cand = randomBits(bits) | top | 1n;
    const residues = SMALL_PRIMES_BIG.map((p) => Number(cand % p));
    for (let delta = 0; delta < 20 * bits; delta += 2) {
      let divisible = false;
      for (let i = 0; i < SMALL_PRIMES.length; i++) {
        if ((residues[i]! + delta) % SMALL_PRIMES[i]! === 0) {
          divisible = true;
          break;
        }
      }
      if (divisible) continue;
      const p = cand + BigInt(delta);
      if (bitLength(p) !== bits) break;
      if (!isProbablePrime(p)) continue;
      if (accept && !accept(p)) continue;
      return p;
    }
    cand = 0n;
  }
}

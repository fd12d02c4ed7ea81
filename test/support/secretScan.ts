// Looks through every file under some directories for secrets: PEM blocks, given strings (app
// secrets, private key bodies) and Paillier private keys. A Paillier private key shows as big
// integers: a factor p or q of a modulus n found nearby (n mod p = 0), or λ (φ or a multiple):
// 2^λ ≡ 1 (mod n) for the moduli found. Files are read as latin1 so SQLite pages count too.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

export interface Finding {
  readonly file: string;
  readonly what: string;
}

function files(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    const st = statSync(path);
    if (st.isDirectory()) out.push(...files(path));
    else if (st.isFile()) out.push(path);
  }
  return out;
}

function modPow(base: bigint, exp: bigint, mod: bigint): bigint {
  let result = 1n;
  let b = base % mod;
  let e = exp;
  while (e > 0n) {
    if (e & 1n) result = (result * b) % mod;
    b = (b * b) % mod;
    e >>= 1n;
  }
  return result;
}

/** Big integers (≥ 2^200) written in decimal or hex. */
function bigIntegers(text: string): bigint[] {
  const out: bigint[] = [];
  for (const m of text.matchAll(/\d{61,}/g)) out.push(BigInt(m[0]));
  for (const m of text.matchAll(/(?<![0-9a-z])(?:0x)?[0-9a-f]{51,}(?![0-9a-z])/gi)) out.push(BigInt(m[0].startsWith('0x') ? m[0] : `0x${m[0]}`));
  return out.filter((n) => n >= 1n << 200n);
}

export function scanForSecrets(dirs: readonly string[], strings: readonly { what: string; value: string }[]): { findings: Finding[]; files: number; bigIntegers: number } {
  const findings: Finding[] = [];
  const numbers = new Map<bigint, string>();
  let count = 0;
  for (const dir of dirs) {
    for (const file of files(dir)) {
      count++;
      const text = readFileSync(file).toString('latin1');
      // Private key blocks only: a public key (the audit chain's signed checkpoints name the key
      // that signed them) or a certificate is meant to be seen.
      const pem = text.match(/-----BEGIN [A-Z ]*PRIVATE KEY-----/);
      if (pem) findings.push({ file, what: `PEM block ${pem[0]}` });
      for (const s of strings) if (text.includes(s.value)) findings.push({ file, what: s.what });
      for (const n of bigIntegers(text)) if (!numbers.has(n)) numbers.set(n, file);
    }
  }
  // Pairwise: a factor of another number, or an exponent that is λ for another number as modulus.
  const all = [...numbers.keys()];
  if (all.length > 2000) throw new Error(`${all.length} big integers in the files: too many to check for Paillier keys`);
  const moduli = all.filter((n) => n >= 1n << 500n && n % 2n === 1n);
  for (const n of all) {
    for (const x of all) {
      if (x === n) continue;
      if (x < n && n % x === 0n) findings.push({ file: numbers.get(x)!, what: `a factor of the modulus in ${numbers.get(n)} (Paillier p or q)` });
      else if (moduli.includes(n) && x >= 1n << 400n && x.toString(2).length <= 2 * n.toString(2).length && modPow(2n, x, n) === 1n) {
        findings.push({ file: numbers.get(x)!, what: `λ (or φ) of the modulus in ${numbers.get(n)} (Paillier private key)` });
      }
    }
  }
  return { findings, files: count, bigIntegers: all.length };
}

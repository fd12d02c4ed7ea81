// The additive cipher of the binning protocol. The guest encrypts each row's label once (FATE encrypts
// y and 1 − y; here the host returns bin sizes, which it knows anyway, and the guest takes the
// non-events as size − events: half the encryptions, same result). The host only multiplies
// ciphertexts and re-randomises each per-bin sum before sending it back, so the guest cannot match a
// sum's randomness against the per-row randomness it chose and learn which rows share a host bin.
// The plaintext mode (encrypt_param.method null) runs the same protocol on numbers: tests and the
// bench baseline only.
import { PaillierGhCipher } from '../heteroSecureBoost/ghCipher.js';
import { encryptedBinSums } from './binSums.js';
import { generatePaillierKeyPair, PaillierPublicKey, type ObfuscationMode, type PaillierPrivateKey } from '../crypto/paillier.js';

/** A ciphertext as it crosses the federation: bigint (Paillier) or number (plaintext mode). */
export type Ct = bigint | number;

/** The guest's side: encrypts labels, decrypts per-bin sums. */
export interface LabelEncryptor {
  /** The public modulus sent to hosts (null in plaintext mode). */
  readonly publicN: bigint | null;
  encryptLabels(labels: Uint8Array): Promise<Ct[]>;
  decryptCount(c: Ct): number;
  close(): void;
}

/** The host's side: sums ciphertexts per bin and re-randomises the sums. */
export interface BinSummer {
  /** out[column][bin] = [[Σ labels of the rows in the bin]]; `bins[column][row]`, `tops[column]` the highest bin. */
  sumBins(cts: readonly Ct[], bins: readonly Int32Array[], tops: readonly number[], signal: AbortSignal): Promise<Ct[][]>;
  /** [[a + b]] from [[a]] and [[b]]: two pieces' sums of one bin added (hostSums.ts). */
  addSums(a: Ct, b: Ct): Ct;
  rerandomize(c: Ct): Ct;
}

export class PaillierLabelEncryptor implements LabelEncryptor {
  readonly publicN: bigint;
  private readonly cipher: PaillierGhCipher;
  private readonly privateKey: PaillierPrivateKey;

  constructor(keyLength: number, obfuscation: ObfuscationMode) {
    const { publicKey, privateKey } = generatePaillierKeyPair(keyLength);
    this.publicN = publicKey.n;
    this.privateKey = privateKey;
    // The guest holds the key, so its obfuscators are computed in CRT form (same distribution as rⁿ).
    this.cipher = new PaillierGhCipher(publicKey, obfuscation, privateKey);
  }

  async encryptLabels(labels: Uint8Array): Promise<Ct[]> {
    // One obfuscator per row, computed by helper threads on the other cores while this one works too.
    this.cipher.prefetch(labels.length, labels.length);
    const ms = Array.from(labels, (y) => BigInt(y));
    return this.cipher.encryptAll(ms);
  }

  decryptCount(c: Ct): number {
    if (typeof c !== 'bigint') throw new Error('HeteroFeatureBinning: a host sent a bin sum that is not a ciphertext');
    const m = this.privateKey.decryptSigned(c);
    return Number(m);
  }

  close(): void {
    this.cipher.close();
  }
}

export class PaillierBinSummer implements BinSummer {
  private readonly publicKey: PaillierPublicKey;
  private readonly n2: bigint;
  constructor(n: bigint) {
    if (typeof n !== 'bigint' || n < 1n << 255n) throw new Error('HeteroFeatureBinning: the guest sent no usable Paillier public key');
    this.publicKey = new PaillierPublicKey(n);
    this.n2 = this.publicKey.n2;
  }
  sumBins(cts: readonly Ct[], bins: readonly Int32Array[], tops: readonly number[], signal: AbortSignal): Promise<Ct[][]> {
    for (const c of cts) {
      if (typeof c !== 'bigint' || c <= 0n || c >= this.n2) throw new Error('HeteroFeatureBinning: the guest sent a label that is not a ciphertext under its key');
    }
    return encryptedBinSums(this.n2, cts as bigint[], bins, tops, signal);
  }
  addSums(a: Ct, b: Ct): Ct {
    return ((a as bigint) * (b as bigint)) % this.n2;
  }
  rerandomize(c: Ct): Ct {
    return this.publicKey.rerandomize(c as bigint);
  }
}

export class PlaintextLabelCipherForTestsOnly implements LabelEncryptor, BinSummer {
  readonly publicN = null;
  async encryptLabels(labels: Uint8Array): Promise<Ct[]> {
    return Array.from(labels);
  }
  decryptCount(c: Ct): number {
    return Number(c);
  }
  close(): void {}
  async sumBins(cts: readonly Ct[], bins: readonly Int32Array[], tops: readonly number[]): Promise<Ct[][]> {
    return bins.map((col, c) => {
      const acc = new Array<number>(tops[c]! + 1).fill(0);
      col.forEach((b, i) => (acc[b] = acc[b]! + Number(cts[i])));
      return acc;
    });
  }
  addSums(a: Ct, b: Ct): Ct {
    return Number(a) + Number(b);
  }
  rerandomize(c: Ct): Ct {
    return c;
  }
}

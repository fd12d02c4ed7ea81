// The additive cipher SecureBoost needs over packed g/h plaintexts: Paillier (the guest holds the
// private key; hosts only get the public key) or, for tests and the bench baseline only, no encryption
// at all with the same bigint arithmetic, so both modes run the very same algorithm.
import { type IterativeAffineKey, iterativeAffineDecrypt, iterativeAffineEncrypt, iterativeAffinePlainBits } from '../crypto/iterativeAffine.js';
import { BackgroundObfuscators } from '../crypto/backgroundObfuscators.js';
import { slotsPerPlaintext } from './ghPacking.js';
import { PaillierEncryptor, type ObfuscationMode, type PaillierPrivateKey, type PaillierPublicKey } from '../crypto/paillier.js';

export interface GhCipher {
  /** Bits of the plaintext space (the key length). */
  readonly keyBits: number;
  /** A (deterministic) encryption of 0, the neutral element of `add`. */
  readonly zero: bigint;
  encrypt(m: bigint): bigint;
  /** Encrypts a batch (the guest's g/h of one tree), with obfuscators computed ahead when prefetching. */
  encryptAll(ms: readonly bigint[]): Promise<bigint[]>;
  /** Ends helper threads started by `prefetch`. */
  close(): void;
  add(a: bigint, b: bigint): bigint;
  /** [[m·2^bits]]: `bits` homomorphic doublings (squarings for Paillier). */
  shift(c: bigint, bits: number): bigint;
  /** How many g/h slots of `slotBits` one ciphertext may carry (hosts compress that many candidates into one). */
  slotsFor(slotBits: number): number;
}

export interface GhDecryptor {
  /** The signed plaintext (residues above n/2 are negative). */
  decrypt(c: bigint): bigint;
}

export class PaillierGhCipher implements GhCipher {
  readonly keyBits: number;
  readonly zero = 1n;
  private readonly n2: bigint;
  private encryptor: PaillierEncryptor | null = null;
  private background: BackgroundObfuscators | null = null;

  /**
   * `obfuscation`: standard rⁿ unless the job opted in to DJN (`encrypt_param.fedflow_obfuscation`).
   * `privateKey`: given to the key holder (the guest), standard obfuscators are computed in their CRT
   * form — the same distribution as rⁿ mod n², ≈ 3× cheaper (PaillierPrivateKey.randomObfuscator).
   */
  constructor(
    readonly publicKey: PaillierPublicKey,
    private readonly obfuscation: ObfuscationMode = 'standard',
    private readonly privateKey: PaillierPrivateKey | null = null,
  ) {
    this.keyBits = publicKey.bitLength;
    this.n2 = publicKey.n2;
  }

  encrypt(m: bigint): bigint {
    if (this.obfuscation === 'standard' && this.privateKey) return this.publicKey.encrypt(m, this.privateKey.randomObfuscator());
    // Built on first use so hosts, which never encrypt, do not pay for a DJN table.
    this.encryptor ??= new PaillierEncryptor(this.publicKey, { obfuscation: this.obfuscation });
    return this.encryptor.encrypt(m);
  }

  /** Standard mode: `budget` obfuscators for the whole run, `window` kept ready, in helper threads. */
  prefetch(budget: number, window: number): void {
    if (this.obfuscation !== 'standard' || this.background) return;
    this.background = new BackgroundObfuscators(this.privateKey ?? this.publicKey, { budget, window });
  }

  async encryptAll(ms: readonly bigint[]): Promise<bigint[]> {
    if (!this.background) return ms.map((m) => this.encrypt(m));
    const obf = await this.background.take(ms.length);
    return ms.map((m, i) => this.publicKey.encrypt(m, obf[i]!));
  }

  close(): void {
    this.background?.close();
    this.background = null;
  }

  add(a: bigint, b: bigint): bigint {
    return (a * b) % this.n2;
  }
  slotsFor(slotBits: number): number {
    return slotsPerPlaintext(this.keyBits, slotBits);
  }
  shift(c: bigint, bits: number): bigint {
    let x = c;
    for (let i = 0; i < bits; i++) x = (x * x) % this.n2;
    return x;
  }
}

export function paillierDecryptor(privateKey: PaillierPrivateKey): GhDecryptor {
  return { decrypt: (c) => privateKey.decryptSigned(c) };
}

/** No encryption: for tests and the plaintext baseline only. */
export class PlaintextGhCipherForTestsOnly implements GhCipher, GhDecryptor {
  readonly zero = 0n;
  constructor(readonly keyBits: number) {}
  encrypt(m: bigint): bigint {
    return m;
  }
  async encryptAll(ms: readonly bigint[]): Promise<bigint[]> {
    return [...ms];
  }
  close(): void {}
  add(a: bigint, b: bigint): bigint {
    return a + b;
  }
  shift(c: bigint, bits: number): bigint {
    return c << BigInt(bits);
  }
  slotsFor(slotBits: number): number {
    return slotsPerPlaintext(this.keyBits, slotBits);
  }
  decrypt(c: bigint): bigint {
    return c;
  }
}

export const ITERATIVE_AFFINE_WARNING =
  'encrypt_param.method IterativeAffine: FATE 1.4\'s IterativeAffine cipher is much weaker than Paillier (deterministic and linear, ' +
  'broken by a few known plaintexts); the gradients it protects are exposed to a host that can guess some. Use Paillier.';

/** What both sides do with IterativeAffine ciphertexts: add them as integers, one slot each, never scaled. */
abstract class IterativeAffineAdds {
  readonly zero = 0n;
  constructor(readonly keyBits: number) {}
  close(): void {}
  add(a: bigint, b: bigint): bigint {
    return a + b;
  }
  shift(): bigint {
    throw new Error('IterativeAffine ciphertexts can not be scaled');
  }
  slotsFor(): number {
    return 1;
  }
}

/**
 * FATE 1.4's IterativeAffine (crypto/iterativeAffine.ts): ciphertexts add as integers, which is all a
 * host does with them. Only the guest holds the key; hosts get none (`IterativeAffineSums`). One slot
 * per ciphertext: scaling a ciphertext by 2^k would overflow the rounds' moduli, so hosts do not
 * compress candidates. Much weaker than Paillier (deterministic and linear).
 */
export class IterativeAffineGhCipher extends IterativeAffineAdds implements GhCipher, GhDecryptor {
  constructor(private readonly key: IterativeAffineKey) {
    super(iterativeAffinePlainBits(key));
  }
  encrypt(m: bigint): bigint {
    return iterativeAffineEncrypt(this.key, m);
  }
  async encryptAll(ms: readonly bigint[]): Promise<bigint[]> {
    return ms.map((m) => this.encrypt(m));
  }
  decrypt(c: bigint): bigint {
    return iterativeAffineDecrypt(this.key, c);
  }
}

/** A host's side of IterativeAffine: adds ciphertexts, holds no key. */
export class IterativeAffineSums extends IterativeAffineAdds implements GhCipher {
  encrypt(): bigint {
    throw new Error('a host holds no IterativeAffine key');
  }
  async encryptAll(): Promise<bigint[]> {
    throw new Error('a host holds no IterativeAffine key');
  }
}

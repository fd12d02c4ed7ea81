// The additive cipher SecureBoost needs over packed g/h plaintexts: Paillier (the guest holds the
// private key; hosts only get the public key) or, for tests and the bench baseline only, no encryption
// at all with the same bigint arithmetic, so both modes run the very same algorithm.
import { PaillierEncryptor, type PaillierPrivateKey, type PaillierPublicKey } from '../crypto/paillier.js';

export interface GhCipher {
  /** Bits of the plaintext space (the key length). */
  readonly keyBits: number;
  /** A (deterministic) encryption of 0, the neutral element of `add`. */
  readonly zero: bigint;
  encrypt(m: bigint): bigint;
  add(a: bigint, b: bigint): bigint;
  /** [[m·2^bits]]: `bits` homomorphic doublings (squarings for Paillier). */
  shift(c: bigint, bits: number): bigint;
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

  constructor(readonly publicKey: PaillierPublicKey) {
    this.keyBits = publicKey.bitLength;
    this.n2 = publicKey.n2;
  }

  encrypt(m: bigint): bigint {
    // DJN fixed-base obfuscation, as HeteroLR: ~15× faster encryption (spec §4.2); built on first use
    // so hosts, which never encrypt, do not pay for the table.
    this.encryptor ??= new PaillierEncryptor(this.publicKey, { obfuscation: 'djn' });
    return this.encryptor.encrypt(m);
  }
  add(a: bigint, b: bigint): bigint {
    return (a * b) % this.n2;
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
  add(a: bigint, b: bigint): bigint {
    return a + b;
  }
  shift(c: bigint, bits: number): bigint {
    return c << BigInt(bits);
  }
  decrypt(c: bigint): bigint {
    return c;
  }
}

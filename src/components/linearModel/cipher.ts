// The arithmetic HeteroLR needs from its cipher, in two implementations with one interface:
// Paillier (g = n+1, one global fixed-point scale: residuals at 2^40, features at 2^23, products and
// loss terms at 2^63, spec §4.4) and a plaintext mode for tests only (ciphertexts are the floats).
import { BackgroundObfuscators } from '../crypto/backgroundObfuscators.js';
import { cryptoPool } from '../crypto/cryptoPool.js';
import { randomBits } from '../crypto/bigint.js';
import { type ObfuscationMode, PaillierEncryptor, PaillierPrivateKey, PaillierPublicKey } from '../crypto/paillier.js';
import { maxBitLength, pippengerCost, pippengerWindow } from '../crypto/pippenger.js';
import { BitSlicedColumns, DEFAULT_GROUP_BITS, SubsetProductTables } from '../crypto/subsetProducts.js';
import { packedDoubles } from '../../tableData/packedDoubles.js';

/** A ciphertext as it crosses the federation: bigint (Paillier) or number (plaintext mode). */
export type Ct = bigint | number;

export const RESIDUAL_BITS = 40;
export const FEATURE_BITS = 23;
export const PRODUCT_BITS = RESIDUAL_BITS + FEATURE_BITS;
/** Gradient masks are uniform below 2^MASK_BITS, far above any masked value (statistical hiding). */
const MASK_BITS = 192;
/** From this many (row, column) values, prepared columns are encoded only while in use. */
const LAZY_ENCODE_MIN = 50_000;
/** Below this many (row, column) products a dot stays on the calling thread. */
const PARALLEL_DOTS_MIN = 20_000;

/** Column-major feature matrix prepared for repeated dot products (arrays or Float64Array columns). */
export interface PreparedColumns {
  readonly columns: readonly ArrayLike<number>[];
  /** Paillier: the columns at 2^FEATURE_BITS (signed integers) and their largest bit length. */
  readonly encoded: bigint[][] | null;
  readonly bits: number;
  /** The same bit-sliced for the subset-product dots (built on first use). */
  sliced: BitSlicedColumns | null;
}

export interface HeCipher {
  readonly plaintext: boolean;
  /** Encrypt values at `scaleBits`. */
  encrypt(values: readonly number[], scaleBits: number): Promise<Ct[]>;
  /**
   * Announce how many encryptions this party will make over the run (`window` of them may be prepared
   * ahead), so their randomness can be computed in the background. Optional; call {@link close} after.
   */
  prefetch(budget: number, window: number): void;
  /** Releases background threads. */
  close(): void;
  /**
   * Dealt mode: obfuscators the key holder computed for this party's next encryptions (each used
   * once, in order; see obfuscatorDealer.ts).
   */
  receiveObfuscators(obfuscators: readonly bigint[]): void;
  add(...cts: Ct[]): Ct;
  /** add(...cts) of an array that may be row-sized: no spread (V8 overflows the stack past ~150,000 arguments). */
  sum(cts: readonly Ct[]): Ct;
  /** add(a[i], b[i]) for every i: one call per batch instead of one per row. */
  addPairs(a: readonly Ct[], b: readonly Ct[]): Ct[];
  prepare(columns: readonly ArrayLike<number>[]): PreparedColumns;
  /**
   * For each column j: [[Σ_i a_i · x_ij]] (scale: cts scale + FEATURE_BITS). Calls with the same `cts`
   * array in a row share the per-ciphertext work (so the array must not be modified in between).
   */
  dots(cts: readonly Ct[], columns: PreparedColumns): Ct[];
  /** The same as {@link dots}; large ones run their columns on the crypto helper threads (cryptoPool.ts). */
  dotsAsync(cts: readonly Ct[], columns: PreparedColumns, signal?: AbortSignal): Promise<Ct[]>;
  /** [[a_i · f_i]] per row, f_i encoded at `factorBits` (the result's scale: the ciphertexts' + factorBits). */
  scale(cts: readonly Ct[], factors: readonly number[], factorBits: number): Ct[];
  /** Adds a random mask to each ciphertext; returns masked ciphertexts and masks. */
  mask(cts: readonly Ct[]): { masked: Ct[]; masks: Ct[] };
  /** Removes the mask from a decrypted value and decodes it at `scaleBits`. */
  unmask(decrypted: Ct, mask: Ct, scaleBits: number): number;
  /** Decode a decrypted unmasked value. */
  decode(decrypted: Ct, scaleBits: number): number;
}

/** Plaintext mode: no encryption at all. For tests only. */
export class PlaintextCipherForTestsOnly implements HeCipher {
  readonly plaintext = true;
  async encrypt(values: readonly number[]): Promise<Ct[]> {
    return values.slice();
  }
  prefetch(): void {}
  close(): void {}
  receiveObfuscators(): void {
    throw new Error('HeteroLR: plaintext mode has no obfuscators');
  }
  add(...cts: Ct[]): Ct {
    return this.sum(cts);
  }
  sum(cts: readonly Ct[]): Ct {
    let s = 0;
    for (const c of cts) s += c as number;
    return s;
  }
  addPairs(a: readonly Ct[], b: readonly Ct[]): Ct[] {
    // 0 + a + b, as add(a, b) sums (0 + -0 is +0): bit for bit the same. A packed array
    // (packedDoubles): v8's serializer (federation payloads) copies it several times faster.
    const out = packedDoubles(a.length);
    for (let i = 0; i < a.length; i++) out[i] = 0 + (a[i] as number) + (b[i] as number);
    return out;
  }
  prepare(columns: readonly ArrayLike<number>[]): PreparedColumns {
    return { columns, encoded: null, bits: 0, sliced: null };
  }
  dots(cts: readonly Ct[], prepared: PreparedColumns): Ct[] {
    return prepared.columns.map((col) => {
      let s = 0;
      for (let i = 0; i < col.length; i++) s += (cts[i] as number) * col[i]!;
      return s;
    });
  }
  async dotsAsync(cts: readonly Ct[], prepared: PreparedColumns): Promise<Ct[]> {
    return this.dots(cts, prepared);
  }
  scale(cts: readonly Ct[], factors: readonly number[]): Ct[] {
    return cts.map((c, i) => (c as number) * factors[i]!);
  }
  mask(cts: readonly Ct[]): { masked: Ct[]; masks: Ct[] } {
    return { masked: [...cts], masks: cts.map(() => 0) };
  }
  unmask(decrypted: Ct): number {
    return decrypted as number;
  }
  decode(decrypted: Ct): number {
    return decrypted as number;
  }
}

function scaled(x: number, bits: number): bigint {
  const v = x * 2 ** bits;
  if (!Number.isFinite(v)) throw new RangeError(`HeteroLR: value ${x} cannot be encoded`);
  return BigInt(Math.round(v));
}

function unscale(v: bigint, bits: number): number {
  return Number(v) / 2 ** bits;
}

export class PaillierCipher implements HeCipher {
  readonly plaintext = false;
  private readonly encryptor: PaillierEncryptor;

  get obfuscation(): ObfuscationMode {
    return this.encryptor.obfuscation;
  }

  /**
   * `obfuscation`: standard rⁿ unless the job opted in to DJN (`encrypt_param.fedflow_obfuscation`).
   * `dealt`: standard obfuscators come from the key holder ({@link receiveObfuscators}) instead of
   * being computed here; no helper threads are started then.
   */
  constructor(
    readonly publicKey: PaillierPublicKey,
    obfuscation: ObfuscationMode = 'standard',
    readonly dealt = false,
  ) {
    if (dealt && obfuscation !== 'standard') throw new RangeError('PaillierCipher: only standard obfuscators are dealt');
    this.encryptor = new PaillierEncryptor(publicKey, { obfuscation });
  }

  /** Standard mode: rⁿ values computed ahead in helper threads (null until `prefetch`, and in DJN mode). */
  private background: BackgroundObfuscators | null = null;
  /** Dealt mode: received and not yet used, in order. */
  private readonly received: bigint[] = [];

  prefetch(budget: number, window: number): void {
    if (this.obfuscation !== 'standard' || this.dealt || this.background) return;
    this.background = new BackgroundObfuscators(this.publicKey, { budget, window });
  }

  close(): void {
    this.background?.close();
    this.background = null;
    this.lastTables = null;
  }

  receiveObfuscators(obfuscators: readonly bigint[]): void {
    if (!this.dealt) throw new Error('HeteroLR: obfuscators dealt to a party that computes its own');
    for (const z of obfuscators) this.received.push(z);
  }

  /** One obfuscator per value: dealt ones, else from the helper threads when prefetching, else the encryptor's own. */
  private async obfuscators(count: number): Promise<bigint[]> {
    if (this.dealt) {
      if (this.received.length < count) throw new Error(`HeteroLR: ${count} encryptions but only ${this.received.length} dealt obfuscators left`);
      return this.received.splice(0, count);
    }
    if (this.background) return this.background.take(count);
    return Array.from({ length: count }, () => this.encryptor.obfuscator.next());
  }

  async encrypt(values: readonly number[], scaleBits: number): Promise<Ct[]> {
    const obf = await this.obfuscators(values.length);
    return values.map((v, i) => this.publicKey.encrypt(scaled(v, scaleBits), obf[i]!));
  }
  add(...cts: Ct[]): Ct {
    return this.publicKey.sum(cts as bigint[]);
  }
  sum(cts: readonly Ct[]): Ct {
    return this.publicKey.sum(cts as bigint[]);
  }
  addPairs(a: readonly Ct[], b: readonly Ct[]): Ct[] {
    return a.map((c, i) => this.publicKey.add(c as bigint, b[i] as bigint));
  }
  prepare(columns: readonly ArrayLike<number>[]): PreparedColumns {
    const encode = () => {
      // Array.from: a Float64Array column's own map would give a Float64Array, which cannot hold bigints.
      const encoded = columns.map((col) => Array.from(col, (x) => scaled(x, FEATURE_BITS)));
      let bits = 0;
      for (const col of encoded) bits = Math.max(bits, maxBitLength(col.map((k) => (k < 0n ? -k : k))));
      return { encoded, bits };
    };
    if (columns.length * (columns[0]?.length ?? 0) < LAZY_ENCODE_MIN) return { columns, ...encode(), sliced: null };
    // Large batches are encoded when used, and only the batch in use is kept encoded: a party
    // prepares every batch of the epoch up front, and 1,000,000 rows × 30 features as BigInts are
    // over 1 GB, against ~10 MB for one 10,000-row batch. Re-encoding costs ~2 % of a Paillier step.
    const cache = this.encodedBatch;
    const prepared: PreparedColumns = {
      columns,
      get encoded() {
        return cache.of(prepared, encode).encoded;
      },
      get bits() {
        return cache.of(prepared, encode).bits;
      },
      sliced: null,
    };
    return prepared;
  }
  /** The one large prepared batch currently encoded (see {@link prepare}). */
  private readonly encodedBatch = new (class {
    private slot: { owner: PreparedColumns; value: { encoded: bigint[][]; bits: number } } | null = null;
    of(owner: PreparedColumns, encode: () => { encoded: bigint[][]; bits: number }) {
      if (this.slot?.owner !== owner) this.slot = { owner, value: encode() };
      return this.slot.value;
    }
  })();
  /** Subset-product tables of the last `cts` given to {@link dots} (the guest's loss column reuses them). */
  private lastTables: { cts: readonly Ct[]; tables: SubsetProductTables } | null = null;
  dots(cts: readonly Ct[], prepared: PreparedColumns): Ct[] {
    // Two exact methods, picked by their count of multiplications mod n²: subset-product tables
    // shared by all columns (short vectors, many columns: breast) or Pippenger's buckets per column
    // (long vectors: default_credit's 30,000 rows).
    const rows = cts.length;
    const columns = prepared.encoded!.length;
    const bits = prepared.bits + 1; // + the sign offset of the bit-sliced form
    const groups = Math.ceil(rows / DEFAULT_GROUP_BITS);
    const tablesReady = this.lastTables?.cts === cts;
    const subsetCost = (tablesReady ? 0 : groups * (2 ** DEFAULT_GROUP_BITS - DEFAULT_GROUP_BITS - 1)) + columns * bits * (groups + 1);
    const c = pippengerWindow(rows, prepared.bits);
    const pippenger = columns * (pippengerCost(rows, prepared.bits, c) + Math.ceil(prepared.bits / c) * 2 ** (c + 1));
    if (pippenger < subsetCost) return prepared.encoded!.map((ks) => this.publicKey.dotPippenger(cts as bigint[], ks));
    prepared.sliced ??= new BitSlicedColumns(prepared.encoded!, rows);
    if (this.lastTables?.cts !== cts) this.lastTables = { cts, tables: new SubsetProductTables(cts as bigint[], this.publicKey.n2) };
    return this.lastTables.tables.multiExp(prepared.sliced!);
  }
  /**
   * Columns split into one group per helper thread, each group's dots by Pippenger there (the same
   * exact products as {@link dots}, so the same ciphertexts). Why: the gradient dots of a 10,000-row
   * batch are the parties' largest homomorphic work after encryption, and were on one core.
   * Small inputs stay here: shipping the ciphertexts costs more than it saves.
   */
  async dotsAsync(cts: readonly Ct[], prepared: PreparedColumns, signal?: AbortSignal): Promise<Ct[]> {
    const columns = prepared.encoded!;
    const pool = cryptoPool();
    if (pool.size < 2 || columns.length < 2 || cts.length * columns.length < PARALLEL_DOTS_MIN) return this.dots(cts, prepared);
    const groups = Math.min(pool.size, columns.length);
    const per = Math.ceil(columns.length / groups);
    const n = this.publicKey.n;
    const parts = await Promise.all(
      Array.from({ length: groups }, (_, g) =>
        pool.run('paillier.dots', { n, cts: cts as bigint[], columns: columns.slice(g * per, (g + 1) * per) }, signal),
      ),
    );
    return parts.flat();
  }
  scale(cts: readonly Ct[], factors: readonly number[], factorBits: number): Ct[] {
    return cts.map((c, i) => this.publicKey.mulScalar(c as bigint, scaled(factors[i]!, factorBits)));
  }
  mask(cts: readonly Ct[]): { masked: Ct[]; masks: Ct[] } {
    const masks = cts.map(() => randomBits(MASK_BITS));
    return { masked: cts.map((c, i) => this.publicKey.addPlain(c as bigint, masks[i]!)), masks };
  }
  unmask(decrypted: Ct, mask: Ct, scaleBits: number): number {
    return unscale((decrypted as bigint) - (mask as bigint), scaleBits);
  }
  decode(decrypted: Ct, scaleBits: number): number {
    return unscale(decrypted as bigint, scaleBits);
  }
}

/** The arbiter's side: decryption (identity in plaintext mode). */
export function decryptor(privateKey: PaillierPrivateKey | null): (c: Ct) => Ct {
  if (!privateKey) return (c) => c;
  return (c) => privateKey.decryptSigned(c as bigint);
}

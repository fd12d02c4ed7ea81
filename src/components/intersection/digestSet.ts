/**
 * A set of fixed-width digests (the RSA intersection's double hashes) in two typed arrays: the
 * digests packed end to end and an open-addressing table of their indexes.
 *
 * Why: a million hex strings in a JS Set are ~150 MB and a string compare per probe; here they are
 * 32 MB of digests plus an 8 MB table, and a probe compares bytes. Digests are uniformly random
 * (outputs of a cryptographic hash), so their first four bytes are a good enough slot hash.
 */
export class DigestSet {
  private readonly digests: Uint8Array;
  private readonly table: Int32Array;
  private readonly mask: number;
  private count = 0;

  constructor(
    readonly width: number,
    capacity: number,
  ) {
    if (!Number.isInteger(width) || width < 4) throw new RangeError('DigestSet: width must be an integer ≥ 4');
    let slots = 8;
    while (slots < capacity * 2) slots *= 2;
    this.digests = new Uint8Array(Math.max(1, capacity) * width);
    this.table = new Int32Array(slots);
    this.mask = slots - 1;
  }

  get size(): number {
    return this.count;
  }

  /** Adds `bytes[offset, offset + width)`; false when it was already there. */
  add(bytes: Uint8Array, offset = 0): boolean {
    const slot = this.find(bytes, offset);
    if (this.table[slot] !== 0) return false;
    if (this.count * this.width >= this.digests.length) throw new RangeError('DigestSet: capacity exceeded');
    this.digests.set(bytes.subarray(offset, offset + this.width), this.count * this.width);
    this.table[slot] = ++this.count;
    return true;
  }

  has(bytes: Uint8Array, offset = 0): boolean {
    return this.table[this.find(bytes, offset)] !== 0;
  }

  /** Adds a digest given as hex; false when it is not `width` bytes of hex (it can match nothing) or already there. */
  addHex(hex: string): boolean {
    const bytes = fromHex(hex, this.width);
    return bytes !== undefined && this.add(bytes);
  }

  /** The slot holding the digest, or the empty slot where it would go. */
  private find(bytes: Uint8Array, offset: number): number {
    const w = this.width;
    let slot = ((bytes[offset]! << 24) | (bytes[offset + 1]! << 16) | (bytes[offset + 2]! << 8) | bytes[offset + 3]!) & this.mask;
    for (;;) {
      const entry = this.table[slot]!;
      if (entry === 0) return slot;
      const base = (entry - 1) * w;
      let same = true;
      for (let b = 0; b < w && same; b++) same = this.digests[base + b] === bytes[offset + b];
      if (same) return slot;
      slot = (slot + 1) & this.mask;
    }
  }
}

const HEX = /^[0-9a-f]*$/;

/** `width` bytes from a lowercase hex string, or undefined when it is not exactly that. */
export function fromHex(hex: string, width: number): Uint8Array | undefined {
  if (typeof hex !== 'string' || hex.length !== width * 2 || !HEX.test(hex)) return undefined;
  return Buffer.from(hex, 'hex');
}

/** The hex of digest `index` of packed digests. */
export function hexAt(packed: Uint8Array, index: number, width: number): string {
  return Buffer.from(packed.buffer, packed.byteOffset, packed.byteLength).toString('hex', index * width, (index + 1) * width);
}

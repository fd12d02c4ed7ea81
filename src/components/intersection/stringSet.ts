/**
 * A read-only set of strings for the raw intersection's membership test: an open-addressing table
 * of indexes (Int32Array) into the given list, probed with a seeded hash of the string's UTF-16
 * code units and confirmed by string equality.
 *
 * Why not a JS Set: for a million received ids, `new Set(list)` grows its table by rehashing and
 * costs 2–5× more than filling one table sized once (bench:columnar); lookups cost the same. The
 * seed is random per set, so ids a peer chooses cannot be precomputed to collide.
 *
 * The list may be packed (packedIds.ts: the ids as one joined string): the set then hashes and
 * compares the ids where they stand in that string, and no string per received id is ever made.
 */
import { type IdList, PackedIds } from '../../tableData/packedIds.js';

export class StringSet {
  private readonly table: Int32Array;
  private readonly mask: number;
  private readonly seed = (Math.random() * 0x1_0000_0000) >>> 0;
  private readonly list: readonly string[] | null;
  private readonly packed: PackedIds | null;

  constructor(ids: IdList) {
    this.packed = ids instanceof PackedIds ? ids : null;
    this.list = ids instanceof PackedIds ? null : ids;
    let slots = 8;
    while (slots < ids.length * 2) slots *= 2;
    this.table = new Int32Array(slots);
    this.mask = slots - 1;
    if (this.list) {
      const list = this.list;
      for (let i = 0; i < list.length; i++) {
        const id = list[i]!;
        const slot = this.find(id);
        if (this.table[slot] === 0) this.table[slot] = i + 1;
      }
    } else {
      const packed = this.packed!;
      const joined = packed.joined;
      for (let i = 0; i < packed.length; i++) {
        const start = packed.start(i);
        const end = packed.end(i);
        let slot = hash(joined, start, end, this.seed) & this.mask;
        for (;;) {
          const entry = this.table[slot]!;
          if (entry === 0) {
            this.table[slot] = i + 1;
            break;
          }
          if (sameRange(joined, start, end, packed.start(entry - 1), packed.end(entry - 1))) break;
          slot = (slot + 1) & this.mask;
        }
      }
    }
  }

  has(id: string): boolean {
    return this.table[this.find(id)] !== 0;
  }

  /** The slot holding `id`, or the empty slot where it would go. */
  private find(id: string): number {
    let slot = hash(id, 0, id.length, this.seed) & this.mask;
    const list = this.list;
    const packed = this.packed;
    for (;;) {
      const entry = this.table[slot]!;
      if (entry === 0 || (list ? list[entry - 1] === id : packed!.equals(entry - 1, id))) return slot;
      slot = (slot + 1) & this.mask;
    }
  }
}

function sameRange(s: string, a: number, aEnd: number, b: number, bEnd: number): boolean {
  if (aEnd - a !== bEnd - b) return false;
  for (; a < aEnd; a++, b++) if (s.charCodeAt(a) !== s.charCodeAt(b)) return false;
  return true;
}

/**
 * FNV-1a over the code units s[from, to) from a seeded basis, then murmur3's finaliser (spreads the
 * low bits the mask keeps). An id hashes the same alone or where it stands in a joined list.
 */
function hash(s: string, from: number, to: number, seed: number): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = from; i < to; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

// A stable sort of byte-string keys in SQLite's BINARY order (memcmp, then the shorter first): the
// key order of an upload (format 3, keyOrder.ts), which format 2 got from a SQLite UNIQUE index.
//
// Keys lie one after another in one buffer: key i is bytes[starts[i], starts[i + 1]). The sort is an
// MSD-by-8-bytes radix sort: each key's next 8 bytes (zero-padded) as two 32-bit words, an LSD radix
// sort of the range on those 64 bits (the words moving with the keys), then each run of equal words
// sorted the same way on the next 8 bytes; ranges of ≤ 24 keys by insertion. Bytes every key shares
// at the front (ids such as "user_000123…") are skipped first.
//
// A counting pass covers as many of the 8 bytes as fit in MAX_BUCKETS buckets, each byte counted by
// the rank of its value among the values that byte takes in the range: decimal ids (≤ 11 values a
// byte with the zero padding) sort their 8 bytes in 3 passes instead of 7, random bytes still in one
// pass a byte; a byte that is the same for every key is skipped. The passes alternate between two
// sets of arrays (no copy back after each). Stable: equal keys keep their order (the line order),
// so the last of equal keys is the last line with that key.
//
// After sort(), hi/lo hold every key's words at `depth` (the shared front) in sorted order: the
// run's writer (keyOrder.ts) reads them in order instead of going back to each key's bytes, which
// in key order lie at random places (a cache miss a key: the spill of stop 19 spent most of its
// time there).

const SMALL = 24;
/** Buckets of a counting pass at most: the counts stay in L1 and the scatter writes few streams. */
const MAX_BUCKETS = 2048;
const EMPTY_BYTES = new Uint8Array(0);
const EMPTY_INTS = new Int32Array(1);

/** The order of keys 0..count-1 (indexes into starts), stable. */
export function sortKeyBytes(bytes: Uint8Array, starts: Int32Array, count: number): Int32Array {
  const sorter = new KeySorter(count);
  sorter.sort(bytes, starts, count);
  return sorter.perm;
}

/** memcmp order, then length: < 0 when key a sorts first; bytes before `from` are known equal. */
export function compareKeys(bytes: Uint8Array, starts: Int32Array, a: number, b: number, from = 0): number {
  let i = starts[a]! + from;
  let j = starts[b]! + from;
  const ea = starts[a + 1]!;
  const eb = starts[b + 1]!;
  for (; i < ea && j < eb; i++, j++) {
    const d = bytes[i]! - bytes[j]!;
    if (d !== 0) return d;
  }
  return ea - i - (eb - j);
}

/** Bytes every key starts with (at most the shortest key's length). */
function commonPrefix(bytes: Uint8Array, starts: Int32Array, count: number): number {
  const s0 = starts[0]!;
  let common = starts[1]! - s0;
  for (let k = 1; k < count && common > 0; k++) {
    const s = starts[k]!;
    const n = Math.min(common, starts[k + 1]! - s);
    let i = 0;
    while (i < n && bytes[s + i] === bytes[s0 + i]) i++;
    common = i;
  }
  return common;
}

/** Sorts runs of up to `capacity` keys, its arrays reused from run to run. */
export class KeySorter {
  /** After sort(): the keys' indexes in key order. */
  readonly perm: Int32Array;
  /** After sort(): each sorted key's bytes [depth, depth + 8) as two big-endian words, zero-padded. */
  readonly hi: Uint32Array;
  readonly lo: Uint32Array;
  /** After sort(): the bytes every key shares at the front. */
  depth = 0;
  private readonly tmpPerm: Int32Array;
  private readonly tmpHi: Uint32Array;
  private readonly tmpLo: Uint32Array;
  private readonly digits: Uint16Array;
  private readonly counts = new Int32Array(MAX_BUCKETS + 1);
  /** seen[256p + v]: byte p of the words (0: hi's first) takes value v in the range. */
  private readonly seen = new Uint8Array(8 * 256);
  /** Per pass, per byte position: a value's share of the digit (its rank times the place value), 0 for bytes of other passes. */
  private readonly tables = new Int32Array(8 * 8 * 256);
  private readonly passUsesHi = new Uint8Array(8);
  private readonly passUsesLo = new Uint8Array(8);
  private readonly passBuckets = new Int32Array(8);
  private bytes: Uint8Array = EMPTY_BYTES;
  private starts: Int32Array = EMPTY_INTS;

  constructor(readonly capacity: number) {
    this.perm = new Int32Array(capacity);
    this.hi = new Uint32Array(capacity);
    this.lo = new Uint32Array(capacity);
    this.tmpPerm = new Int32Array(capacity);
    this.tmpHi = new Uint32Array(capacity);
    this.tmpLo = new Uint32Array(capacity);
    this.digits = new Uint16Array(capacity);
  }

  /** Sorts keys 0..count-1 of bytes/starts (starts[count]: the end of the last key). */
  sort(bytes: Uint8Array, starts: Int32Array, count: number): void {
    if (count > this.capacity) throw new Error(`key sort: ${count} keys, room for ${this.capacity}`);
    this.bytes = bytes;
    this.starts = starts;
    const perm = this.perm;
    for (let i = 0; i < count; i++) perm[i] = i;
    this.depth = count > 0 ? commonPrefix(bytes, starts, count) : 0;
    if (count > SMALL) this.sortRange(0, count, this.depth);
    else {
      this.insertion(0, count, this.depth);
      this.fillWords(0, count, this.depth);
    }
    this.bytes = EMPTY_BYTES;
    this.starts = EMPTY_INTS;
  }

  private fillWords(from: number, to: number, depth: number): number {
    const { bytes, starts, perm, hi, lo } = this;
    let longest = 0;
    for (let i = from; i < to; i++) {
      const k = perm[i]!;
      const s = starts[k]! + depth;
      const e = starts[k + 1]!;
      if (e - s > longest) longest = e - s;
      hi[i] = word(bytes, s, e);
      lo[i] = word(bytes, s + 4, e);
    }
    return longest;
  }

  private sortRange(from: number, to: number, depth: number): void {
    if (to - from <= SMALL) {
      this.insertion(from, to, depth);
      return;
    }
    const longest = this.fillWords(from, to, depth);
    const passes = this.plan(from, to);
    let inTmp = false;
    for (let q = 0; q < passes; q++) {
      if (inTmp) this.pass(from, to, q, this.tmpPerm, this.tmpHi, this.tmpLo, this.perm, this.hi, this.lo);
      else this.pass(from, to, q, this.perm, this.hi, this.lo, this.tmpPerm, this.tmpHi, this.tmpLo);
      inTmp = !inTmp;
    }
    const { perm, hi, lo } = this;
    if (inTmp) {
      perm.set(this.tmpPerm.subarray(from, to), from);
      hi.set(this.tmpHi.subarray(from, to), from);
      lo.set(this.tmpLo.subarray(from, to), from);
    }
    // Runs of keys equal in these 8 bytes: on to the next 8 bytes (a run's end is found before the
    // run is sorted, which overwrites its words; they are put back after).
    for (let i = from; i < to; ) {
      const h = hi[i]!;
      const l = lo[i]!;
      let j = i + 1;
      while (j < to && hi[j] === h && lo[j] === l) j++;
      if (j - i > 1) {
        // No key goes on past these bytes: equal words are equal keys, or differ in length alone
        // (trailing zero bytes).
        if (longest <= 8) this.byLength(i, j);
        else {
          this.sortRange(i, j, depth + 8);
          hi.fill(h, i, j);
          lo.fill(l, i, j);
        }
      }
      i = j;
    }
  }

  /**
   * Which bytes of the words vary in [from, to), grouped into passes from the least significant
   * byte on (a pass's buckets: the product of its bytes' value counts, ≤ MAX_BUCKETS); each
   * pass's digit tables. Returns the count of passes.
   */
  private plan(from: number, to: number): number {
    const { hi, lo, seen, tables } = this;
    seen.fill(0);
    for (let i = from; i < to; i++) {
      const h = hi[i]!;
      const l = lo[i]!;
      seen[h >>> 24] = 1;
      seen[256 + ((h >>> 16) & 0xff)] = 1;
      seen[512 + ((h >>> 8) & 0xff)] = 1;
      seen[768 + (h & 0xff)] = 1;
      seen[1024 + (l >>> 24)] = 1;
      seen[1280 + ((l >>> 16) & 0xff)] = 1;
      seen[1536 + ((l >>> 8) & 0xff)] = 1;
      seen[1792 + (l & 0xff)] = 1;
    }
    let passes = 0;
    let place = 1;
    for (let p = 7; p >= 0; p--) {
      let values = 0;
      for (let v = 0; v < 256; v++) values += seen[256 * p + v]!;
      if (values <= 1) continue; // the same for every key: nothing to sort on
      if (passes === 0 || place * values > MAX_BUCKETS) {
        // A new pass, its tables cleared.
        tables.fill(0, passes * 2048, passes * 2048 + 2048);
        this.passUsesHi[passes] = 0;
        this.passUsesLo[passes] = 0;
        passes++;
        place = 1;
      }
      const q = passes - 1;
      const table = q * 2048 + 256 * p;
      for (let v = 0, rank = 0; v < 256; v++) if (seen[256 * p + v]) tables[table + v] = place * rank++;
      if (p < 4) this.passUsesHi[q] = 1;
      else this.passUsesLo[q] = 1;
      place *= values;
      this.passBuckets[q] = place;
    }
    return passes;
  }

  /** Counting pass q: [from, to) of the source arrays into the same places of the target arrays, stable. */
  private pass(
    from: number,
    to: number,
    q: number,
    perm: Int32Array,
    hi: Uint32Array,
    lo: Uint32Array,
    toPerm: Int32Array,
    toHi: Uint32Array,
    toLo: Uint32Array,
  ): void {
    const { counts, digits, tables } = this;
    const buckets = this.passBuckets[q]!;
    const usesHi = this.passUsesHi[q] === 1;
    const usesLo = this.passUsesLo[q] === 1;
    const t = q * 2048;
    counts.fill(0, 0, buckets + 1);
    for (let i = from; i < to; i++) {
      let d = 0;
      if (usesHi) {
        const h = hi[i]!;
        d = tables[t + (h >>> 24)]! + tables[t + 256 + ((h >>> 16) & 0xff)]! + tables[t + 512 + ((h >>> 8) & 0xff)]! + tables[t + 768 + (h & 0xff)]!;
      }
      if (usesLo) {
        const l = lo[i]!;
        d += tables[t + 1024 + (l >>> 24)]! + tables[t + 1280 + ((l >>> 16) & 0xff)]! + tables[t + 1536 + ((l >>> 8) & 0xff)]! + tables[t + 1792 + (l & 0xff)]!;
      }
      digits[i] = d;
      counts[d + 1]!++;
    }
    counts[0] = from;
    for (let d = 1; d <= buckets; d++) counts[d]! += counts[d - 1]!;
    for (let i = from; i < to; i++) {
      const at = counts[digits[i]!]!++;
      toPerm[at] = perm[i]!;
      toHi[at] = hi[i]!;
      toLo[at] = lo[i]!;
    }
  }

  private insertion(from: number, to: number, depth: number): void {
    const { bytes, starts, perm } = this;
    for (let i = from + 1; i < to; i++) {
      const k = perm[i]!;
      let j = i - 1;
      while (j >= from && compareKeys(bytes, starts, perm[j]!, k, depth) > 0) {
        perm[j + 1] = perm[j]!;
        j--;
      }
      perm[j + 1] = k;
    }
  }

  /** Keys equal but for trailing zero bytes: shorter first, stable. */
  private byLength(from: number, to: number): void {
    const { starts, perm } = this;
    const length = (k: number): number => starts[k + 1]! - starts[k]!;
    let same = true;
    for (let i = from + 1; i < to && same; i++) same = length(perm[i]!) === length(perm[from]!);
    if (same) return; // equal keys (duplicates): already in line order
    const run = Array.from(perm.subarray(from, to));
    run.sort((a, b) => length(a) - length(b) || a - b);
    perm.set(run, from);
  }
}

/** True when keys a and b are the same bytes (compared from the end: neighbours in key order share their fronts). */
export function equalKeys(bytes: Uint8Array, starts: Int32Array, a: number, b: number): boolean {
  const sa = starts[a]!;
  const sb = starts[b]!;
  const n = starts[a + 1]! - sa;
  if (starts[b + 1]! - sb !== n) return false;
  for (let i = n - 1; i >= 0; i--) if (bytes[sa + i] !== bytes[sb + i]) return false;
  return true;
}

/** Bytes [s, s + 4) as a big-endian word, zero past e. */
export function word(bytes: Uint8Array, s: number, e: number): number {
  if (s + 4 <= e) return ((bytes[s]! << 24) | (bytes[s + 1]! << 16) | (bytes[s + 2]! << 8) | bytes[s + 3]!) >>> 0;
  let w = 0;
  for (let b = 0; b < 4; b++) w = (w << 8) | (s + b < e ? bytes[s + b]! : 0);
  return w >>> 0;
}

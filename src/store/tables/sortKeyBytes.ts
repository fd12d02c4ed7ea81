// A stable sort of byte-string keys in SQLite's BINARY order (memcmp, then the shorter first): the
// key order of an upload (format 3, keyOrder.ts), which format 2 got from a SQLite UNIQUE index.
//
// Keys lie one after another in one buffer: key i is bytes[starts[i], starts[i + 1]). The sort is an
// MSD-by-8-bytes radix sort: each key's next 8 bytes (zero-padded) as two 32-bit words, an LSD radix
// sort of the range on those 64 bits (8-bit digits, the words moving with the keys, a pass
// whose byte is the same for all keys skipped), then each run of equal words sorted the same way
// on the next 8 bytes; ranges of ≤ 24 keys by insertion. Bytes every key shares at the front (ids
// such as "user_000123…") are skipped first. Measured on 1M shuffled 6–7 digit ids: ~0.1 s, where
// SQLite's inserts and index build took ~0.9 s. Stable: equal keys keep their order (the line
// order), so the last of equal keys is the last line with that key.

const SMALL = 24;

/** The order of keys 0..count-1 (indexes into starts), stable. */
export function sortKeyBytes(bytes: Uint8Array, starts: Int32Array, count: number): Int32Array {
  const perm = new Int32Array(count);
  for (let i = 0; i < count; i++) perm[i] = i;
  if (count < 2) return perm;
  const sorter = new KeySorter(bytes, starts, perm);
  sorter.sortRange(0, count, commonPrefix(bytes, starts, count));
  return perm;
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

class KeySorter {
  /** The words of the key at each position of perm, at the depth its range is being sorted on. */
  private readonly hi: Uint32Array;
  private readonly lo: Uint32Array;
  private readonly tmpPerm: Int32Array;
  private readonly tmpHi: Uint32Array;
  private readonly tmpLo: Uint32Array;
  private readonly counts = new Int32Array(257);

  constructor(private readonly bytes: Uint8Array, private readonly starts: Int32Array, private readonly perm: Int32Array) {
    const n = perm.length;
    this.hi = new Uint32Array(n);
    this.lo = new Uint32Array(n);
    this.tmpPerm = new Int32Array(n);
    this.tmpHi = new Uint32Array(n);
    this.tmpLo = new Uint32Array(n);
  }

  sortRange(from: number, to: number, depth: number): void {
    if (to - from <= SMALL) {
      this.insertion(from, to, depth);
      return;
    }
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
    // Least significant byte first: lo's, then hi's. The words move with the keys (sequential
    // reads: indexing them by key instead measured ~3x slower at 1M keys, cache misses).
    for (let shift = 0; shift < 32; shift += 8) this.pass(from, to, lo, shift);
    for (let shift = 0; shift < 32; shift += 8) this.pass(from, to, hi, shift);
    // Runs of keys equal in these 8 bytes: on to the next 8 bytes (a run's end is found before the
    // run is sorted, which overwrites its words).
    for (let i = from; i < to; ) {
      const h = hi[i]!;
      const l = lo[i]!;
      let j = i + 1;
      while (j < to && hi[j] === h && lo[j] === l) j++;
      if (j - i > 1) {
        // No key goes on past these bytes: equal words are equal keys, or differ in length alone
        // (trailing zero bytes).
        if (longest <= 8) this.byLength(i, j);
        else this.sortRange(i, j, depth + 8);
      }
      i = j;
    }
  }

  /** One stable counting pass on byte `shift` of words; skipped when all keys share it. */
  private pass(from: number, to: number, words: Uint32Array, shift: number): void {
    const { perm, hi, lo, tmpPerm, tmpHi, tmpLo, counts } = this;
    counts.fill(0);
    for (let i = from; i < to; i++) counts[((words[i]! >>> shift) & 0xff) + 1]!++;
    if (counts[((words[from]! >>> shift) & 0xff) + 1] === to - from) return;
    counts[0] = from;
    for (let d = 1; d <= 256; d++) counts[d]! += counts[d - 1]!;
    for (let i = from; i < to; i++) {
      const at = counts[(words[i]! >>> shift) & 0xff]!++;
      tmpPerm[at] = perm[i]!;
      tmpHi[at] = hi[i]!;
      tmpLo[at] = lo[i]!;
    }
    perm.set(tmpPerm.subarray(from, to), from);
    hi.set(tmpHi.subarray(from, to), from);
    lo.set(tmpLo.subarray(from, to), from);
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
function word(bytes: Uint8Array, s: number, e: number): number {
  if (s + 4 <= e) return ((bytes[s]! << 24) | (bytes[s + 1]! << 16) | (bytes[s + 2]! << 8) | bytes[s + 3]!) >>> 0;
  let w = 0;
  for (let b = 0; b < 4; b++) w = (w << 8) | (s + b < e ? bytes[s + b]! : 0);
  return w >>> 0;
}

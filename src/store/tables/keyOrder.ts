// The key order of an upload (format 3, lineFile.ts): its lines' numbers in key order, one Int32
// (little-endian) each, the last line of a duplicated key only. Built as the upload goes by copying
// each line's key bytes into a run; a full run (RUN_KEYS keys or RUN_BYTES of key bytes) is sorted
// (sortKeyBytes.ts) and spilled to an unlinked scratch file, and the runs are merged at the end.
// An upload that fits one run (≤ 2M keys) is sorted once and never spilled.
//
// Memory: one run (5 bytes a key and its bytes while collecting, 26 more while sorting: ~80 MB at
// 2M keys of 8 bytes, ≤ ~100 MB with 32 MiB of key bytes) whatever the table's size, and while
// merging one read buffer a run (1 MiB, less when there are more than 32 runs: ≤ 32 MiB together).
//
// A spilled key is a record of 32-bit words: its first 8 bytes (zero-padded) as two big-endian
// words with the sign bit flipped (so that Int32 order is their unsigned order), its length, its
// line, then its bytes past the 8th, padded to a word. The merge compares two numbers, and the
// bytes past the 8th only when the first 8 are equal: stop 19's records compared key bytes one by
// one, and the merge cost about as much as sorting the runs. The sorter hands the words over in key
// order, so a spill reads the key bytes only of keys longer than 8 bytes.
//
// Duplicates: a run holds lines in line order and the sort is stable, so among equal keys the
// last one in a run is its latest line; runs are spilled in line order too, so the merge takes
// equal keys run by run and keeps the last one.
import { closeSync, openSync, readSync } from 'node:fs';
import { KeySorter, equalKeys, word } from './sortKeyBytes.js';
import { openScratchFile, writeFully } from './scratchFile.js';

/** Keys per run at most (26 bytes each while sorting, besides their bytes). */
export const RUN_KEYS = 1 << 21;
/** Key bytes per run at most. */
const RUN_BYTES = 32 << 20;
const IO_BYTES = 1 << 20;
/** The merge's read buffers together, at most (each ≤ IO_BYTES and ≥ MIN_READ_BYTES). */
const MERGE_READ_BYTES = 32 << 20;
const MIN_READ_BYTES = 64 << 10;
/** XORed into a record's key words: Int32 order becomes the words' unsigned order. */
const SIGN = 0x80000000 | 0;
/** A record's words before its tail: two key words, the key's length, its line. */
const HEAD_WORDS = 4;

export interface KeyOrderLimits {
  readonly runKeys?: number;
  readonly runBytes?: number;
}

/** A spilled run: `count` records from byte `at` of the scratch file. */
interface Run {
  readonly at: number;
  readonly count: number;
}

/** Words of a record whose key is `length` bytes long. */
function recordWords(length: number): number {
  return length > 8 ? HEAD_WORDS + ((length - 5) >>> 2) : HEAD_WORDS;
}

export class KeyOrderBuilder {
  private bytes: Uint8Array = new Uint8Array(1 << 20);
  private starts: Int32Array = new Int32Array(1 << 16);
  /**
   * Each key's length, 255 for 255 bytes or more (then from starts): what a spill reads of a key
   * in key order, at random places, 1 byte a key (2 MB a run, in the cache) instead of 8.
   */
  private lengths: Uint8Array = new Uint8Array(1 << 16);
  private count = 0;
  private used = 0;
  /** Keys added so far: a key's line is its place in the order of add(), from 1. */
  private lines = 0;
  private readonly runKeys: number;
  private readonly runBytes: number;
  private readonly runs: Run[] = [];
  private sorter: KeySorter | undefined;
  private scratch: number | undefined;
  private scratchSize = 0;

  /** `scratchDir`: where spilled runs go (an unlinked file there). */
  constructor(private readonly scratchDir: string, limits: KeyOrderLimits = {}) {
    this.runKeys = Math.max(1, limits.runKeys ?? RUN_KEYS);
    this.runBytes = Math.max(1, limits.runBytes ?? RUN_BYTES);
  }

  /** The next line's key: src[from, to). */
  add(src: Uint8Array, from: number, to: number): void {
    const length = to - from;
    if (this.count > 0 && (this.count === this.runKeys || this.used + length > this.runBytes)) this.spill();
    if (this.count + 1 >= this.starts.length) {
      // Doubling, but no further than a full run needs.
      const size = Math.max(this.count + 2, Math.min(2 * this.starts.length, this.runKeys + 1));
      const bigger = new Int32Array(size);
      bigger.set(this.starts);
      this.starts = bigger;
      const longer = new Uint8Array(size);
      longer.set(this.lengths);
      this.lengths = longer;
    }
    if (this.used + length > this.bytes.length) {
      const bigger = new Uint8Array(Math.max(2 * this.bytes.length, this.used + length));
      bigger.set(this.bytes.subarray(0, this.used));
      this.bytes = bigger;
    }
    const bytes = this.bytes;
    const used = this.used;
    // A loop for the usual short key: a subarray per key (an object) cost as much as the sort.
    if (length <= 64) for (let i = 0; i < length; i++) bytes[used + i] = src[from + i]!;
    else bytes.set(src.subarray(from, to), used);
    this.lengths[this.count] = length < 255 ? length : 255;
    this.starts[this.count++] = used;
    this.used = used + length;
    this.lines++;
  }

  /** Writes the order file (created, not there before); returns the count of distinct keys. */
  finish(orderPath: string): number {
    const out = new OrderOut(orderPath);
    try {
      if (this.runs.length === 0) {
        this.writeRun(out);
      } else {
        if (this.count > 0) this.spill();
        this.release();
        this.merge(out);
      }
      return out.close();
    } catch (error) {
      out.abandon();
      throw error;
    } finally {
      this.close();
    }
  }

  /** Closes the scratch file (idempotent; also after a failure). */
  close(): void {
    if (this.scratch !== undefined) closeSync(this.scratch);
    this.scratch = undefined;
    this.release();
  }

  private release(): void {
    this.bytes = new Uint8Array(0);
    this.starts = new Int32Array(1);
    this.lengths = new Uint8Array(0);
    this.sorter = undefined;
    this.count = 0;
    this.used = 0;
  }

  /** Sorts the current run: the sorter's perm, hi and lo in key order. */
  private sortedRun(): KeySorter {
    const n = this.count;
    this.starts[n] = this.used;
    let sorter = this.sorter;
    if (sorter === undefined || sorter.capacity < n) {
      // Sized for this run; a later run is no bigger unless the first one was cut short by its bytes.
      sorter = this.sorter = new KeySorter(Math.min(this.runKeys, Math.max(n, 2 * (sorter?.capacity ?? 0))));
    }
    sorter.sort(this.bytes, this.starts, n);
    return sorter;
  }

  /** True when sorted key i is the last of its equal keys (the one kept). */
  private isLastOfKey(sorter: KeySorter, i: number): boolean {
    if (i + 1 >= this.count) return true;
    const { perm, hi, lo } = sorter;
    // Different words are different keys; equal words are checked on the bytes (rare: duplicates,
    // or keys that go on past these 8 bytes).
    return hi[i] !== hi[i + 1] || lo[i] !== lo[i + 1] || !equalKeys(this.bytes, this.starts, perm[i]!, perm[i + 1]!);
  }

  /** The single run's lines in key order (never spilled). */
  private writeRun(out: OrderOut): void {
    const sorter = this.sortedRun();
    const first = this.lines - this.count + 1;
    const perm = sorter.perm;
    for (let i = 0; i < this.count; i++) if (this.isLastOfKey(sorter, i)) out.push(first + perm[i]!);
  }

  private spill(): void {
    if (this.scratch === undefined) this.scratch = openScratchFile(this.scratchDir, 'keyruns');
    const scratch = this.scratch;
    const sorter = this.sortedRun();
    const { perm, hi, lo, depth } = sorter;
    const { bytes, starts, lengths } = this;
    const n = this.count;
    const first = this.lines - n + 1;
    const at = this.scratchSize;
    const buf = new Int32Array(IO_BYTES / 4);
    const buf8 = new Uint8Array(buf.buffer);
    let fill = 0;
    let kept = 0;
    const flush = (): void => {
      writeFully(scratch, buf8, 4 * fill, this.scratchSize);
      this.scratchSize += 4 * fill;
      fill = 0;
    };
    // The sorted words are bytes [depth, depth + 8) of each key; a record holds bytes [0, 8). Every
    // key of the run starts with the same `depth` bytes: the first 8 of them as words, the sorted
    // words shifted in after them.
    const front = n > 0 ? starts[0]! : 0;
    const frontEnd = front + Math.min(depth, 8);
    const frontHi = word(bytes, front, frontEnd);
    const frontLo = word(bytes, front + 4, frontEnd);
    const shift = 8 * depth;
    for (let i = 0; i < n; i++) {
      if (!this.isLastOfKey(sorter, i)) continue;
      const k = perm[i]!;
      let length = lengths[k]!;
      if (length === 255) length = starts[k + 1]! - starts[k]!;
      let h = hi[i]!;
      let l = lo[i]!;
      if (depth >= 8) {
        h = frontHi;
        l = frontLo;
      } else if (depth >= 4) {
        l = frontLo | (h >>> (shift - 32));
        h = frontHi;
      } else if (depth > 0) {
        l = (h << (32 - shift)) | (l >>> shift);
        h = frontHi | (h >>> shift);
      }
      kept++;
      const words = recordWords(length);
      if (fill + words > buf.length) flush();
      if (words > buf.length) {
        // A key longer than the buffer: its record on its own.
        const record = new Int32Array(words);
        const record8 = new Uint8Array(record.buffer);
        putRecord(record, record8, 0, h, l, length, first + k, bytes, starts[k]!);
        writeFully(scratch, record8, record8.length, this.scratchSize);
        this.scratchSize += record8.length;
        continue;
      }
      putRecord(buf, buf8, fill, h, l, length, first + k, bytes, length > 8 ? starts[k]! : 0);
      fill += words;
    }
    flush();
    this.runs.push({ at, count: kept });
    this.count = 0;
    this.used = 0;
  }

  /**
   * A k-way merge of the spilled runs: a binary heap of run heads, each head's words, length, line
   * and tail's place in typed arrays indexed by run (equal keys: the earlier run first).
   */
  private merge(out: OrderOut): void {
    const k = this.runs.length;
    const readBytes = Math.max(MIN_READ_BYTES, Math.min(IO_BYTES, Math.floor(MERGE_READ_BYTES / k / 4) * 4));
    const cursors = this.runs.map((run) => new RunCursor(this.scratch!, run, readBytes));
    const H = new Int32Array(k);
    const L = new Int32Array(k);
    const LEN = new Int32Array(k);
    const LINE = new Int32Array(k);
    /** Where the head's bytes past the 8th start in its cursor's buffer. */
    const TAIL = new Int32Array(k);
    const advance = (c: number): boolean => {
      const cursor = cursors[c]!;
      const p = cursor.next();
      if (p < 0) return false;
      const words = cursor.words;
      H[c] = words[p]!;
      L[c] = words[p + 1]!;
      LEN[c] = words[p + 2]!;
      LINE[c] = words[p + 3]!;
      TAIL[c] = 4 * (p + HEAD_WORDS);
      return true;
    };
    /** Bytes past the 8th of heads a and b, then the lengths (both keys' first 8 bytes are equal). */
    const compareTails = (a: number, b: number): number => {
      const la = LEN[a]!;
      const lb = LEN[b]!;
      if (la > 8 && lb > 8) {
        const d = compareBytes(cursors[a]!.bytes, TAIL[a]!, cursors[b]!.bytes, TAIL[b]!, Math.min(la, lb) - 8);
        if (d !== 0) return d;
      }
      return la - lb;
    };
    const before = (a: number, b: number): boolean => {
      const ha = H[a]!;
      const hb = H[b]!;
      if (ha !== hb) return ha < hb;
      const la = L[a]!;
      const lb = L[b]!;
      if (la !== lb) return la < lb;
      const d = compareTails(a, b);
      return d < 0 || (d === 0 && a < b);
    };
    const heap = new Int32Array(k);
    let size = 0;
    for (let c = 0; c < k; c++) if (advance(c)) heap[size++] = c;
    const down = (i: number): void => {
      const c = heap[i]!;
      for (;;) {
        let m = 2 * i + 1;
        if (m >= size) break;
        if (m + 1 < size && before(heap[m + 1]!, heap[m]!)) m++;
        if (!before(heap[m]!, c)) break;
        heap[i] = heap[m]!;
        i = m;
      }
      heap[i] = c;
    };
    for (let i = (size >> 1) - 1; i >= 0; i--) down(i);
    // The last key taken: a later run's line with the same key replaces its line.
    let lastH = 0;
    let lastL = 0;
    let lastLength = -1;
    let lastLine = 0;
    let lastTail = new Uint8Array(256);
    while (size > 0) {
      const c = heap[0]!;
      const length = LEN[c]!;
      const tail = cursors[c]!.bytes;
      if (H[c] === lastH && L[c] === lastL && length === lastLength && (length <= 8 || compareBytes(tail, TAIL[c]!, lastTail, 0, length - 8) === 0)) {
        lastLine = LINE[c]!;
      } else {
        if (lastLength >= 0) out.push(lastLine);
        lastH = H[c]!;
        lastL = L[c]!;
        lastLength = length;
        lastLine = LINE[c]!;
        if (length > 8) {
          if (length - 8 > lastTail.length) lastTail = new Uint8Array(2 * length);
          // A loop, not set(subarray): an object per key costs more than copying a short tail.
          for (let b = 0, from = TAIL[c]!; b < length - 8; b++) lastTail[b] = tail[from + b]!;
        }
      }
      if (!advance(c)) {
        if (--size === 0) break;
        heap[0] = heap[size]!;
      }
      down(0);
    }
    if (lastLength >= 0) out.push(lastLine);
  }
}

/** A record at word `w`: the key's first 8 bytes as signed words, its length, its line, its bytes past the 8th. */
function putRecord(words: Int32Array, bytes: Uint8Array, w: number, h: number, l: number, length: number, line: number, key: Uint8Array, s: number): void {
  words[w] = h ^ SIGN;
  words[w + 1] = l ^ SIGN;
  words[w + 2] = length;
  words[w + 3] = line;
  if (length <= 8) return;
  const at = 4 * (w + HEAD_WORDS);
  const tail = length - 8;
  for (let b = 0; b < tail; b++) bytes[at + b] = key[s + 8 + b]!;
  for (let b = tail; b & 3; b++) bytes[at + b] = 0;
}

/** One spilled run read through its own buffer. */
class RunCursor {
  bytes: Uint8Array;
  words: Int32Array;
  /** The next record's first word. */
  private pos = 0;
  /** Bytes of the buffer read. */
  private have = 0;
  private fileAt: number;
  private left: number;

  constructor(private readonly fd: number, run: Run, size: number) {
    this.bytes = new Uint8Array(size);
    this.words = new Int32Array(this.bytes.buffer);
    this.fileAt = run.at;
    this.left = run.count;
  }

  /** The next record's first word in `words`; -1 at the run's end. */
  next(): number {
    if (this.left === 0) return -1;
    this.left--;
    this.ensure(HEAD_WORDS);
    const words = recordWords(this.words[this.pos + 2]!);
    if (words > HEAD_WORDS) this.ensure(words);
    const p = this.pos;
    this.pos = p + words;
    return p;
  }

  /** At least n words buffered from pos. */
  private ensure(n: number): void {
    if ((this.have >> 2) - this.pos >= n) return;
    const from = 4 * this.pos;
    if (4 * n > this.bytes.length) {
      const bigger = new Uint8Array(4 * n);
      bigger.set(this.bytes.subarray(from, this.have));
      this.bytes = bigger;
      this.words = new Int32Array(bigger.buffer);
    } else {
      this.bytes.copyWithin(0, from, this.have);
    }
    this.have -= from;
    this.pos = 0;
    while (this.have < 4 * n) {
      const got = readSync(this.fd, this.bytes, this.have, this.bytes.length - this.have, this.fileAt);
      if (got === 0) throw new Error('key order: a spilled run ended early');
      this.have += got;
      this.fileAt += got;
    }
  }
}

/** The order file being written. */
class OrderOut {
  private readonly fd: number;
  private readonly buf = new Int32Array(IO_BYTES / 4);
  private fill = 0;
  private written = 0;

  constructor(private readonly path: string) {
    this.fd = openSync(path, 'wx');
  }

  push(line: number): void {
    this.buf[this.fill++] = line;
    if (this.fill === this.buf.length) this.flush();
  }

  /** Returns the count of lines written. */
  close(): number {
    this.flush();
    closeSync(this.fd);
    return this.written;
  }

  abandon(): void {
    closeSync(this.fd);
  }

  private flush(): void {
    // Little-endian, as every platform Node runs on lays out an Int32Array.
    const bytes = new Uint8Array(this.buf.buffer, 0, 4 * this.fill);
    writeFully(this.fd, bytes, bytes.length, 4 * this.written);
    this.written += this.fill;
    this.fill = 0;
  }
}

function compareBytes(a: Uint8Array, at: number, b: Uint8Array, bt: number, n: number): number {
  for (let i = 0; i < n; i++) {
    const d = a[at + i]! - b[bt + i]!;
    if (d !== 0) return d;
  }
  return 0;
}

/**
 * Each line number's position in key order (-1: a line that lost to a later duplicate) from an
 * order file of `keys` entries over `lines` lines; throws when the file does not match them.
 */
export function readKeyOrder(orderPath: string, keys: number, lines: number): Int32Array {
  const at = new Int32Array(lines + 1).fill(-1);
  const fd = openSync(orderPath, 'r');
  try {
    const buf = new Int32Array(IO_BYTES / 4);
    const view = new Uint8Array(buf.buffer);
    let p = 0;
    let offset = 0;
    for (;;) {
      const got = readSync(fd, view, 0, view.length, offset);
      if (got === 0) break;
      if (got % 4 !== 0) throw new Error(`key order file ${orderPath}: not whole entries`);
      offset += got;
      for (let i = 0; i < got / 4; i++) {
        const line = buf[i]!;
        if (!(line >= 1 && line <= lines) || at[line] !== -1 || p >= keys) throw new Error(`key order file ${orderPath} does not match its ${lines} lines`);
        at[line] = p++;
      }
    }
    if (p !== keys) throw new Error(`key order file ${orderPath} holds ${p} keys, ${keys} expected`);
    return at;
  } finally {
    closeSync(fd);
  }
}

/** The line numbers in key order (what readKeyOrder inverts), for readers that walk rows in order. */
export function readKeyOrderLines(orderPath: string, keys: number): Int32Array {
  const out = new Int32Array(keys);
  const view = new Uint8Array(out.buffer);
  const fd = openSync(orderPath, 'r');
  try {
    let got = 0;
    while (got < view.length) {
      const n = readSync(fd, view, got, view.length - got, got);
      if (n === 0) throw new Error(`key order file ${orderPath} holds fewer than ${keys} keys`);
      got += n;
    }
    return out;
  } finally {
    closeSync(fd);
  }
}

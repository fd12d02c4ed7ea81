// The key order of an upload (format 3, lineFile.ts): its lines' numbers in key order, one Int32
// (little-endian) each, the last line of a duplicated key only. Built as the upload goes by copying
// each line's key bytes into a run; a full run (RUN_KEYS keys or RUN_BYTES of key bytes) is sorted
// (sortKeyBytes.ts) and spilled to an unlinked scratch file, and the runs are merged at the end, so
// memory is bounded by one run (8 bytes a key and its bytes while collecting, 24 more while sorting:
// ≤ ~100 MB at 2M keys and 32 MiB of key bytes) whatever the table's size.
// An upload that fits one run (≤ 2M keys) is sorted once and never spilled.
//
// Duplicates: a run holds lines in line order and the sort is stable, so among equal keys the
// last one in a run is its latest line; runs are spilled in line order too, so the merge takes
// equal keys run by run and keeps the last one.
import { closeSync, openSync, readSync } from 'node:fs';
import { equalKeys, sortKeyBytes } from './sortKeyBytes.js';
import { openScratchFile, putUint32LE, writeFully } from './scratchFile.js';

/** Keys per run at most (32 bytes each while sorting, besides their bytes). */
export const RUN_KEYS = 1 << 21;
/** Key bytes per run at most. */
const RUN_BYTES = 32 << 20;
const IO_BYTES = 1 << 20;

export interface KeyOrderLimits {
  readonly runKeys?: number;
  readonly runBytes?: number;
}

/** A spilled run: `count` records [u32 key length][u32 line][key bytes] from `at` in the scratch file. */
interface Run {
  readonly at: number;
  readonly count: number;
}

export class KeyOrderBuilder {
  private bytes: Uint8Array = new Uint8Array(1 << 20);
  private starts: Int32Array = new Int32Array(1 << 16);
  private lines: Int32Array = new Int32Array(1 << 16);
  private count = 0;
  private used = 0;
  private readonly runKeys: number;
  private readonly runBytes: number;
  private readonly runs: Run[] = [];
  private scratch: number | undefined;
  private scratchSize = 0;

  /** `scratchDir`: where spilled runs go (an unlinked file there). */
  constructor(private readonly scratchDir: string, limits: KeyOrderLimits = {}) {
    this.runKeys = Math.max(1, limits.runKeys ?? RUN_KEYS);
    this.runBytes = Math.max(1, limits.runBytes ?? RUN_BYTES);
  }

  /** Line `line`'s key is src[from, to). Lines come in rising order. */
  add(src: Uint8Array, from: number, to: number, line: number): void {
    const length = to - from;
    if (this.count > 0 && (this.count === this.runKeys || this.used + length > this.runBytes)) this.spill();
    if (this.count + 1 >= this.starts.length) {
      // Doubling, but no further than a full run needs.
      const size = Math.max(this.count + 2, Math.min(2 * this.starts.length, this.runKeys + 1));
      this.starts = grownInts(this.starts, size);
      this.lines = grownInts(this.lines, size);
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
    this.starts[this.count] = this.used;
    this.lines[this.count++] = line;
    this.used += length;
  }

  /** Writes the order file (created, not there before); returns the count of distinct keys. */
  finish(orderPath: string): number {
    const out = new OrderOut(orderPath);
    try {
      if (this.runs.length === 0) {
        const kept = this.sortedRun();
        for (let i = 0; i < kept.length; i++) out.push(this.lines[kept[i]!]!);
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
    this.lines = new Int32Array(0);
    this.count = 0;
    this.used = 0;
  }

  /** The current run's keys sorted, the last of equal keys only (indexes into the run). */
  private sortedRun(): Int32Array {
    const n = this.count;
    this.starts[n] = this.used;
    const perm = sortKeyBytes(this.bytes, this.starts, n);
    let kept = 0;
    for (let i = 0; i < n; i++) {
      const k = perm[i]!;
      if (i + 1 < n && equalKeys(this.bytes, this.starts, k, perm[i + 1]!)) continue;
      perm[kept++] = k;
    }
    return perm.subarray(0, kept);
  }

  private spill(): void {
    const kept = this.sortedRun();
    if (this.scratch === undefined) {
      this.scratch = openScratchFile(this.scratchDir, 'keyruns');
    }
    const at = this.scratchSize;
    const buf = Buffer.allocUnsafe(IO_BYTES);
    let fill = 0;
    const flush = (): void => {
      writeFully(this.scratch!, buf, fill, this.scratchSize);
      this.scratchSize += fill;
      fill = 0;
    };
    for (let i = 0; i < kept.length; i++) {
      const k = kept[i]!;
      const s = this.starts[k]!;
      const length = this.starts[k + 1]! - s;
      if (fill + 8 + length > buf.length) flush();
      if (8 + length > buf.length) {
        // A key longer than the buffer: its record on its own.
        const record = Buffer.allocUnsafe(8 + length);
        record.writeUInt32LE(length, 0);
        record.writeUInt32LE(this.lines[k]!, 4);
        record.set(this.bytes.subarray(s, s + length), 8);
        writeFully(this.scratch, record, record.length, this.scratchSize);
        this.scratchSize += record.length;
        continue;
      }
      // Byte by byte: writeUInt32LE and a subarray per key measured ~350 ns a record, most of a spill.
      const line = this.lines[k]!;
      putUint32LE(buf, fill, length);
      putUint32LE(buf, fill + 4, line);
      const bytes = this.bytes;
      for (let b = 0; b < length; b++) buf[fill + 8 + b] = bytes[s + b]!;
      fill += 8 + length;
    }
    flush();
    this.runs.push({ at, count: kept.length });
    this.count = 0;
    this.used = 0;
  }

  /** A k-way merge of the spilled runs (a binary heap of run heads; equal keys: earlier run first). */
  private merge(out: OrderOut): void {
    const cursors = this.runs.map((run, index) => new RunCursor(this.scratch!, run, index));
    const heap = cursors.filter((c) => c.next());
    const before = (a: RunCursor, b: RunCursor): boolean => {
      const d = compareBytes(a.buf, a.keyAt, a.keyLength, b.buf, b.keyAt, b.keyLength);
      return d < 0 || (d === 0 && a.index < b.index);
    };
    const down = (i: number): void => {
      for (;;) {
        const l = 2 * i + 1;
        if (l >= heap.length) return;
        const r = l + 1;
        const m = r < heap.length && before(heap[r]!, heap[l]!) ? r : l;
        if (!before(heap[m]!, heap[i]!)) return;
        [heap[i], heap[m]] = [heap[m]!, heap[i]!];
        i = m;
      }
    };
    for (let i = (heap.length >> 1) - 1; i >= 0; i--) down(i);
    let last = Buffer.allocUnsafe(256);
    let lastLength = -1;
    let lastLine = 0;
    while (heap.length > 0) {
      const top = heap[0]!;
      if (lastLength >= 0 && compareBytes(top.buf, top.keyAt, top.keyLength, last, 0, lastLength) === 0) {
        lastLine = top.line; // a later run's line with the same key wins
      } else {
        if (lastLength >= 0) out.push(lastLine);
        if (top.keyLength > last.length) last = Buffer.allocUnsafe(2 * top.keyLength);
        // A loop, not Buffer#copy (its argument checks cost more than copying a short key).
        const from = top.buf;
        for (let b = 0; b < top.keyLength; b++) last[b] = from[top.keyAt + b]!;
        lastLength = top.keyLength;
        lastLine = top.line;
      }
      if (!top.next()) {
        heap[0] = heap[heap.length - 1]!;
        heap.pop();
      }
      if (heap.length > 0) down(0);
    }
    if (lastLength >= 0) out.push(lastLine);
  }
}

/** One spilled run read through its own buffer. */
class RunCursor {
  buf: Buffer = Buffer.allocUnsafe(IO_BYTES);
  keyAt = 0;
  keyLength = 0;
  line = 0;
  private have = 0;
  private pos = 0;
  private fileAt: number;
  private left: number;

  constructor(private readonly fd: number, run: Run, readonly index: number) {
    this.fileAt = run.at;
    this.left = run.count;
  }

  /** The next record as the head; false at the run's end. */
  next(): boolean {
    if (this.left === 0) return false;
    this.left--;
    this.ensure(8);
    const b = this.buf;
    const p = this.pos;
    const length = (b[p]! | (b[p + 1]! << 8) | (b[p + 2]! << 16) | (b[p + 3]! << 24)) >>> 0;
    this.line = b[p + 4]! | (b[p + 5]! << 8) | (b[p + 6]! << 16) | (b[p + 7]! << 24);
    this.ensure(8 + length);
    this.keyAt = this.pos + 8;
    this.keyLength = length;
    this.pos += 8 + length;
    return true;
  }

  /** At least n bytes buffered from pos. */
  private ensure(n: number): void {
    if (this.have - this.pos >= n) return;
    if (n > this.buf.length) {
      const bigger = Buffer.allocUnsafe(n);
      this.buf.copy(bigger, 0, this.pos, this.have);
      this.buf = bigger;
    } else {
      this.buf.copyWithin(0, this.pos, this.have);
    }
    this.have -= this.pos;
    this.pos = 0;
    while (this.have < n) {
      const got = readSync(this.fd, this.buf, this.have, this.buf.length - this.have, this.fileAt);
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

function compareBytes(a: Uint8Array, at: number, la: number, b: Uint8Array, bt: number, lb: number): number {
  const n = Math.min(la, lb);
  for (let i = 0; i < n; i++) {
    const d = a[at + i]! - b[bt + i]!;
    if (d !== 0) return d;
  }
  return la - lb;
}

function grownInts(a: Int32Array, size: number): Int32Array {
  const out = new Int32Array(size);
  out.set(a);
  return out;
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

// An upload's lines sorted aside into ranges of key positions (issue 17, rawLines.ts LineRanges):
// what lets DataIO make a big table's output one partition at a time. The lines file is in upload
// order and a partition is a range of the key order, so the lines of one partition are spread over
// the whole file (shuffled ids: one line in every ~80). Reading each at its offset is a system call
// per line; reading the whole file again per partition is the file's size per partition. Instead
// one pass over the lines (the reader's own stream, LineChunks) copies each line into its range's
// 128 KiB bucket, and a full bucket is appended to one scratch file, its extent noted; a range is
// then its extents read back (plus the bucket's tail) and laid out by position. Memory: a bucket
// per range (77 at 10M rows: ~10 MB) and the range read last; the scratch file holds the lines once
// more (page cache first), and is unlinked as soon as it is open, so nothing is left behind by a
// crash and its space goes with its descriptor (closed after the last range, or when collected).
import { closeSync } from 'node:fs';
import type { LineBytes, LineChunks, LinePlace, LineRanges } from '../../tableData/rawLines.js';
import { openScratchFile, putUint32LE, readFully, writeFully } from './scratchFile.js';

/** A range's bucket in memory before it is appended to the scratch file. */
const BUCKET_BYTES = 128 << 10;
/** Each line in a bucket: its position in the range (u32), its byte length (u32), its bytes. */
const HEADER = 8;

/** Closes a scratch file once nothing holds its ranges (a writer that stopped half way). */
const closeWhenCollected = new FinalizationRegistry<{ fd: number }>((file) => closeFd(file));

function closeFd(file: { fd: number }): void {
  if (file.fd < 0) return;
  try {
    closeSync(file.fd);
  } catch {
    // already closed
  }
  file.fd = -1;
}

/**
 * The lines of `chunks` (one pass now) sorted into the ranges of rows that `bounds` cuts (ascending,
 * bounds[0] = 0, the last = the row count), kept in an unlinked scratch file in `dir`. Throws when
 * a chunk's row is out of bounds or a range does not get exactly its rows.
 */
export function spillLineRanges(chunks: LineChunks, dir: string, bounds: readonly number[]): LineRanges {
  const parts = bounds.length - 1;
  const rows = bounds[parts]!;
  const file = { fd: openScratchFile(dir, 'line-ranges') };
  try {
    const buckets = new Array<Uint8Array | undefined>(parts);
    const used = new Int32Array(parts);
    const counts = new Float64Array(parts);
    /** Per range: offset, length, offset, length, … of its extents in the scratch file. */
    const extents = Array.from({ length: parts }, () => [] as number[]);
    let fileEnd = 0;
    const flush = (p: number): void => {
      writeFully(file.fd, buckets[p]!, used[p]!, fileEnd);
      extents[p]!.push(fileEnd, used[p]!);
      fileEnd += used[p]!;
      used[p] = 0;
    };
    chunks.forEach((chunk) => {
      const { bytes, start, end, row } = chunk;
      for (let i = 0; i < chunk.count; i++) {
        const r = row[i]!;
        if (!(r >= 0 && r < rows)) throw new Error(`line ranges: row ${r} is past the ${rows} rows`);
        // The bounds are rows-balanced (columns.ts partitionBounds): the estimate is at most one off.
        let p = Math.min(parts - 1, Math.floor((r * parts) / rows));
        while (r < bounds[p]!) p--;
        while (r >= bounds[p + 1]!) p++;
        const from = start[i]!;
        const length = end[i]! - from;
        const need = HEADER + length;
        let bucket = buckets[p];
        if (!bucket || used[p]! + need > bucket.length) {
          if (bucket && used[p]! > 0) flush(p);
          if (!bucket || need > bucket.length) bucket = buckets[p] = new Uint8Array(Math.max(BUCKET_BYTES, need));
        }
        const at = used[p]!;
        const local = r - bounds[p]!;
        putUint32LE(bucket, at, local);
        putUint32LE(bucket, at + 4, length);
        bucket.set(bytes.subarray(from, from + length), at + HEADER);
        used[p] = at + need;
        counts[p]!++;
      }
    });
    for (let p = 0; p < parts; p++) {
      if (counts[p] !== bounds[p + 1]! - bounds[p]!) throw new Error(`line ranges: range ${p} got ${counts[p]} lines for rows ${bounds[p]}..${bounds[p + 1]}`);
    }
    const buffers: RangeBuffers = { text: new Uint8Array(0), start: new Float64Array(0), end: new Float64Array(0) };
    let left = parts;
    const done = new Uint8Array(parts);
    const place = (i: number): LinePlace => {
      if (file.fd < 0) throw new Error('line ranges: read after close');
      if (!(i >= 0 && i < parts)) throw new Error(`line ranges: no range ${i} of ${parts}`);
      return { fd: file.fd, spans: extents[i]!, tail: buckets[i]?.subarray(0, used[i]!) ?? new Uint8Array(0), rows: bounds[i + 1]! - bounds[i]!, range: i };
    };
    const ranges: LineRanges = {
      lines(i: number, again = false): LineBytes {
        const lines = readLinePlace(place(i), buffers);
        if (!again && !done[i]) {
          done[i] = 1;
          // Every range read once (the writer's pass): the scratch file and the buckets go.
          if (--left === 0) ranges.close();
        }
        return lines;
      },
      place(i: number): LinePlace {
        const at = place(i);
        return { ...at, spans: [...at.spans], tail: at.tail.slice() };
      },
      close(): void {
        closeFd(file);
        buckets.fill(undefined);
        closeWhenCollected.unregister(file);
      },
    };
    closeWhenCollected.register(ranges, file, file);
    return ranges;
  } catch (error) {
    closeFd(file);
    throw error;
  }
}

/** Buffers a reader of ranges reuses (each as long as the longest range yet). */
export interface RangeBuffers {
  text: Uint8Array;
  start: Float64Array;
  end: Float64Array;
}

/**
 * A range's lines read from where they are (`LineRanges.place`, or the ranges' own reads), laid out
 * by position into `into`'s buffers: line r of the range at text[start[r], end[r]), valid until
 * the next read into them. Throws when the range does not hold each of its rows once.
 */
export function readLinePlace(at: LinePlace, into: RangeBuffers = { text: new Uint8Array(0), start: new Float64Array(0), end: new Float64Array(0) }): LineBytes {
  const { fd, spans, tail, rows: n, range: i } = at;
  let size = tail.length;
  for (let k = 1; k < spans.length; k += 2) size += spans[k]!;
  if (into.text.length < size) into.text = new Uint8Array(Math.max(size, Math.ceil(into.text.length * 1.25)));
  const text = into.text;
  let from = 0;
  for (let k = 0; k < spans.length; k += 2) {
    readFully(fd, text, from, spans[k + 1]!, spans[k]!, 'line ranges: the scratch file ended early');
    from += spans[k + 1]!;
  }
  if (tail.length > 0) text.set(tail, from);
  if (into.start.length < n) {
    into.start = new Float64Array(n);
    into.end = new Float64Array(n);
  }
  const s = into.start.subarray(0, n).fill(-1);
  const e = into.end.subarray(0, n);
  for (let q = 0; q < size; ) {
    const local = text[q]! | (text[q + 1]! << 8) | (text[q + 2]! << 16) | (text[q + 3]! << 24);
    const length = (text[q + 4]! | (text[q + 5]! << 8) | (text[q + 6]! << 16) | (text[q + 7]! << 24)) >>> 0;
    if (!(local >= 0 && local < n) || s[local] !== -1) throw new Error(`line ranges: range ${i} holds row ${local} twice or out of range`);
    s[local] = q + HEADER;
    e[local] = q + HEADER + length;
    q += HEADER + length;
  }
  return { bytes: text, start: s, end: e };
}

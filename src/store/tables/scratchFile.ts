// Unlinked scratch files for what a big table's work spills to disk: an upload's sorted key runs
// (keyOrder.ts) and an upload's lines sorted aside into ranges (lineRanges.ts). The file is unlinked
// as soon as it is open, so a crash leaves nothing behind; records are written and read whole at
// positions, each with a little-endian u32 header written byte by byte.
import { randomBytes } from 'node:crypto';
import { openSync, readSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';

/** A new file in `dir`, open for reading and writing, already unlinked: its descriptor. */
export function openScratchFile(dir: string, prefix: string): number {
  const path = join(dir, `.${prefix}-${randomBytes(8).toString('hex')}.tmp`);
  const fd = openSync(path, 'wx+');
  unlinkSync(path);
  return fd;
}

/** bytes[0, length) written at `position`, however many writes it takes. */
export function writeFully(fd: number, bytes: Uint8Array, length: number, position: number): void {
  for (let done = 0; done < length; ) done += writeSync(fd, bytes, done, length - done, position + done);
}

/** `length` bytes at `position` into into[offset, …); throws `ended` when the file is shorter. */
export function readFully(fd: number, into: Uint8Array, offset: number, length: number, position: number, ended: string): void {
  for (let got = 0; got < length; ) {
    const n = readSync(fd, into, offset + got, length - got, position + got);
    if (n === 0) throw new Error(ended);
    got += n;
  }
}

/**
 * Writes `value`'s low 32 bits at `at`, little-endian, byte by byte: a record header per line, where
 * Buffer#writeUInt32LE (checks per call) and a subarray per key measured most of a spill's time.
 */
export function putUint32LE(buf: Uint8Array, at: number, value: number): void {
  buf[at] = value & 0xff;
  buf[at + 1] = (value >>> 8) & 0xff;
  buf[at + 2] = (value >>> 16) & 0xff;
  buf[at + 3] = value >>> 24;
}

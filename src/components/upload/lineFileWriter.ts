// The upload's format-3 halves (store/tables/lineFile.ts): the reader thread writes each chunk's
// lines to the lines file (LinesOut), the writer thread copies their keys with the line numbers
// into the key order's runs (KeyOrderWriter, store/tables/keyOrder.ts). Writing the lines on the
// reader's core keeps them off the writer's, which also sorts the keys.
//
// A chunk arrives as the splitter left it: row i is buf[offs[3i], offs[3i+2]) with its key up to
// offs[3i+1]. When the rows are contiguous with one '\n' after each (a file without '\r' and empty
// lines), the chunk's bytes from its first row to its last '\n' already are the lines file's
// bytes: one write, no copy. Otherwise each row is moved down over the dropped bytes ('\r', empty
// lines, the header) inside the chunk itself, and the offsets are moved with it.
import { closeSync, openSync, writeSync } from 'node:fs';
import type Database from 'better-sqlite3';
import { forEachLineKey, type LinesMeta } from '../../store/tables/lineFile.js';
import { KeyOrderBuilder, type KeyOrderLimits } from '../../store/tables/keyOrder.js';

const NL = 0x0a;
const NL_BYTE = new Uint8Array([NL]);

/** Where a chunk's lines go in the lines file: buf[from, from + length) at `at`, then a '\n' if `newline`. */
export interface LinesPiece {
  readonly at: number;
  readonly from: number;
  readonly length: number;
  readonly newline: boolean;
}

/**
 * The lines file as both threads see it: the reader lays each chunk's lines out (compact) and
 * reserves their place, then writes them itself when it is ahead of the writer, or leaves the
 * write to the writer when the writer keeps up (a wide file with sorted keys: reading and
 * splitting is then the slower half). Positional writes, so the two never need an order.
 */
export class LinesOut {
  private fd: number | undefined;

  constructor(path: string, private position: number) {
    this.fd = openSync(path, 'r+');
  }

  /** Lays rows 0..count-1 of the chunk out as lines (the offsets then point at them) and reserves their place. */
  compact(buf: Uint8Array, offs: Int32Array, count: number): LinesPiece {
    const first = offs[0]!;
    let dst = first;
    /** The last line reaches the buffer's end (a file without a final '\n'): its '\n' is written apart. */
    let newline = false;
    for (let i = 0; i < count; i++) {
      const start = offs[3 * i]!;
      const keyEnd = offs[3 * i + 1]!;
      const end = offs[3 * i + 2]!;
      if (start !== dst) {
        buf.copyWithin(dst, start, end);
        offs[3 * i] = dst;
        offs[3 * i + 1] = dst + (keyEnd - start);
        offs[3 * i + 2] = dst + (end - start);
      }
      dst += end - start;
      // Later rows only move to places after this '\n'.
      if (dst < buf.length) buf[dst++] = NL;
      else newline = true;
    }
    const piece = { at: this.position, from: first, length: dst - first, newline };
    this.position += piece.length + (newline ? 1 : 0);
    return piece;
  }

  write(buf: Uint8Array, piece: LinesPiece): void {
    writeLines(this.fd!, buf, piece);
  }

  /** Closes the file (idempotent); returns its size. */
  close(): number {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
    return this.position;
  }
}

/** Writes a piece of lines at its place. */
export function writeLines(fd: number, buf: Uint8Array, piece: LinesPiece): void {
  let { at, from: offset, length } = piece;
  while (length > 0) {
    const n = writeSync(fd, buf, offset, length, at);
    at += n;
    offset += n;
    length -= n;
  }
  if (piece.newline) writeSync(fd, NL_BYTE, 0, 1, at);
}

/** The writer's side: each row's key with its line number into the key order (format 3). */
export class KeyOrderWriter {
  /** Lines so far: the last line's number. */
  lines: number;
  private readonly order: KeyOrderBuilder;

  /** Line numbers go on from `start.lines` (a copied table's, whose keys are added first: addCopied). */
  constructor(scratchDir: string, private readonly start: LinesMeta, limits: KeyOrderLimits = {}) {
    this.lines = 0;
    this.order = new KeyOrderBuilder(scratchDir, limits);
  }

  /** A copied table's lines (drop 0): their keys, lines 1..start.lines, before the new ones. */
  addCopied(linesPath: string): void {
    forEachLineKey(linesPath, this.start, (bytes, from, to) => {
      this.order.add(bytes, from, to);
      this.lines++;
    });
    if (this.lines !== this.start.lines) throw new Error(`upload: the copied lines file holds ${this.lines} lines, ${this.start.lines} recorded`);
  }

  insertChunk(ab: ArrayBuffer, offs: Int32Array, count: number): void {
    const bytes = new Uint8Array(ab);
    const order = this.order;
    for (let i = 0; i < count; i++) order.add(bytes, offs[3 * i]!, offs[3 * i + 1]!);
    this.lines += count;
  }

  /** Writes the order file, then the metadata (readers check the files against it). */
  finish(db: Database.Database, bytes: number, orderPath: string): LinesMeta & { keys: number } {
    const keys = this.order.finish(orderPath);
    db.exec('DELETE FROM lines_meta');
    db.prepare('INSERT INTO lines_meta(bytes, lines, keys) VALUES (?, ?, ?)').run(bytes, this.lines, keys);
    return { bytes, lines: this.lines, keys };
  }

  /** Releases the scratch file after a failure. */
  close(): void {
    this.order.close();
  }
}

// The upload's format-2 halves (store/tables/lineFile.ts): the reader thread writes each chunk's
// lines to the lines file (LinesOut), the writer thread inserts only their keys, with the line
// numbers as rowids, into SQLite (LineFileWriter). Writing the lines on the reader's core keeps
// them off the writer's, which also builds the key index.
//
// A chunk arrives as the splitter left it: row i is buf[offs[3i], offs[3i+2]) with its key up to
// offs[3i+1]. When the rows are contiguous with one '\n' after each (a file without '\r' and empty
// lines), the chunk's bytes from its first row to its last '\n' already are the lines file's
// bytes: one write, no copy. Otherwise each row is moved down over the dropped bytes ('\r', empty
// lines, the header) inside the chunk itself, and the offsets are moved with it.
import { closeSync, openSync, writeSync } from 'node:fs';
import type Database from 'better-sqlite3';
import type { LinesMeta } from '../../store/tables/lineFile.js';

const NL = 0x0a;
const NL_BYTE = new Uint8Array([NL]);
const ROWS_PER_STATEMENT = 100;
const EMPTY = new Uint8Array(0);
/**
 * Key bytes arrive as a blob; CAST stores them as TEXT (same bytes, no conversion). The rowid is
 * SQLite's own, max(rowid) + 1: the line's number, since lines are inserted in order and the last
 * line always stays (a duplicate loses to a later line, never the last); finish() checks it.
 * Binding the numbers instead measured slower (a JS number binds as a double).
 */
const ROW_SQL = '(CAST(? AS TEXT))';

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

/** The writer's side: each row's key, the line number as rowid. */
export class LineFileWriter {
  /** Lines so far: the last line's number (its rowid in `keys`). */
  lines: number;
  private readonly many: Database.Statement;
  private readonly one: Database.Statement;
  private readonly begin: Database.Statement;
  private readonly commit: Database.Statement;
  /** Key bytes of the rows of the statement being filled. */
  private readonly args: Uint8Array[] = new Array<Uint8Array>(ROWS_PER_STATEMENT).fill(EMPTY);

  /** Line numbers go on from `start.lines` (a copied table's). */
  constructor(db: Database.Database, start: LinesMeta) {
    this.lines = start.lines;
    this.many = db.prepare(`INSERT INTO keys(k) VALUES ${new Array<string>(ROWS_PER_STATEMENT).fill(ROW_SQL).join(',')}`);
    this.one = db.prepare(`INSERT INTO keys(k) VALUES ${ROW_SQL}`);
    this.begin = db.prepare('BEGIN');
    this.commit = db.prepare('COMMIT');
  }

  insertChunk(ab: ArrayBuffer, offs: Int32Array, count: number): void {
    const args = this.args;
    let n = 0;
    this.begin.run();
    for (let i = 0; i < count; i++) {
      const start = offs[3 * i]!;
      args[n] = new Uint8Array(ab, start, offs[3 * i + 1]! - start);
      if (++n === ROWS_PER_STATEMENT) {
        this.many.run(...args);
        n = 0;
      }
    }
    for (let i = 0; i < n; i++) this.one.run(args[i]);
    this.commit.run();
    // The chunk goes back to the reader (detached here): no view may outlive this call.
    args.fill(EMPTY);
    this.lines += count;
  }

  /** The lines file's size and line count, recorded last (readers check the file against them). */
  finish(db: Database.Database, bytes: number): LinesMeta {
    const last = (db.prepare('SELECT max(rowid) FROM keys').pluck().get() as number | null) ?? 0;
    if (last !== this.lines) throw new Error(`upload: the last key's rowid is ${last}, the lines file holds ${this.lines} lines`);
    db.exec('DELETE FROM lines_meta');
    db.prepare('INSERT INTO lines_meta(bytes, lines) VALUES (?, ?)').run(bytes, this.lines);
    return { bytes, lines: this.lines };
  }
}

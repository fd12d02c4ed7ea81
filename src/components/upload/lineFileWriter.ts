// The upload writer's format-2 half (store/tables/lineFile.ts): each chunk's lines go to the lines
// file in one write, and only their keys, with the line numbers as rowids, into SQLite.
//
// The chunk arrives as the reader split it: row i is buf[offs[3i], offs[3i+2]) with its key up to
// offs[3i+1]. When the rows are contiguous with one '\n' after each (a file without '\r' and empty
// lines), the chunk's bytes from its first row to its last '\n' already are the lines file's
// bytes: one write, no copy. Otherwise each row is moved down over the dropped bytes ('\r', empty
// lines, the header) inside the chunk itself, which the writer owns until it hands it back.
import { writeSync } from 'node:fs';
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

export class LineFileWriter {
  /** Bytes of the lines file so far. */
  bytes: number;
  /** Lines so far: the last line's number (its rowid in `keys`). */
  lines: number;
  private readonly many: Database.Statement;
  private readonly one: Database.Statement;
  private readonly begin: Database.Statement;
  private readonly commit: Database.Statement;
  /** Key bytes of the rows of the statement being filled. */
  private readonly args: Uint8Array[] = new Array<Uint8Array>(ROWS_PER_STATEMENT).fill(EMPTY);

  /** `fd`: the lines file, written from `start.bytes` on; line numbers go on from `start.lines`. */
  constructor(db: Database.Database, private readonly fd: number, start: LinesMeta) {
    this.bytes = start.bytes;
    this.lines = start.lines;
    this.many = db.prepare(`INSERT INTO keys(k) VALUES ${new Array<string>(ROWS_PER_STATEMENT).fill(ROW_SQL).join(',')}`);
    this.one = db.prepare(`INSERT INTO keys(k) VALUES ${ROW_SQL}`);
    this.begin = db.prepare('BEGIN');
    this.commit = db.prepare('COMMIT');
  }

  insertChunk(ab: ArrayBuffer, offs: Int32Array, count: number): void {
    if (count === 0) return;
    const buf = new Uint8Array(ab);
    const args = this.args;
    const first = offs[0]!;
    let dst = first;
    let n = 0;
    let line = this.lines;
    /** The last line reaches the buffer's end (a file without a final '\n'): its '\n' is written apart. */
    let newlineApart = false;
    this.begin.run();
    for (let i = 0; i < count; i++) {
      const start = offs[3 * i]!;
      const keyEnd = offs[3 * i + 1]!;
      const end = offs[3 * i + 2]!;
      if (start !== dst) buf.copyWithin(dst, start, end);
      line++;
      args[n] = new Uint8Array(ab, dst, keyEnd - start);
      dst += end - start;
      // Later rows only move to places after this '\n': the key's bytes stay until the insert.
      if (dst < buf.length) buf[dst++] = NL;
      else newlineApart = true;
      if (++n === ROWS_PER_STATEMENT) {
        this.many.run(...args);
        n = 0;
      }
    }
    for (let i = 0; i < n; i++) this.one.run(args[i]);
    this.commit.run();
    args.fill(EMPTY);
    this.write(buf, first, dst - first);
    if (newlineApart) this.write(NL_BYTE, 0, 1);
    this.lines = line;
  }

  /** The lines file's size and line count, recorded last (readers check the file against them). */
  finish(db: Database.Database): LinesMeta {
    const last = (db.prepare('SELECT max(rowid) FROM keys').pluck().get() as number | null) ?? 0;
    if (last !== this.lines) throw new Error(`upload: the last key's rowid is ${last}, the lines file holds ${this.lines} lines`);
    db.exec('DELETE FROM lines_meta');
    db.prepare('INSERT INTO lines_meta(bytes, lines) VALUES (?, ?)').run(this.bytes, this.lines);
    return { bytes: this.bytes, lines: this.lines };
  }

  private write(buf: Uint8Array, offset: number, length: number): void {
    while (length > 0) {
      const n = writeSync(this.fd, buf, offset, length, this.bytes);
      this.bytes += n;
      offset += n;
      length -= n;
    }
  }
}

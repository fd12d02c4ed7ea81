// Upload tables, formats 2 and 3 (issue 17): the lines in a flat file; the key order in SQLite
// (format 2) or in a file of line numbers (format 3).
//
// An upload writes each data line (tabs made commas, the trailing '\r' and empty lines dropped, as
// the splitter gives it) with a '\n' to `<location>.sqlite-lines`, in upload order. A line's key is
// the bytes before its first comma. Key order is SQLite's BINARY order (bytes, then the shorter
// first); of equal keys the last line wins.
//
// Format 3 (since stop 19; `PRAGMA user_version = 3`): `<location>.sqlite-order` holds the kept
// lines' numbers (1-based, Int32 little-endian) in key order, sorted by the upload in bounded runs
// (keyOrder.ts); the SQLite file holds only `lines_meta(bytes, lines, keys)`. Why: in format 2 the
// writer spent ~0.25–0.4 s inserting 1M keys into SQLite and ~0.6 s building the UNIQUE index, and
// a reader ~0.4 s taking the order back out of it; the order file is sorted in ~0.1 s and read in
// one read. It is also the key column of a columnar table to come.
//
// Format 2 (stop 15 to 18; user_version 2): only each line's key in the SQLite file, a `keys` table
// whose rowid is the line's number in the lines file, and a UNIQUE index on k (key order, the last
// duplicate wins); `lines_meta(bytes, lines)`. Still read. An older upload file (format 1) has
// user_version 0 and a `rows(k, v)` table, and is read by uploadLines.ts as before.
//
// Why lines apart at all: the format-1 file keeps every line in the SQLite table, so a load inserts
// ~135 bytes per row into a b-tree and DataIO reads them back through SQLite (measured on
// bench:scale's host upload of 1M shuffled ids: 1.2–1.9 s CPU for the lines, 1.1–1.6 s for the keys
// as strings). Here the lines file is written as the reader thread split it (no copy when the file
// has no '\r' and no empty line), and DataIO reads it sequentially; the keys themselves are taken
// from the lines.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import type Database from 'better-sqlite3';
import type { LineBytes, LineChunk, LineChunks } from '../../tableData/rawLines.js';
import { knownJoinedIds } from '../../tableData/packedIds.js';
import { readKeyOrder, readKeyOrderLines } from './keyOrder.js';

/** `PRAGMA user_version` of a format-2 upload file. */
export const LINE_FILE_VERSION = 2;
/** `PRAGMA user_version` of a format-3 upload file (what an upload writes). */
export const ORDER_FILE_VERSION = 3;
/** The lines file's name: the SQLite file's path + this suffix. */
export const LINES_SUFFIX = '-lines';
/** A format-3 upload's key order file: the SQLite file's path + this suffix. */
export const ORDER_SUFFIX = '-order';
/** Format 3's metadata: the lines file's size and line count, the distinct keys (entries of the order file). */
export const ORDER_META_SQL = 'CREATE TABLE IF NOT EXISTS lines_meta(bytes INTEGER, lines INTEGER, keys INTEGER)';
/** Format 2's key index (read only now). */
const KEYS_INDEX_NAME = 'keys_k';

const NL = 0x0a;
/**
 * The longest text of all the keys joined that is made as one string: V8 refuses strings over
 * ~2^29 characters (~50M keys of 9 characters); past this the keys are sliced one by one.
 */
const MAX_JOINED_KEYS = 2 ** 28;
const COMMA = 0x2c;
/** Rowids per chunk of the key-order walk. */
const ORDER_CHUNK = 65536;
/** Buffer's limit in this Node: the bound of a table's lines read whole (`whole()`), not of a stream. */
const MAX_BUFFER = 2 ** 32 - 1;

export interface LinesMeta {
  /** Bytes of the lines file that belong to the table. */
  readonly bytes: number;
  /** Lines in it (the rowids of `keys` are 1..lines). */
  readonly lines: number;
}

/** True for a format-2 or format-3 upload file (lines in a lines file). */
export function isLineFile(db: Database.Database): boolean {
  const version = db.pragma('user_version', { simple: true });
  return version === LINE_FILE_VERSION || version === ORDER_FILE_VERSION;
}

function isOrderFile(db: Database.Database): boolean {
  return db.pragma('user_version', { simple: true }) === ORDER_FILE_VERSION;
}

/** The order file next to a lines file (both are named after the SQLite file). */
export function orderPathOfLines(linesPath: string): string {
  return linesPath.slice(0, -LINES_SUFFIX.length) + ORDER_SUFFIX;
}

/** The recorded size of the lines file; throws when the lines file is shorter (a damaged table). */
export function readLinesMeta(db: Database.Database, linesPath: string): LinesMeta {
  const row = db.prepare('SELECT bytes, lines FROM lines_meta').raw().get() as [number, number] | undefined;
  if (!row) throw new Error(`table ${linesPath}: no lines_meta (an unfinished upload)`);
  const [bytes, lines] = row;
  const fd = openSync(linesPath, 'r');
  try {
    const size = fstatSync(fd).size;
    if (size < bytes) throw new Error(`table lines file ${linesPath} holds ${size} bytes, ${bytes} expected`);
  } finally {
    closeSync(fd);
  }
  return { bytes, lines };
}

/** The row count (distinct keys). */
export function countKeys(db: Database.Database): number {
  if (isOrderFile(db)) {
    const keys = db.prepare('SELECT keys FROM lines_meta').pluck().get() as number | undefined;
    if (keys === undefined) throw new Error('upload table: no lines_meta (an unfinished upload)');
    return keys;
  }
  return db.prepare('SELECT count(*) FROM keys').pluck().get() as number;
}

/**
 * Each line number's position in key order (-1: a line that lost to a later duplicate), and the
 * count of positions. The rowids come in chunks from the key index (covering: no table lookup, no
 * sort), `WHERE k > last` between chunks. Whether the aggregate kept the index's order is checked
 * by the caller on the keys (orderedByRows is the fallback).
 */
function positionsByLine(db: Database.Database, lines: number): { at: Int32Array; count: number } {
  const chunk = db.prepare(
    `SELECT count(*), group_concat(rowid, ','), max(k) FROM (SELECT rowid, k FROM keys INDEXED BY ${KEYS_INDEX_NAME} WHERE k > ? ORDER BY k LIMIT ${ORDER_CHUNK})`,
  ).raw();
  const first = db.prepare(
    `SELECT count(*), group_concat(rowid, ','), max(k) FROM (SELECT rowid, k FROM keys INDEXED BY ${KEYS_INDEX_NAME} ORDER BY k LIMIT ${ORDER_CHUNK})`,
  ).raw();
  const at = new Int32Array(lines + 1).fill(-1);
  let count = 0;
  let last: string | undefined;
  for (;;) {
    const [n, ids, max] = (last === undefined ? first.get() : chunk.get(last)) as [number, string | null, string | null];
    if (n === 0) break;
    if (!placeRowids(String(ids), n, at, count)) throw new Error('upload table: key index rowids out of range');
    count += n;
    last = String(max);
    if (n < ORDER_CHUNK) break;
  }
  return { at, count };
}

/** The same positions one row at a time, in SQLite's own key order (no aggregate involved). */
function orderedByRows(db: Database.Database, lines: number): { at: Int32Array; count: number } {
  const at = new Int32Array(lines + 1).fill(-1);
  let count = 0;
  const rows = db.prepare(`SELECT rowid FROM keys INDEXED BY ${KEYS_INDEX_NAME} ORDER BY k`).pluck().iterate() as IterableIterator<number>;
  for (const id of rows) {
    if (!(id >= 1 && id <= lines) || at[id] !== -1) throw new Error('upload table: key index rowids out of range');
    at[id] = count++;
  }
  return { at, count };
}

/** "12,7,…" (n rowids) into at[id] = base, base + 1, …; false when malformed or out of range. */
function placeRowids(text: string, n: number, at: Int32Array, base: number): boolean {
  let q = 0;
  let id = 0;
  let digits = 0;
  const max = at.length - 1;
  for (let i = 0; i <= text.length; i++) {
    const c = i < text.length ? text.charCodeAt(i) : 44;
    if (c >= 48 && c <= 57) {
      id = id * 10 + (c - 48);
      digits++;
    } else if (c === 44 && digits > 0 && q < n) {
      if (id < 1 || id > max || at[id] !== -1) return false;
      at[id] = base + q++;
      id = 0;
      digits = 0;
    } else return false;
  }
  return q === n;
}

/** Bytes read from the lines file at a time (the buffer grows for a longer line). */
const CHUNK_BYTES = 4 << 20;
/** Lines per visit at most (bounds the chunk's arrays whatever the line length). */
const CHUNK_LINES = 32768;

export interface LineFileRead {
  /** The keys in key order. */
  readonly keys: string[];
  readonly chunks: LineChunks;
  /** All the lines in one buffer, in key order (for readers that need them so). */
  readonly whole: () => LineBytes;
}

/** A chunk with its lines' keys: line i's key is bytes[keyStart[i], keyEnd[i]). */
interface KeyedChunk extends LineChunk {
  readonly keyStart: Float64Array;
  readonly keyEnd: Float64Array;
  /** The file offset of bytes[0]. */
  readonly base: number;
}

/** Closes a source's file once nothing holds the source any more. */
const closeWhenCollected = new FinalizationRegistry<number>((fd) => {
  try {
    closeSync(fd);
  } catch {
    // already closed
  }
});

/**
 * The table's keys in key order (decoded from the lines: ASCII keys as Latin-1, the cheap copy,
 * others as UTF-8) and its lines as LineChunks: each pass streams the lines file through one 4 MiB
 * buffer, every line with its key's position. The file stays open (a reader may pass again after
 * the location was dropped) until the source is collected.
 */
export function readLineFile(db: Database.Database, linesPath: string): LineFileRead {
  const meta = readLinesMeta(db, linesPath);
  const fd = openSync(linesPath, 'r');
  try {
    if (isOrderFile(db)) {
      // Format 3: the order file is SQLite's BINARY order already, nothing to check it against.
      const count = countKeys(db);
      const at = readKeyOrder(orderPathOfLines(linesPath), count, meta.lines);
      const keys = readKeys(fd, linesPath, meta, at, count, false);
      if (!keys) throw new Error(`table lines file ${linesPath} does not match its keys`);
      return lineFileRead(fd, linesPath, meta, at, count, keys);
    }
    let { at, count } = positionsByLine(db, meta.lines);
    let keys = readKeys(fd, linesPath, meta, at, count, true);
    if (!keys) {
      // Key order as JS compares strings differs from SQLite's (UTF-8 bytes) only between a
      // surrogate pair and U+E000..U+FFFF, or the aggregate did not keep the index's order: take
      // SQLite's order row by row, which needs no check.
      ({ at, count } = orderedByRows(db, meta.lines));
      keys = readKeys(fd, linesPath, meta, at, count, false);
    }
    if (!keys) throw new Error(`table lines file ${linesPath} does not match its keys`);
    return lineFileRead(fd, linesPath, meta, at, count, keys);
  } catch (error) {
    closeSync(fd);
    throw error;
  }
}

function lineFileRead(fd: number, linesPath: string, meta: LinesMeta, at: Int32Array, count: number, keys: string[]): LineFileRead {
  const chunks: LineChunks = { forEach: (visit) => forEachChunk(fd, linesPath, meta, at, visit) };
  const whole = (): LineBytes => wholeLines(fd, linesPath, meta, at, count);
  closeWhenCollected.register(chunks, fd);
  return { keys, chunks, whole };
}

/**
 * Each line's key, in line order: visit(bytes, from, to) with the key bytes[from, to) (valid during
 * the call). For drop 0, whose new key order covers the copied table's lines too.
 */
export function forEachLineKey(linesPath: string, meta: LinesMeta, visit: (bytes: Uint8Array, from: number, to: number) => void): void {
  const everyLine = new Int32Array(meta.lines + 1).fill(0);
  const fd = openSync(linesPath, 'r');
  try {
    forEachChunk(fd, linesPath, meta, everyLine, (chunk) => {
      for (let i = 0; i < chunk.count; i++) visit(chunk.bytes, chunk.keyStart[i]!, chunk.keyEnd[i]!);
    });
  } finally {
    closeSync(fd);
  }
}

/** Node's Buffer slicers without toString's argument checks (public on Buffer.prototype, untyped). */
interface Slicers {
  latin1Slice(start: number, end: number): string;
  utf8Slice(start: number, end: number): string;
}

/** The keys by position, from one pass; undefined when a position has no line or (checkOrder) the keys are not in rising JS order. */
function readKeys(fd: number, path: string, meta: LinesMeta, at: Int32Array, count: number, checkOrder: boolean): string[] | undefined {
  // The strings are made in key order, from the key bytes laid out in key order. Strings made in
  // file order (the host's file is shuffled) and then gathered into key order sit at random places
  // of the heap, so every later walk of the keys in key order (the Intersection's merge and id
  // lists, the writers' order checks and UTF-8 copies, HeteroLR's ids) touches memory at random:
  // on bench:scale's host upload a walk took 3-4x as long (the sorted check 37 against 9-13 ms, the
  // id join 0.40 against 0.23 s). The pass copies each key's bytes in file order into one small
  // buffer (~8 bytes a key) and notes its length at its position; the bytes are then scattered to
  // their key-order places and the strings sliced off in order.
  let fileBytes = Buffer.allocUnsafeSlow(Math.max(1024, Math.min(meta.bytes, count * 12)));
  /** The position of the j-th key copied (file order). */
  const posOf = new Int32Array(count);
  /**
   * A key's length by position, then (below) where it starts in key order; -1: no line. The keys'
   * bytes and separators are at most the file's bytes, so 32-bit offsets do below 2 GiB (at 10M rows
   * 40 MB instead of 80).
   */
  const startAt = (meta.bytes + count < 2 ** 31 ? new Int32Array(count + 1) : new Float64Array(count + 1)).fill(-1);
  let placed = 0;
  let used = 0;
  let high = 0;
  let bad = false;
  forEachChunk(fd, path, meta, at, (chunk) => {
    const bytes = chunk.bytes;
    const { keyStart, keyEnd, row } = chunk;
    for (let i = 0; i < chunk.count; i++) {
      const from = keyStart[i]!;
      const length = keyEnd[i]! - from;
      const p = row[i]!;
      if (placed >= count || startAt[p] !== -1) {
        bad = true;
        return;
      }
      if (used + length > fileBytes.length) {
        const bigger = Buffer.allocUnsafeSlow(Math.max(2 * fileBytes.length, used + length));
        fileBytes.copy(bigger, 0, 0, used);
        fileBytes = bigger;
      }
      for (let j = 0; j < length; j++) high |= fileBytes[used + j] = bytes[from + j]!;
      used += length;
      startAt[p] = length;
      posOf[placed++] = p;
    }
  });
  if (bad || placed !== count) return undefined;
  // Key p is ordered[startAt[p], startAt[p + 1] - 1), each key followed by a '\n' (no key holds
  // one: a line ends at it), so that the keys joined are one string too (below).
  let total = 0;
  for (let p = 0; p < count; p++) {
    const length = startAt[p]!;
    startAt[p] = total;
    total += length + 1;
  }
  startAt[count] = total;
  let ordered = Buffer.allocUnsafeSlow(Math.max(1, total));
  for (let j = 0, from = 0; j < count; j++) {
    const p = posOf[j]!;
    const to = startAt[p]!;
    const length = startAt[p + 1]! - 1 - to;
    for (let b = 0; b < length; b++) ordered[to + b] = fileBytes[from + b]!;
    ordered[to + length] = NL;
    from += length;
  }
  // Released before the strings are made (at 10M rows the file-order copy is ~80 MB).
  fileBytes = Buffer.alloc(0);
  const keys = new Array<string>(count);
  // ASCII keys (all of them, in the usual case) as Latin-1, the cheap copy; others as UTF-8.
  if (high < 0x80 && total <= MAX_JOINED_KEYS) {
    // One Latin-1 string of them all and a substring per key (a builtin, no call into C++ per key):
    // measured ~20 % cheaper than a latin1Slice per key for 1M keys of 6-7 characters. That string
    // is the keys joined with '\n', the packed form a list of ids crosses threads in: the raw
    // Intersection sends its own ids as it (packedIds.ts knownJoinedIds), not a join of 1M keys.
    const all = (ordered as unknown as Slicers).latin1Slice(0, Math.max(0, total - 1));
    ordered = Buffer.alloc(0); // released: the strings are in `all`
    for (let p = 0; p < count; p++) keys[p] = all.slice(startAt[p]!, startAt[p + 1]! - 1);
    knownJoinedIds(keys, all);
  } else {
    const slice = ordered as unknown as Slicers;
    for (let p = 0; p < count; p++) {
      const from = startAt[p]!;
      const to = startAt[p + 1]! - 1;
      let h = 0;
      for (let b = from; b < to; b++) h |= ordered[b]!;
      keys[p] = h < 0x80 ? slice.latin1Slice(from, to) : slice.utf8Slice(from, to);
    }
  }
  if (checkOrder && !isRising(keys)) return undefined;
  return keys;
}

function isRising(keys: readonly string[]): boolean {
  for (let p = 1; p < keys.length; p++) if (!(keys[p - 1]! < keys[p]!)) return false;
  return true;
}

/** All the lines in one buffer (the file's), each line's range at its key's position. */
function wholeLines(fd: number, path: string, meta: LinesMeta, at: Int32Array, count: number): LineBytes {
  // Only a reader that wants every line at once is bound by one buffer; streaming passes are not.
  if (meta.bytes > MAX_BUFFER) throw new Error(`table lines file ${path}: ${meta.bytes} bytes is more than one buffer holds (read it as a stream)`);
  const bytes = Buffer.allocUnsafeSlow(meta.bytes);
  readFully(fd, bytes, meta.bytes, 0);
  const start = new Float64Array(count);
  const end = new Float64Array(count);
  forEachChunk(fd, path, meta, at, (chunk) => {
    const { base, row } = chunk;
    for (let i = 0; i < chunk.count; i++) {
      start[row[i]!] = base + chunk.start[i]!;
      end[row[i]!] = base + chunk.end[i]!;
    }
  });
  return { bytes, start, end };
}

/**
 * One pass over the lines file: visit(chunk) with up to CHUNK_LINES kept lines at a time (a line
 * whose position is -1 lost to a later duplicate and is skipped). Throws when the file does not
 * hold `meta.lines` lines of '\n'-ended text in `meta.bytes` bytes.
 */
function forEachChunk(fd: number, path: string, meta: LinesMeta, at: Int32Array, visit: (chunk: KeyedChunk) => void): void {
  let buf = Buffer.allocUnsafeSlow(Math.min(CHUNK_BYTES, Math.max(1, meta.bytes)));
  const keyStart = new Float64Array(CHUNK_LINES);
  const keyEnd = new Float64Array(CHUNK_LINES);
  const start = new Float64Array(CHUNK_LINES);
  const end = new Float64Array(CHUNK_LINES);
  const row = new Int32Array(CHUNK_LINES);
  let base = 0;
  let have = 0;
  let line = 1;
  while (base + have < meta.bytes) {
    if (have === buf.length) {
      // A line longer than the buffer.
      const bigger = Buffer.allocUnsafeSlow(2 * buf.length);
      buf.copy(bigger, 0, 0, have);
      buf = bigger;
    }
    const n = readSync(fd, buf, have, Math.min(buf.length - have, meta.bytes - base - have), base + have);
    if (n === 0) throw new Error(`table lines file ${path} ended at ${base + have} of ${meta.bytes} bytes`);
    have += n;
    const bytes = buf;
    let pos = 0;
    let count = 0;
    for (;;) {
      let i = pos;
      let c = -1;
      while (i < have && (c = bytes[i]!) !== COMMA && c !== NL) i++;
      if (i >= have) break;
      const kEnd = i;
      if (c === COMMA) {
        // The rest of the line: memchr (measured 2–4x the JS loop); bytes past `have` are stale.
        i = bytes.indexOf(NL, i + 1);
        if (i < 0 || i >= have) break;
      }
      if (line > meta.lines) throw new Error(`table lines file ${path} holds more than ${meta.lines} lines`);
      const p = at[line++]!;
      if (p >= 0) {
        keyStart[count] = pos;
        keyEnd[count] = kEnd;
        start[count] = c === COMMA ? kEnd + 1 : i;
        end[count] = i;
        row[count] = p;
        if (++count === CHUNK_LINES) {
          visit({ bytes, start, end, row, count, keyStart, keyEnd, base });
          count = 0;
        }
      }
      pos = i + 1;
    }
    if (count > 0) visit({ bytes, start, end, row, count, keyStart, keyEnd, base });
    buf.copyWithin(0, pos, have);
    base += pos;
    have -= pos;
  }
  if (have !== 0 || line !== meta.lines + 1) throw new Error(`table lines file ${path} does not hold its ${meta.lines} lines`);
}

/**
 * Rows [key, value] in key order, at most `limit` (-1: all), reading each line from the lines file
 * (offsets from one sequential scan, 8 bytes a line; the lines themselves are read one by one).
 */
export function* readLineFileRows(db: Database.Database, linesPath: string, limit: number): IterableIterator<[string, string]> {
  const meta = readLinesMeta(db, linesPath);
  const fd = openSync(linesPath, 'r');
  try {
    const offsets = lineOffsets(fd, meta);
    if (isOrderFile(db)) {
      yield* orderedRows(fd, linesPath, meta, offsets, countKeys(db), limit);
      return;
    }
    const sql = `SELECT rowid, k FROM keys INDEXED BY ${KEYS_INDEX_NAME} ORDER BY k${limit >= 0 ? ' LIMIT ?' : ''}`;
    const statement = db.prepare(sql).raw();
    const rows = (limit >= 0 ? statement.iterate(limit) : statement.iterate()) as IterableIterator<[number, string]>;
    const lineAt = lineReader(fd, linesPath, meta, offsets);
    try {
      for (const [id, key] of rows) {
        const { buf, length, comma } = lineAt(id);
        yield [key, comma < 0 ? '' : buf.toString('utf8', comma + 1, length)];
      }
    } finally {
      rows.return?.();
    }
  } finally {
    closeSync(fd);
  }
}

/** Format 3's rows in key order: each line read by its number from the order file, its key the bytes before the first comma. */
function* orderedRows(fd: number, linesPath: string, meta: LinesMeta, offsets: Float64Array, keys: number, limit: number): IterableIterator<[string, string]> {
  const order = readKeyOrderLines(orderPathOfLines(linesPath), keys);
  const n = limit >= 0 ? Math.min(limit, keys) : keys;
  const lineAt = lineReader(fd, linesPath, meta, offsets);
  for (let p = 0; p < n; p++) {
    const { buf, length, comma } = lineAt(order[p]!);
    yield comma < 0 ? [buf.toString('utf8', 0, length), ''] : [buf.toString('utf8', 0, comma), buf.toString('utf8', comma + 1, length)];
  }
}

/**
 * Reads line `id` (1-based) of the lines file by its offsets into one growing buffer: its bytes
 * are buf[0, length), its first comma at `comma` (-1: none). Formats 2 and 3 read rows so.
 */
function lineReader(fd: number, linesPath: string, meta: LinesMeta, offsets: Float64Array): (id: number) => { buf: Buffer; length: number; comma: number } {
  let buf = Buffer.alloc(4096);
  return (id) => {
    if (!(id >= 1 && id <= meta.lines)) throw new Error(`table lines file ${linesPath} does not match its keys`);
    const from = offsets[id - 1]!;
    const length = offsets[id]! - 1 - from;
    if (buf.length < length) buf = Buffer.alloc(2 * length);
    readFully(fd, buf, length, from);
    return { buf, length, comma: buf.subarray(0, length).indexOf(COMMA) };
  };
}

/** offsets[i]: where line i + 1 starts; offsets[lines]: the end. */
function lineOffsets(fd: number, meta: LinesMeta): Float64Array {
  const offsets = new Float64Array(meta.lines + 1);
  const buf = Buffer.allocUnsafe(1 << 20);
  let line = 1;
  let at = 0;
  while (at < meta.bytes && line <= meta.lines) {
    const n = readSync(fd, buf, 0, Math.min(buf.length, meta.bytes - at), at);
    if (n === 0) break;
    const view = buf.subarray(0, n);
    for (let i = view.indexOf(NL, 0); i >= 0; i = view.indexOf(NL, i + 1)) {
      if (line > meta.lines) break;
      offsets[line++] = at + i + 1;
    }
    at += n;
  }
  if (line !== meta.lines + 1) throw new Error(`table lines file holds fewer than ${meta.lines} lines`);
  return offsets;
}

function readFully(fd: number, buf: Buffer, length: number, position: number): void {
  let got = 0;
  while (got < length) {
    const n = readSync(fd, buf, got, length - got, position + got);
    if (n === 0) throw new Error('table lines file ended early');
    got += n;
  }
}

// An upload's keys and lines in key order, read in chunks (issue 17). Reading a million rows one
// at a time through better-sqlite3 costs most of DataIO's load: each row is a trip into native
// code, and `ORDER BY k` sorts the whole table. Here the keys come in key order from the UNIQUE
// key index (covering: no table lookup, no sort) and the lines in rowid order from a sequential
// scan of the table, each a few thousand rows joined into one string by SQLite and split here;
// rowids put each line at its key's place. Measured on bench:scale's host upload (1M shuffled
// ids × 20 features): 2.0 s CPU against 3.5–4.6 s for the sorted row-by-row read.
//
// The file format is unchanged. Whatever this reader cannot vouch for (no key index, a key or
// line holding the separator, NULLs, rowids far from dense) makes it answer undefined, or read
// that chunk row by row, so the result is always exactly what the sorted read gives.
//
// readKeysAndLineBytes gives the lines as UTF-8 bytes instead (rawLines.ts `LineBytes`): each
// chunk comes as one BLOB (`CAST(group_concat(v, char(10)) AS BLOB)`, the text's own bytes, no
// UTF-8 decoding and no JS string per line) copied into one buffer for the table, with each line's
// range put at its key's position. SQLite's text-to-JS-string conversion of the chunks and their
// split were most of the load (measured on bench:scale's host upload: the chunks as text 1.1 s
// CPU, as blobs 0.4–0.5 s).
import type Database from 'better-sqlite3';
import type { LineBytes, LineChunk } from '../../tableData/rawLines.js';
import { KEY_INDEX_NAME } from './tableStore.js';

/** Rows per chunk (measured flat between 2k and 32k). */
const CHUNK = 4096;
/** Joins a chunk; a key or line holding it is caught by the piece count. */
const SEP = '\n';

export interface KeysAndLines {
  readonly keys: string[];
  readonly lines: string[];
}

export function readKeysAndLines(db: Database.Database): KeysAndLines | undefined {
  const count = db.prepare('SELECT count(*) FROM rows').pluck().get() as number;
  const maxId = (db.prepare('SELECT max(rowid) FROM rows').pluck().get() as number | null) ?? 0;
  // Positions by rowid in a typed array: only for rowids near 1..count (an upload's are; its
  // duplicate-key deletions leave a few holes).
  if (maxId > 2 * count + CHUNK || maxId >= 0x7fffffff) return undefined;
  const keys = readKeys(db, maxId);
  if (!keys || keys.keys.length !== count) return undefined;
  const lines = new Array<string>(count);
  const filled = new Uint8Array(count);
  const at = keys.at;
  let seen = 0;
  const place = (id: number, line: string): boolean => {
    const p = id >= 0 && id < at.length ? at[id]! : -1;
    if (p < 0 || filled[p]) return false;
    filled[p] = 1;
    lines[p] = line;
    seen++;
    return true;
  };
  // Both aggregates step over the same rows in the same order: the i-th line is the i-th rowid's.
  const chunk = db.prepare("SELECT count(*), count(v), group_concat(v, char(10)), group_concat(rowid, ',') FROM rows WHERE rowid >= ? AND rowid < ?").raw();
  const rowByRow = db.prepare('SELECT rowid, v FROM rows WHERE rowid >= ? AND rowid < ?').raw();
  for (let lo = 0; lo <= maxId; lo += CHUNK) {
    const [n, nonNull, joined, ids] = chunk.get(lo, lo + CHUNK) as [number, number, string | null, string | null];
    if (n === 0) continue;
    const pieces = nonNull === n ? String(joined).split(SEP) : undefined;
    if (pieces && pieces.length === n) {
      const rowids = parseRowids(String(ids), n);
      if (!rowids) return undefined;
      for (let q = 0; q < n; q++) if (!place(rowids[q]!, pieces[q]!)) return undefined;
      continue;
    }
    // A line holding the separator (or a NULL): this chunk one row at a time.
    for (const [id, v] of rowByRow.iterate(lo, lo + CHUNK) as IterableIterator<[number, string]>) if (!place(id, v)) return undefined;
  }
  return seen === count ? { keys: keys.keys, lines } : undefined;
}

export interface KeysAndLineBytes {
  readonly keys: string[];
  readonly bytes: LineBytes;
}

/**
 * readKeysAndLines with the lines as bytes: one buffer, line r at bytes[start[r], end[r]). The
 * same fallbacks: undefined whenever the string reader would not give the sorted read's lines
 * exactly as these bytes decode (then the caller reads strings as before).
 */
export function readKeysAndLineBytes(db: Database.Database): KeysAndLineBytes | undefined {
  if (!uploadBytesReadable(db)) return undefined;
  // Both walks read each page once (the key walk re-seeks from the root, whose pages stay): a small
  // page cache spares touching fresh memory, measured 1.96 → 1.75 s CPU for the host's upload
  // against 32 MiB. The caller's setting is back for whatever reads next.
  const cache = db.pragma('cache_size', { simple: true }) as number;
  db.pragma(`cache_size = ${READ_CACHE_KIB}`);
  try {
    return readChunksAsBytes(db);
  } finally {
    db.pragma(`cache_size = ${Math.trunc(cache)}`);
  }
}

/** CAST(text AS BLOB) gives the text in the database's encoding: only UTF-8 is the lines' bytes. */
export const uploadBytesReadable = (db: Database.Database): boolean => String(db.pragma('encoding', { simple: true })).toUpperCase() === 'UTF-8';

/** Page cache for the bytes reader (negative: KiB). */
const READ_CACHE_KIB = -2048;

function readChunksAsBytes(db: Database.Database): KeysAndLineBytes | undefined {
  const keyed = readKeysForBytes(db);
  if (!keyed) return undefined;
  const { keys, at, fileBytes } = keyed;
  const count = keys.length;
  // Every line's bytes are in the file (SQLite stores text as is), so the file's size bounds their
  // sum; pages of the buffer past the end are never touched (large buffers are mapped lazily).
  const capacity = fileBytes + count;
  if (!(capacity <= MAX_BUFFER)) return undefined;
  const bytes = Buffer.allocUnsafeSlow(capacity);
  const start = new Float64Array(count);
  const end = new Float64Array(count);
  let used = 0;
  try {
    for (const chunk of lineByteChunks(db, at, count)) {
      if (used + chunk.bytes.length > capacity) return undefined;
      // The chunk's lines stay together, in rowid order: one copy per chunk.
      bytes.set(chunk.bytes, used);
      for (let q = 0; q < chunk.count; q++) {
        start[chunk.row[q]!] = used + chunk.start[q]!;
        end[chunk.row[q]!] = used + chunk.end[q]!;
      }
      used += chunk.bytes.length;
    }
  } catch (error) {
    if (error instanceof NotDense) return undefined;
    throw error;
  }
  return { keys, bytes: { bytes: bytes.subarray(0, used), start, end } };
}

/** What lineByteChunks cannot vouch for (the string reader's business). */
export class NotDense extends Error {}

/**
 * The keys in key order and each rowid's position among them, when the bytes reader can take this
 * file (dense rowids, UTF-8); the file's byte size bounds the lines' bytes.
 */
export function readKeysForBytes(db: Database.Database): { keys: string[]; at: Int32Array; fileBytes: number } | undefined {
  const maxId = (db.prepare('SELECT max(rowid) FROM rows').pluck().get() as number | null) ?? 0;
  const fileBytes = (db.pragma('page_size', { simple: true }) as number) * (db.pragma('page_count', { simple: true }) as number);
  // A row takes more than 4 bytes of the file (its cell and its index entry): rowids past a
  // quarter of the file's bytes are not dense, and readKeys' rowid map stays below the file's size.
  if (maxId >= 0x7fffffff || maxId > fileBytes / 4 + CHUNK) return undefined;
  // The key index has an entry per row (NULL keys included, which readKeys refuses): its keys are
  // the row count, no count(*) scan needed.
  const keys = readKeys(db, maxId);
  if (!keys) return undefined;
  if (maxId > 2 * keys.keys.length + CHUNK) return undefined;
  return { ...keys, fileBytes };
}

/**
 * The lines in rowid order, a chunk (CHUNK rows) at a time: each chunk's lines as one buffer, each
 * line's range in it and its key position (`at`: rowid → position). Only one chunk is in memory at
 * a time, so a reader that parses each line where it goes (DataIO) never holds the table's text
 * (1.4 GB at 10M rows × 20 features). Throws NotDense where readKeysAndLineBytes gives up: a NULL
 * line, rowids or lengths that do not parse or add up, a position given twice or never.
 */
export function* lineByteChunks(db: Database.Database, at: Int32Array, count: number): Generator<LineChunk> {
  const maxId = at.length - 1;
  const filled = new Uint8Array(count);
  let seen = 0;
  // Each chunk's lines joined with nothing between them, and their byte lengths: a line may hold
  // any byte, its length says where it ends (the lengths must add up to the blob's).
  const chunk = db.prepare("SELECT count(*), count(v), CAST(group_concat(v, '') AS BLOB), group_concat(rowid, ','), group_concat(length(CAST(v AS BLOB)), ',') FROM rows WHERE rowid >= ? AND rowid < ?").raw();
  for (let lo = 0; lo <= maxId; lo += CHUNK) {
    const [n, nonNull, joined, ids, lengths] = chunk.get(lo, lo + CHUNK) as [number, number, Buffer | null, string | null, string | null];
    if (n === 0) continue;
    if (nonNull !== n) throw new NotDense('a NULL line');
    const blob = joined ?? EMPTY;
    const rowids = parseRowids(String(ids), n);
    const sizes = parseRowids(String(lengths), n);
    if (!rowids || !sizes) throw new NotDense('rowids or lengths');
    const rows = new Int32Array(n);
    const start = new Float64Array(n);
    const end = new Float64Array(n);
    let from = 0;
    for (let q = 0; q < n; q++) {
      const id = rowids[q]!;
      const p = id >= 0 && id <= maxId ? at[id]! : -1;
      if (p < 0 || filled[p]) throw new NotDense('a rowid without a key, or twice');
      filled[p] = 1;
      seen++;
      rows[q] = p;
      start[q] = from;
      end[q] = from += sizes[q]!;
    }
    if (from !== blob.length) throw new NotDense('line lengths');
    yield { bytes: blob, start, end, row: rows, count: n };
  }
  if (seen !== count) throw new NotDense('lines missing');
}

const EMPTY = new Uint8Array(0);
/** Buffer's limit in this Node (and a bound on one table's lines in memory). */
const MAX_BUFFER = 2 ** 32 - 1;

/** The keys in key order and each rowid's position among them (-1: none), or undefined. */
function readKeys(db: Database.Database, maxId: number): { keys: string[]; at: Int32Array } | undefined {
  let first: Database.Statement;
  let next: Database.Statement;
  const select = `SELECT count(*), count(k), group_concat(k, char(10)), group_concat(rowid, ',') FROM (SELECT k, rowid FROM rows INDEXED BY ${KEY_INDEX_NAME}`;
  try {
    first = db.prepare(`${select} ORDER BY k LIMIT ${CHUNK})`).raw();
    next = db.prepare(`${select} WHERE k > ? ORDER BY k LIMIT ${CHUNK})`).raw();
  } catch {
    return undefined; // no key index (a file written before it existed)
  }
  const keys: string[] = [];
  const at = new Int32Array(maxId + 1).fill(-1);
  let last: string | undefined;
  for (;;) {
    const [n, nonNull, joined, ids] = (last === undefined ? first.get() : next.get(last)) as [number, number, string | null, string | null];
    if (n === 0) break;
    if (nonNull !== n) return undefined;
    const pieces = String(joined).split(SEP);
    if (pieces.length !== n) return undefined;
    const rowids = parseRowids(String(ids), n);
    if (!rowids) return undefined;
    for (let q = 0; q < n; q++) {
      const id = rowids[q]!;
      // Key order is checked, not assumed of the aggregate: JS order is UTF-8 byte order (SQLite's
      // BINARY) but between a surrogate and U+E000..U+FFFF, where the check fails safe.
      if (id > maxId || at[id] !== -1 || (keys.length > 0 && !(keys[keys.length - 1]! < pieces[q]!))) return undefined;
      at[id] = keys.length;
      keys.push(pieces[q]!);
    }
    last = pieces[n - 1];
    if (n < CHUNK) break;
  }
  return { keys, at };
}

/** "12,7,…" (SQLite's text of n non-negative rowids) as numbers, or undefined. */
function parseRowids(text: string, n: number): Float64Array | undefined {
  const out = new Float64Array(n);
  let q = 0;
  let id = 0;
  let digits = 0;
  for (let i = 0; i <= text.length; i++) {
    const c = i < text.length ? text.charCodeAt(i) : 44;
    if (c >= 48 && c <= 57) {
      id = id * 10 + (c - 48);
      digits++;
    } else if (c === 44 && digits > 0 && q < n) {
      out[q++] = id;
      id = 0;
      digits = 0;
    } else return undefined;
  }
  return q === n ? out : undefined;
}

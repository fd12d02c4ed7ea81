// The party-local table store: the rows of each table location live in their own file, a SQLite
// file `<dir>/<location>.sqlite` (uploads; large outputs written before the columnar tables), a
// packed file `<location>.packed` (small component outputs, see packedTable.ts) or a directory of
// columnar partitions `<location>.arrow/` (large component outputs, see columnarTable.ts); readers
// need not know which. A location is written once (by the upload worker) and becomes visible
// only when the orchestrator records an event naming it; anything else found here at start-up is
// an orphan of a crash and is removed by removeOrphans.
//
// An upload is written in format 3 since stop 19 (lineFile.ts): the lines in a flat file
// `<location>.sqlite-lines` and the key order in `<location>.sqlite-order` next to the SQLite file,
// which holds only the metadata and `PRAGMA user_version = 3`; format 2 (stops 15–18: keys and their
// key index in SQLite, user_version 2) still reads. read(), count() and readKeysAndLines() tell the
// formats apart by that marker, and the layout below (format 1: rows in SQLite) still reads as before.
//
// Layout (measured, see bench/tableLoad.bench.ts): rows are appended to a plain rowid table and a
// UNIQUE index on k is built once at the end of a load. A `WITHOUT ROWID` table keyed by k loads
// 2x slower with sequential ids and ~10x slower with shuffled ids (random B-tree inserts), while
// sorting the keys once at the end costs ~0.5 s per million rows. The index gives key order and
// unique keys; rowid order is insertion order.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { COLUMNAR_SUFFIX, partitionFile, partitionRows, readColumnarMeta, readColumnarPartition, readColumnarRows } from './columnarTable.js';
import { PACKED_SUFFIX, readPackedTable } from './packedTable.js';
import { rawLinesFromBytes, rawLinesFromStream, type LineChunks, type LineRanges, type RawLines } from '../../tableData/rawLines.js';
import { spillLineRanges } from './lineRanges.js';
import { lineByteChunks, NotDense, readKeysAndLineBytes, readKeysAndLines, readKeysForBytes, uploadBytesReadable } from './uploadLines.js';
import { countKeys, isLineFile, LINES_SUFFIX, ORDER_SUFFIX, readLineFile, readLineFileRows } from './lineFile.js';

/**
 * The table holding the rows; k and v are TEXT (UTF-8), never NULL. No NOT NULL constraint on
 * purpose: a constraint that can fail makes every multi-row INSERT keep a statement journal, which
 * measured ~10% of the load time.
 */
export const ROWS_TABLE_SQL = 'CREATE TABLE IF NOT EXISTS rows(k TEXT, v TEXT)';
/** Unique keys + key order; built after the rows are in (see the file comment). */
export const KEY_INDEX_NAME = 'rows_k';
export const KEY_INDEX_SQL = `CREATE UNIQUE INDEX ${KEY_INDEX_NAME} ON rows(k)`;

const FILE_SUFFIX = '.sqlite';
/** Files SQLite (or a writer) may leave next to a table file, and an upload's lines file (lineFile.ts). */
const SIDE_SUFFIXES = ['-journal', '-wal', '-shm', LINES_SUFFIX, ORDER_SUFFIX];
const TEMP_MARKER = '.tmp';
const LOCATION_RE = /^[A-Za-z0-9_.-]+$/;
/** Reads of at most this many rows walk the key index; longer reads sort a scan (see read). */
const INDEX_READ_MAX_ROWS = 10_000;
/** Read cache per connection (KiB); reads are sequential in the common case. */
const READ_CACHE_KIB = 32 * 1024;

/** Throws unless `location` is a plain file-name-safe token (never a path). */
export function assertLocation(location: string): void {
  if (typeof location !== 'string' || location.length === 0 || location.length > 200 || !LOCATION_RE.test(location) || location.includes('..')) {
    throw new Error(`invalid table location: ${JSON.stringify(location)}`);
  }
}

export interface ReadOptions {
  /** At most this many rows. */
  readonly limit?: number;
}

export class TableStore {
  constructor(readonly dir: string) {
    mkdirSync(dir, { recursive: true });
  }

  /** The SQLite file of a location. */
  pathOf(location: string): string {
    assertLocation(location);
    return join(this.dir, location + FILE_SUFFIX);
  }

  /** The lines file of an upload in format 2 or 3 (lineFile.ts), next to its SQLite file. */
  linesPathOf(location: string): string {
    return this.pathOf(location) + LINES_SUFFIX;
  }

  /** The key order file of an upload in format 3 (lineFile.ts), next to its SQLite file. */
  orderPathOf(location: string): string {
    return this.pathOf(location) + ORDER_SUFFIX;
  }

  /** True when the location is an upload in format 2 or 3 (lines file + key index or order file, lineFile.ts). */
  isLineFile(location: string): boolean {
    if (this.isPacked(location) || this.isColumnar(location) || !existsSync(this.pathOf(location))) return false;
    const db = this.open(location);
    try {
      return isLineFile(db);
    } finally {
      db.close();
    }
  }

  /** The packed file of a location. */
  packedPathOf(location: string): string {
    assertLocation(location);
    return join(this.dir, location + PACKED_SUFFIX);
  }

  /** True when the location is a packed table (its values read back exactly by readValues). */
  isPacked(location: string): boolean {
    return existsSync(this.packedPathOf(location));
  }

  /** The directory of a location's columnar partitions. */
  columnarPathOf(location: string): string {
    assertLocation(location);
    return join(this.dir, location + COLUMNAR_SUFFIX);
  }

  /** True when the location is a columnar table (its values read back exactly by readValues). */
  isColumnar(location: string): boolean {
    return existsSync(this.columnarPathOf(location));
  }

  /** A fresh, unique, filename-safe location name. */
  newLocation(): string {
    return `t_${Date.now().toString(36)}_${randomBytes(6).toString('hex')}`;
  }

  exists(location: string): boolean {
    return existsSync(this.pathOf(location)) || this.isPacked(location) || this.isColumnar(location);
  }

  /** Number of rows (distinct keys); 0 if the location does not exist. */
  count(location: string): number {
    if (this.isPacked(location)) return readPackedTable(this.packedPathOf(location)).keys.length;
    if (this.isColumnar(location)) return readColumnarMeta(this.columnarPathOf(location)).count;
    if (!this.exists(location)) return 0;
    const db = this.open(location);
    try {
      if (isLineFile(db)) return countKeys(db);
      return (db.prepare('SELECT count(*) AS n FROM rows').get() as { n: number }).n;
    } finally {
      db.close();
    }
  }

  /**
   * Rows as [key, value text] in key order; a packed table's values as JSON text (what a SQLite
   * output table holds). Lazy: the file is opened on the first next() and closed
   * when the iteration ends, also when the caller stops early (break / return()).
   */
  *read(location: string, opts: ReadOptions = {}): IterableIterator<[string, string]> {
    const limit = opts.limit === undefined ? -1 : Math.max(0, Math.floor(opts.limit));
    if (this.isPacked(location)) {
      const { keys, values } = readPackedTable(this.packedPathOf(location));
      const n = limit < 0 ? keys.length : Math.min(limit, keys.length);
      for (let i = 0; i < n; i++) yield [keys[i]!, JSON.stringify(values[i])];
      return;
    }
    if (this.isColumnar(location)) {
      // One partition at a time: the first rows of a table of millions read one partition.
      const dir = this.columnarPathOf(location);
      const meta = readColumnarMeta(dir);
      let left = limit < 0 ? Infinity : limit;
      for (let p = 0; p < meta.partitionRows.length && left > 0; p++) {
        const rows = partitionRows(meta, readColumnarPartition(dir, meta, p), left);
        left -= rows.length;
        for (const [k, v] of rows) yield [k, JSON.stringify(v)];
      }
      return;
    }
    if (!this.exists(location)) throw new Error(`table location ${location} does not exist`);
    const db = this.open(location);
    try {
      db.pragma(`cache_size = -${READ_CACHE_KIB}`);
      if (isLineFile(db)) {
        yield* readLineFileRows(db, this.linesPathOf(location), limit);
        return;
      }
      // A whole table: SQLite's sorter over a sequential scan, not the key index (a walk of the index
      // fetches each row by rowid: random reads when the ids were uploaded out of order, measured 3x
      // slower at a million shuffled ids). The first rows of a table: the index (no sort at all).
      // No LIMIT clause for a whole table: with one (even LIMIT -1) SQLite sorts into a temporary
      // B-tree row by row instead of its merge sorter, measured 5x the CPU (17.8 s against 3.5 s)
      // on bench:scale's host upload of a million shuffled ids.
      const whole = limit < 0;
      const sql = !whole && limit <= INDEX_READ_MAX_ROWS ? 'SELECT k, v FROM rows ORDER BY k LIMIT ?' : `SELECT k, v FROM rows NOT INDEXED ORDER BY k${whole ? '' : ' LIMIT ?'}`;
      const statement = db.prepare(sql).raw();
      const rows = (whole ? statement.iterate() : statement.iterate(limit)) as IterableIterator<[string, string]>;
      try {
        yield* rows;
      } finally {
        // Releases the statement when the caller stopped early; a no-op after the last row.
        rows.return?.();
      }
    } finally {
      db.close();
    }
  }

  /**
   * A whole table's keys and value texts in key order: read(location) collected, but an upload
   * (SQLite) file is read in chunks (uploadLines.ts), its lines as UTF-8 bytes (decoded only if a
   * reader asks for the strings), else as strings.
   */
  readKeysAndLines(location: string): RawLines {
    if (!this.isPacked(location) && !this.isColumnar(location) && this.exists(location)) {
      const db = this.open(location);
      try {
        db.pragma(`cache_size = -${READ_CACHE_KIB}`);
        if (isLineFile(db)) {
          const read = readLineFile(db, this.linesPathOf(location));
          return rawLinesFromStream(read.keys, read.chunks, () => rawLinesFromBytes(read.keys, read.whole()), this.rangesOf(read.chunks));
        }
        const bytes = readKeysAndLineBytes(db);
        if (bytes) return rawLinesFromBytes(bytes.keys, bytes.bytes);
        const read = readKeysAndLines(db);
        if (read) return read;
      } finally {
        db.close();
      }
    }
    const keys: string[] = [];
    const lines: string[] = [];
    for (const [k, v] of this.read(location)) {
      keys.push(k);
      lines.push(v);
    }
    return { keys, lines };
  }

  /**
   * readKeysAndLines for a big upload (issue 17): the keys now, the lines as byte chunks each time
   * a reader walks them (the file is opened again for each walk), so the table's text is never in
   * memory whole unless a reader asks for `bytes` or `lines` (then readKeysAndLines' result). Any
   * table the chunked reader cannot take is readKeysAndLines'.
   */
  readKeysAndLineChunks(location: string): RawLines {
    if (this.isPacked(location) || this.isColumnar(location) || !this.exists(location)) return this.readKeysAndLines(location);
    const db = this.open(location);
    let keyed: ReturnType<typeof readKeysForBytes>;
    try {
      // A format-2 upload (lineFile.ts) streams its own lines file: readKeysAndLines gives that stream.
      keyed = !isLineFile(db) && uploadBytesReadable(db) ? readKeysForBytes(db) : undefined;
    } finally {
      db.close();
    }
    if (!keyed) return this.readKeysAndLines(location);
    const { keys, at } = keyed;
    // Format 1's SQLite chunks, as the same LineChunks a format-2 upload streams (rawLines.ts).
    const open = () => this.open(location);
    const chunks: LineChunks = {
      forEach(visit) {
        const walk = open();
        try {
          for (const chunk of lineByteChunks(walk, at, keys.length)) visit(chunk);
        } catch (error) {
          throw error instanceof NotDense ? new Error(`upload ${location}: ${error.message}`) : error;
        } finally {
          walk.close();
        }
      },
    };
    return rawLinesFromStream(keys, chunks, () => this.readKeysAndLines(location), this.rangesOf(chunks));
  }

  /** Streamed lines sorted aside by ranges of rows (lineRanges.ts), in a scratch file of this store's directory. */
  private rangesOf(chunks: LineChunks): (bounds: readonly number[]) => LineRanges {
    return (bounds) => spillLineRanges(chunks, this.dir, bounds);
  }

  /** A packed or columnar table's rows with their values exactly as written, in key order. */
  readValues(location: string): [string, unknown][] {
    if (this.isColumnar(location)) return readColumnarRows(this.columnarPathOf(location));
    const { keys, values } = readPackedTable(this.packedPathOf(location));
    const rows = new Array<[string, unknown]>(keys.length);
    for (let i = 0; i < keys.length; i++) rows[i] = [keys[i]!, values[i]];
    return rows;
  }

  /**
   * The files holding a location's rows, in a fixed order (what an audit export digests): the SQLite
   * file and an upload's lines and order files, the packed file, or a columnar directory's table.json and partitions; only those that exist.
   */
  filesOf(location: string): string[] {
    const files = [this.pathOf(location), this.linesPathOf(location), this.orderPathOf(location), this.packedPathOf(location)];
    if (this.isColumnar(location)) {
      const dir = this.columnarPathOf(location);
      const meta = readColumnarMeta(dir);
      files.push(join(dir, 'table.json'), ...meta.partitionRows.map((_, p) => partitionFile(dir, p)));
    }
    return files.filter((f) => existsSync(f));
  }

  /** Deletes the location's file and its leftovers; idempotent. */
  drop(location: string): void {
    const path = this.pathOf(location);
    for (const suffix of ['', ...SIDE_SUFFIXES]) rmSync(path + suffix, { force: true });
    rmSync(this.packedPathOf(location), { force: true });
    rmSync(this.columnarPathOf(location), { recursive: true, force: true });
    rmSync(this.columnarPathOf(location) + TEMP_MARKER, { recursive: true, force: true });
  }

  /** Locations that have a table file, sorted. */
  listLocations(): string[] {
    const out: string[] = [];
    for (const name of readdirSync(this.dir)) {
      const suffix = [FILE_SUFFIX, PACKED_SUFFIX, COLUMNAR_SUFFIX].find((s) => name.endsWith(s));
      if (!suffix) continue;
      const location = name.slice(0, -suffix.length);
      if (isValidLocation(location)) out.push(location);
    }
    return [...new Set(out)].sort();
  }

  /**
   * Start-up clean-up: deletes every table file (with its -journal/-wal/-shm and temp files) whose
   * location is not in `keep`. Files that are not table files are left alone. Returns the removed
   * locations, sorted.
   */
  removeOrphans(keep: ReadonlySet<string>): string[] {
    const removed = new Set<string>();
    for (const name of readdirSync(this.dir)) {
      const location = locationOfFile(name);
      if (location === undefined || keep.has(location)) continue;
      rmSync(join(this.dir, name), { force: true, recursive: true });
      removed.add(location);
    }
    return [...removed].sort();
  }

  private open(location: string): Database.Database {
    return new Database(this.pathOf(location), { readonly: true, fileMustExist: true });
  }
}

function isValidLocation(location: string): boolean {
  return location.length > 0 && LOCATION_RE.test(location) && !location.includes('..');
}

/** `<loc>.sqlite`, `<loc>.sqlite-wal`, `<loc>.sqlite.tmp…`, `<loc>.packed`, `<loc>.arrow`, `<loc>.arrow.tmp` → `<loc>`; anything else → undefined. */
function locationOfFile(name: string): string | undefined {
  for (const suffix of [PACKED_SUFFIX, COLUMNAR_SUFFIX, COLUMNAR_SUFFIX + TEMP_MARKER]) {
    if (!name.endsWith(suffix)) continue;
    const location = name.slice(0, -suffix.length);
    return isValidLocation(location) ? location : undefined;
  }
  const at = name.lastIndexOf(FILE_SUFFIX);
  if (at <= 0) return undefined;
  const location = name.slice(0, at);
  const rest = name.slice(at + FILE_SUFFIX.length);
  const known = rest === '' || SIDE_SUFFIXES.includes(rest) || rest.startsWith(TEMP_MARKER);
  return known && isValidLocation(location) ? location : undefined;
}

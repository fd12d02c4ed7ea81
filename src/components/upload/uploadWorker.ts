// Worker threads of the upload task. An upload runs two threads, joined by a MessageChannel:
//   reader: reads the file into a few recycled buffers, splits the lines (parseLines.ts), checks
//           UTF-8, writes the lines to the table's lines file (format 3, lineFileWriter.ts), and
//           hands each chunk with its row offsets to the writer (transferred, no copy);
//   writer: copies each line's key into the key order's runs (format 3; drop 0 onto a format-1
//           upload: inserts the rows into SQLite), gives the buffers back, sorts the keys into the
//           key order file at the end and makes the files durable.
// Format 3 (store/tables/lineFile.ts, keyOrder.ts) keeps lines and keys out of SQLite: on
// bench:scale's host upload (1M rows) the writer's SQLite key inserts (0.25–0.4 s) and UNIQUE
// index (0.6 s) became a copy of the key bytes (~0.1 s) and a radix sort (~0.2 s CPU); the SQLite
// file holds only the metadata. The figures below are format 1's, whose writer is still here.
//
// Speed (1M rows x 31 columns, ~280 MiB; see bench/tableLoad.bench.ts): the writer's time goes to
// SQLite's per-row insert work (~1 µs), the key index (~0.5 s per million rows, sorted once at the
// end) and little else:
//   - reading, splitting and the UTF-8 check run on the other core (~0.2 s of 1.3 s when they ran
//     in the writer);
//   - rows are bound as byte views (no JS strings, no re-encoding); a view is
//     `new Uint8Array(ab, offset, length)` (~40 ns) rather than Buffer#subarray (~150 ns);
//   - 100 rows per INSERT statement (vs one row: ~25% faster; 50..500 measured the same);
//   - append-only inserts into a rowid table, the UNIQUE key index built once at the end;
//   - the schema has no constraint at all while loading (a NOT NULL alone made every multi-row
//     INSERT keep a statement journal: ~10% of the load);
//   - the file is invisible until the caller records it, so no sync while loading, an exclusive
//     lock, 64 KiB pages (fewest page splits for appends), and fdatasync running in the
//     background so the final fsync does not have to write out the whole file at once.
// Memory is constant: SLOTS chunk buffers, SQLite's page cache, and index sorts spill to temp files.
import { closeSync, constants, copyFileSync, fdatasync, fsyncSync, openSync, readSync, statSync, truncateSync } from 'node:fs';
import { dirname } from 'node:path';
import { getHeapStatistics } from 'node:v8';
import { isMainThread, parentPort, workerData, type MessagePort } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { ORDER_FILE_VERSION, ORDER_META_SQL, readLinesMeta, type LinesMeta } from '../../store/tables/lineFile.js';
import type { KeyOrderLimits } from '../../store/tables/keyOrder.js';
import { KEY_INDEX_NAME, KEY_INDEX_SQL, ROWS_TABLE_SQL, TableStore } from '../../store/tables/tableStore.js';
import { KeyOrderWriter, LinesOut, writeLines, type LinesPiece } from './lineFileWriter.js';
import { LineSplitter, NotUtf8Error, type RowBatch } from './parseLines.js';
import {
  CANCEL_FLAG,
  CHUNKS_DONE,
  UPLOAD_CANCELED,
  checkUploadFile,
  type UploadCancelMessage,
  type UploadReaderData,
  type UploadTaskResult,
  type UploadWorkerData,
  type UploadWorkerMessage,
  type UploadWriterData,
} from './runUploadTask.js';

const DEFAULT_CHUNK_BYTES = 4 << 20;
/** Chunk buffers in circulation: one being filled, one being inserted, one waiting. */
const SLOTS = 3;
const ROWS_PER_STATEMENT = 100;
const PAGE_SIZE = 65536;
/** SQLite page cache of the loading connection, KiB (8 MiB measured within 5% of 64 MiB). */
const CACHE_KIB = 32 * 1024;
const BACKGROUND_SYNC_BYTES = 32 << 20;
const NL = 0x0a;
const EMPTY = new Uint8Array(0);
const BIND_AS_TEXT = '(CAST(? AS TEXT),CAST(? AS TEXT))';

/** Reader → writer. Row i of a chunk: key = buf[offs[3i], offs[3i+1]), value as in RowBatch. */
type ReaderMessage =
  | { type: 'chunk'; buf: ArrayBuffer; offs: Int32Array; count: number; bytesRead: number; lines?: LinesPiece }
  | { type: 'end'; lines: number; sid?: string; header?: string; linesBytes: number }
  | { type: 'error'; message: string };

/**
 * Writer → reader: where the lines go (sent once, first: a format-2 table's lines file and the
 * offset to write from, or none), a chunk's memory back, or stop reading (the load failed or was
 * canceled).
 */
type WriterMessage =
  | { type: 'lines'; path: string | null; position: number }
  | { type: 'free'; buf: ArrayBuffer; offs: Int32Array }
  | { type: 'stop' };

class Canceled extends Error {
  constructor() {
    super(UPLOAD_CANCELED);
  }
}

// ---------------------------------------------------------------------------------------------
// Reader

interface Slot {
  buf: Buffer;
  offs: Int32Array;
}

async function runReader(data: UploadReaderData): Promise<void> {
  const port = data.port;
  const post = (m: ReaderMessage, transfer: ArrayBuffer[] = []): void => port.postMessage(m, transfer);
  const size = Math.max(1, data.chunkBytes ?? DEFAULT_CHUNK_BYTES);
  const free: Slot[] = [];
  for (let i = 0; i < SLOTS; i++) free.push({ buf: Buffer.allocUnsafeSlow(size), offs: new Int32Array(3 * 4096) });
  let stopped = false;
  let wake: (() => void) | undefined;
  let target: { path: string | null; position: number } | undefined;
  port.on('message', (m: WriterMessage) => {
    if (m.type === 'free') free.push({ buf: Buffer.from(m.buf), offs: m.offs });
    else if (m.type === 'lines') target = { path: m.path, position: m.position };
    else stopped = true;
    wake?.();
  });
  // The writer is gone (terminated): nobody will read what comes next.
  port.on('close', () => {
    stopped = true;
    wake?.();
  });

  let fd: number | undefined;
  let lines: LinesOut | undefined;
  try {
    fd = openSync(data.file, 'r');
    const splitter = new LineSplitter(data.head);
    let carry: Buffer = Buffer.alloc(0);
    let position = 0;
    /** Chunks sent to the writer. */
    let posted = 0;
    while (target === undefined && !stopped) await new Promise<void>((resolve) => (wake = resolve));
    if (target?.path) lines = new LinesOut(target.path, target.position);
    for (;;) {
      while (free.length === 0 && !stopped) await new Promise<void>((resolve) => (wake = resolve));
      if (stopped || Atomics.load(data.cancel, CANCEL_FLAG) === 1) return;
      const slot = free.pop()!;
      // The unfinished line goes first; a line longer than a buffer makes the buffer grow.
      if (slot.buf.length < 2 * carry.length) slot.buf = Buffer.allocUnsafeSlow(Math.max(size, 2 * carry.length));
      const buf = slot.buf;
      carry.copy(buf, 0);
      const got = readSync(fd, buf, carry.length, buf.length - carry.length, position);
      position += got;
      const eof = got === 0;
      const len = carry.length + got;
      // Complete lines end here; at the end of the file the last line is complete too.
      const end = eof ? len : buf.lastIndexOf(NL, len - 1) + 1;
      let count = 0;
      splitter.split(buf, 0, end, (b: RowBatch) => {
        if (slot.offs.length < 3 * (count + b.count)) slot.offs = grown(slot.offs, 3 * (count + b.count));
        slot.offs.set(b.offs.subarray(0, 3 * b.count), 3 * count);
        count += b.count;
      });
      carry = Buffer.from(buf.subarray(end, len));
      // A format-3 table: the lines laid out here; written here when the writer is behind (it has
      // not finished the chunks sent before), else by the writer, which would wait for the next
      // chunk (then reading is the slower half). Told by the shared count, not by the buffers
      // coming back: their messages are only seen between chunks (stop 19's test on the free
      // buffers left the writer idle and the reader writing nearly every chunk).
      let piece: LinesPiece | undefined;
      if (lines && count > 0) {
        piece = lines.compact(buf, slot.offs, count);
        if (posted > Atomics.load(data.cancel, CHUNKS_DONE)) {
          lines.write(buf, piece);
          piece = undefined;
        }
      }
      if (count > 0) {
        // allocUnsafeSlow: the buffer owns its whole ArrayBuffer (not a pool slice), so it can move.
        const memory = buf.buffer as ArrayBuffer;
        post({ type: 'chunk', buf: memory, offs: slot.offs, count, bytesRead: position, ...(piece ? { lines: piece } : {}) }, [memory, slot.offs.buffer as ArrayBuffer]);
        posted++;
      } else {
        free.push(slot);
      }
      if (eof) {
        const linesBytes = lines?.close() ?? 0;
        lines = undefined;
        post({ type: 'end', lines: splitter.lines, linesBytes, ...(splitter.sid !== undefined ? { sid: splitter.sid, header: splitter.header ?? '' } : {}) });
        return;
      }
    }
  } catch (error) {
    const message = error instanceof NotUtf8Error ? `${data.file}: ${error.message}` : error instanceof Error ? error.message : String(error);
    post({ type: 'error', message });
  } finally {
    if (fd !== undefined) closeSync(fd);
    lines?.close();
    port.close();
  }
}

function grown(offs: Int32Array, atLeast: number): Int32Array {
  const out = new Int32Array(Math.max(atLeast, 2 * offs.length));
  out.set(offs);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Writer

/** Inserts the rows of one chunk, ROWS_PER_STATEMENT per statement, in one transaction. */
class RowWriter {
  private readonly many: Database.Statement;
  private readonly one: Database.Statement;
  private readonly begin: Database.Statement;
  private readonly commit: Database.Statement;
  /** [key, value, key, value, ...] byte views of the statement being filled. */
  private readonly args: Uint8Array[] = new Array<Uint8Array>(2 * ROWS_PER_STATEMENT).fill(EMPTY);

  constructor(db: Database.Database) {
    // Bytes arrive as blobs; CAST stores them as TEXT (same bytes, no conversion).
    const values = new Array<string>(ROWS_PER_STATEMENT).fill(BIND_AS_TEXT).join(',');
    this.many = db.prepare(`INSERT INTO rows(k, v) VALUES ${values}`);
    this.one = db.prepare(`INSERT INTO rows(k, v) VALUES ${BIND_AS_TEXT}`);
    this.begin = db.prepare('BEGIN');
    this.commit = db.prepare('COMMIT');
  }

  /** One transaction per chunk: without journal, a commit only hands the pages to the OS. */
  insertChunk(ab: ArrayBuffer, offs: Int32Array, count: number): void {
    const args = this.args;
    this.begin.run();
    let n = 0;
    for (let i = 0; i < count; i++) {
      const start = offs[3 * i];
      const keyEnd = offs[3 * i + 1];
      const end = offs[3 * i + 2];
      args[2 * n] = new Uint8Array(ab, start, keyEnd - start);
      args[2 * n + 1] = keyEnd < end ? new Uint8Array(ab, keyEnd + 1, end - keyEnd - 1) : EMPTY;
      if (++n === ROWS_PER_STATEMENT) {
        // Spread, not the array: better-sqlite3 reads an array element by element through the
        // generic property lookup, arguments directly (measured ~5% of the load).
        this.many.run(...args);
        n = 0;
      }
    }
    for (let i = 0; i < n; i++) this.one.run(args[2 * i], args[2 * i + 1]);
    this.commit.run();
    // The chunk goes back to the reader (detached here): no view may outlive this call.
    args.fill(EMPTY);
  }
}

/** Messages from the reader, one at a time; interrupt() makes the pending next() throw. */
class Inbox {
  private readonly queue: ReaderMessage[] = [];
  private waiter: ((m: ReaderMessage | Error) => void) | undefined;
  private failure: Error | undefined;

  constructor(port: MessagePort) {
    port.on('message', (m: ReaderMessage) => this.deliver(m));
    port.on('close', () => this.interrupt(new Error('upload reader stopped unexpectedly')));
  }

  /** `dropQueued`: also forget the messages not read yet (a cancel does not wait for them). */
  interrupt(error: Error, dropQueued = false): void {
    this.failure ??= error;
    if (dropQueued) this.queue.length = 0;
    this.deliver(this.failure);
  }

  /** Messages already received come first, also after an interrupt (the reader's last words). */
  next(): Promise<ReaderMessage> {
    const m = this.queue.shift();
    if (m) return Promise.resolve(m);
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.waiter = (x) => (x instanceof Error ? reject(x) : resolve(x));
    });
  }

  private deliver(m: ReaderMessage | Error): void {
    const waiter = this.waiter;
    this.waiter = undefined;
    if (waiter) waiter(m);
    else if (!(m instanceof Error)) this.queue.push(m);
  }
}

/**
 * Flushes the table file to disk while it is being written and makes it durable at the end. Its
 * own fd is closed only after SQLite closed the database: closing any fd of a file drops the
 * process's POSIX locks on it.
 */
class BackgroundSync {
  private readonly fd: number;
  private readonly running = new Set<Promise<void>>();
  private lastAt = 0;
  private failure: Error | undefined;

  constructor(private readonly path: string) {
    this.fd = openSync(path, 'r+');
  }

  /** One fdatasync at a time while loading, every BACKGROUND_SYNC_BYTES. */
  progress(bytes: number): void {
    if (this.running.size === 0 && bytes - this.lastAt >= BACKGROUND_SYNC_BYTES) this.start(bytes);
  }

  /** Starts an fdatasync now, even if one is running (before a long synchronous step). */
  start(bytes: number): void {
    this.lastAt = bytes;
    const done: Promise<void> = new Promise((resolve) =>
      fdatasync(this.fd, (error) => {
        // Linux reports a write-back error once: keep it so that the final fsync cannot hide it.
        if (error) this.failure ??= error;
        this.running.delete(done);
        resolve();
      }),
    );
    this.running.add(done);
  }

  /** After the db is closed: file and directory entry on disk. */
  async finish(): Promise<void> {
    await Promise.all(this.running);
    try {
      if (this.failure) throw this.failure;
      fsyncSync(this.fd);
    } finally {
      closeSync(this.fd);
    }
    const dir = openSync(dirname(this.path), 'r');
    try {
      fsyncSync(dir);
    } finally {
      closeSync(dir);
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.running);
    closeSync(this.fd);
  }
}

function configure(db: Database.Database, fresh: boolean): void {
  if (fresh) db.pragma(`page_size = ${PAGE_SIZE}`);
  // Invisible until recorded, deleted on failure: no syncs while loading, no other connection.
  // The rollback journal stays on (better-sqlite3's defensive mode refuses journal_mode=OFF):
  // appends journal almost nothing (pages added at the end of the file are never journaled), and
  // it measured the same speed as OFF; it lets a failed CREATE UNIQUE INDEX roll back cleanly.
  db.pragma('synchronous = OFF');
  db.pragma('locking_mode = EXCLUSIVE');
  db.pragma(`cache_size = -${CACHE_KIB}`);
  // Index sorts and the duplicate clean-up spill to temp files, not to memory.
  db.pragma('temp_store = FILE');
}

/**
 * The UNIQUE key index of `table` (format 1's rows), built once after the rows are in. Duplicate keys
 * (also between copied rows and new ones) keep the row inserted last, like INSERT OR REPLACE would.
 */
function buildKeyIndex(db: Database.Database, table: 'rows' | 'keys', indexSql: string): void {
  try {
    db.exec(indexSql);
    return;
  } catch (error) {
    if ((error as { code?: unknown }).code !== 'SQLITE_CONSTRAINT_UNIQUE') throw error;
  }
  // Duplicates (the failed statement was rolled back). The losers are found through a plain index
  // (cheap when duplicates are few: one scan of the index), collected first, and deleted once the
  // helper index is gone, so that the deletes do not have to maintain it. 1M duplicates out of
  // 2M rows: ~4 s, memory bounded by the page cache (the deletes are journaled to a file).
  db.exec(`CREATE INDEX ${table}_dup ON ${table}(k)`);
  db.exec(`CREATE TEMP TABLE losers AS
    SELECT b.rowid AS r
    FROM (SELECT k, max(rowid) AS last FROM ${table} INDEXED BY ${table}_dup GROUP BY k HAVING count(*) > 1) AS g
    JOIN ${table} AS b INDEXED BY ${table}_dup ON b.k = g.k AND b.rowid < g.last`);
  db.exec(`DROP INDEX ${table}_dup`);
  db.exec(`DELETE FROM ${table} WHERE rowid IN (SELECT r FROM temp.losers)`);
  db.exec('DROP TABLE temp.losers');
  db.exec(indexSql);
}

/** Where a load puts a chunk's rows. */
interface ChunkWriter {
  insertChunk(ab: ArrayBuffer, offs: Int32Array, count: number): void;
}

/**
 * The table's format and writer. A new upload, or drop 0 onto a format-2 upload: the lines file
 * and the keys (lineFile.ts). Drop 0 onto an older upload appends to its rows table as before.
 */
interface Target {
  readonly writer: ChunkWriter;
  /** Writes a chunk's lines the reader left to the writer (format 3). */
  writeLines?(buf: Uint8Array, piece: LinesPiece): void;
  /** Called by the loop with the bytes read so far. */
  progress(bytesRead: number): void;
  /** After the last chunk (`linesBytes`: the lines file's size): index, count; the caller closes the db, then calls durable(). */
  finish(linesBytes: number): number;
  durable(): Promise<void>;
  /** On failure, after the db is closed. */
  close(): Promise<void>;
}

function rowsTarget(db: Database.Database, path: string, fresh: boolean): Target {
  const sync = new BackgroundSync(path);
  configure(db, fresh);
  db.exec(ROWS_TABLE_SQL);
  // Appending to copied rows: drop their index so that inserts stay appends; rebuilt at the end.
  db.exec(`DROP INDEX IF EXISTS ${KEY_INDEX_NAME}`);
  let read = 0;
  return {
    writer: new RowWriter(db),
    progress: (bytesRead) => {
      read = bytesRead;
      sync.progress(bytesRead);
    },
    finish: () => {
      // The rows go to disk while the keys are sorted.
      sync.start(read);
      buildKeyIndex(db, 'rows', KEY_INDEX_SQL);
      return (db.prepare('SELECT count(*) AS n FROM rows').get() as { n: number }).n;
    },
    durable: () => sync.finish(),
    close: () => sync.close(),
  };
}

function lineFileTarget(db: Database.Database, path: string, linesPath: string, orderPath: string, scratchDir: string, start: LinesMeta, limits: KeyOrderLimits): Target {
  const sync = new BackgroundSync(path);
  const linesSync = new BackgroundSync(linesPath);
  const fd = openSync(linesPath, 'r+');
  const writer = new KeyOrderWriter(scratchDir, start, limits);
  let orderSync: BackgroundSync | undefined;
  try {
    // The SQLite file holds only the metadata: default pages.
    configure(db, false);
    db.pragma(`user_version = ${ORDER_FILE_VERSION}`);
    db.exec(ORDER_META_SQL);
    if (start.lines > 0) writer.addCopied(linesPath);
    return {
      writer,
      writeLines: (buf, piece) => writeLines(fd, buf, piece),
      progress: (bytesRead) => linesSync.progress(start.bytes + bytesRead),
      finish: (linesBytes) => {
        // The lines go to disk while the keys are sorted.
        linesSync.start(linesBytes);
        const { keys } = writer.finish(db, linesBytes, orderPath);
        orderSync = new BackgroundSync(orderPath);
        return keys;
      },
      durable: async () => {
        closeSync(fd);
        await linesSync.finish();
        await orderSync!.finish();
        await sync.finish();
      },
      close: async () => {
        closeSync(fd);
        writer.close();
        await linesSync.close();
        await orderSync?.close();
        await sync.close();
      },
    };
  } catch (error) {
    closeSync(fd);
    writer.close();
    void linesSync.close();
    void sync.close();
    throw error;
  }
}

/** A copied format-2 or format-3 table's recorded lines (read from its own SQLite file); the copied lines file cut to them (new lines go after). */
function readCopiedMeta(fromPath: string, linesPath: string): LinesMeta {
  const db = new Database(fromPath, { readonly: true });
  let meta: LinesMeta;
  try {
    meta = readLinesMeta(db, linesPath);
  } finally {
    db.close();
  }
  truncateSync(linesPath, meta.bytes);
  return meta;
}

async function runWriter(data: UploadWriterData, inbox: Inbox, post: (m: UploadWorkerMessage) => void): Promise<UploadTaskResult> {
  const port = data.port;
  const problem = checkUploadFile(data.file);
  if (problem) throw new Error(problem);
  const size = statSync(data.file).size;
  const store = new TableStore(data.tablesDir);
  const path = store.pathOf(data.location);
  const linesPath = store.linesPathOf(data.location);
  const lineFile = data.copyFrom === undefined || store.isLineFile(data.copyFrom);
  // EXCL: never write over an existing location. Drop 0 onto a format-2 or -3 upload copies its
  // lines file alone (the new key order covers both); onto a format-1 upload, its SQLite file.
  if (data.copyFrom !== undefined && !lineFile) {
    copyFileSync(store.pathOf(data.copyFrom), path, constants.COPYFILE_EXCL);
  } else {
    closeSync(openSync(path, 'wx'));
    if (data.copyFrom !== undefined) copyFileSync(store.linesPathOf(data.copyFrom), linesPath, constants.COPYFILE_EXCL);
    else closeSync(openSync(linesPath, 'wx'));
  }

  // The reader writes the lines file (format 3) from the copy's end on, or no lines file at all.
  const startLines = lineFile && data.copyFrom !== undefined ? readCopiedMeta(store.pathOf(data.copyFrom), linesPath) : { bytes: 0, lines: 0 };
  port.postMessage({ type: 'lines', path: lineFile ? linesPath : null, position: startLines.bytes } satisfies WriterMessage);

  const db = new Database(path);
  let target: Target | undefined;
  let closed = false;
  let end: Extract<ReaderMessage, { type: 'end' }> | undefined;
  try {
    target = lineFile
      ? lineFileTarget(db, path, linesPath, store.orderPathOf(data.location), data.tablesDir, startLines, data.keyRunKeys !== undefined ? { runKeys: data.keyRunKeys } : {})
      : rowsTarget(db, path, false);
    const writer = target.writer;
    let lines = 0;
    let lastPercent = -1;
    while (end === undefined) {
      const m = await inbox.next();
      if (Atomics.load(data.cancel, CANCEL_FLAG) === 1) throw new Canceled();
      if (m.type === 'error') throw new Error(m.message);
      if (m.type === 'end') {
        end = m;
        break;
      }
      if (m.lines) target.writeLines?.(new Uint8Array(m.buf), m.lines);
      writer.insertChunk(m.buf, m.offs, m.count);
      port.postMessage({ type: 'free', buf: m.buf, offs: m.offs } satisfies WriterMessage, [m.buf, m.offs.buffer as ArrayBuffer]);
      Atomics.add(data.cancel, CHUNKS_DONE, 1);
      lines += m.count;
      target.progress(m.bytesRead);
      // Bytes read, capped at 99: the key order (or format 1's key index) is still to come.
      const percent = Math.min(99, Math.floor((m.bytesRead * 100) / size));
      if (percent > lastPercent) {
        lastPercent = percent;
        post({ type: 'progress', percent, lines });
      }
    }
    const countActual = target.finish(end.linesBytes);
    db.close();
    closed = true;
    await target.durable();
    return {
      countUpload: end.lines,
      countActual,
      ...(end.sid !== undefined ? { header: end.header ?? '', sid: end.sid } : {}),
    };
  } finally {
    if (end === undefined) port.postMessage({ type: 'stop' } satisfies WriterMessage);
    port.close();
    if (!closed) {
      db.close();
      await target?.close();
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Entry

if (!isMainThread && parentPort) {
  const parent = parentPort;
  const data = workerData as UploadWorkerData;
  if (data.role === 'reader') {
    void runReader(data);
  } else {
    const post = (m: UploadWorkerMessage): void => parent.postMessage(m);
    const inbox = new Inbox(data.port);
    parent.on('message', (m: UploadCancelMessage) => {
      if (m?.type === 'cancel') inbox.interrupt(new Canceled(), true);
    });
    runWriter(data, inbox, post).then(
      (result) => {
        const stats = { maxRssKiB: process.resourceUsage().maxRSS, heapTotalBytes: getHeapStatistics().total_heap_size };
        post({ type: 'done', ...result, stats });
      },
      (error: unknown) => post({ type: 'error', message: error instanceof Error ? error.message : String(error) }),
    ).finally(() => {
      // Let the thread end by itself (the parent terminates it anyway); posted messages still arrive.
      parent.unref();
    });
  }
}

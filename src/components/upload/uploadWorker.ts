// Worker thread of the upload task: streams the file into a new table location.
//
// Speed (1M rows x 31 columns, ~290 MB; see bench/tableLoad.bench.ts): the time goes to SQLite's
// per-row insert work (~1 µs), the key index (~0.5 s per million rows, sorted once at the end) and
// the disk flush. What keeps the rest small:
//   - rows are split on bytes and bound as byte views (no JS strings, no re-encoding; parseLines.ts);
//     a view is `new Uint8Array(ab, offset, length)` (~40 ns) rather than Buffer#subarray (~150 ns);
//   - 100 rows per INSERT statement (vs one row: ~25% faster; 50..500 measured the same);
//   - append-only inserts into a rowid table, the UNIQUE key index built once at the end;
//   - the file is invisible until the caller records it, so no journal and no sync while loading,
//     64 KiB pages (fewest page splits for appends), and an fdatasync started in the background
//     every 32 MiB so that the final fsync does not have to write out the whole file at once.
import { closeSync, constants, copyFileSync, fdatasync, fsyncSync, openSync, statSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { dirname } from 'node:path';
import { getHeapStatistics } from 'node:v8';
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { KEY_INDEX_SQL, ROWS_TABLE_SQL, TableStore } from '../../store/tables/tableStore.js';
import { LineSplitter, NotUtf8Error, type RowBatch } from './parseLines.js';
import {
  UPLOAD_CANCELED,
  checkUploadFile,
  type UploadCancelMessage,
  type UploadTaskResult,
  type UploadWorkerData,
  type UploadWorkerMessage,
} from './runUploadTask.js';

const DEFAULT_CHUNK_BYTES = 4 << 20;
const ROWS_PER_STATEMENT = 100;
const PAGE_SIZE = 65536;
/** SQLite page cache of the loading connection, KiB (8 MiB measured within 5% of 64 MiB). */
const CACHE_KIB = 32 * 1024;
const BACKGROUND_SYNC_BYTES = 32 << 20;
const EMPTY = new Uint8Array(0);
const BIND_AS_TEXT = '(CAST(? AS TEXT),CAST(? AS TEXT))';

class Canceled extends Error {
  constructor() {
    super(UPLOAD_CANCELED);
  }
}

/** Inserts rows ROWS_PER_STATEMENT at a time; `flush` writes the rest (call it before COMMIT). */
class RowWriter {
  private readonly many: Database.Statement;
  private readonly one: Database.Statement;
  /** Pending rows as [key, value, key, value, ...] byte views (they keep their chunk alive). */
  private readonly args: Uint8Array[] = new Array(2 * ROWS_PER_STATEMENT);
  private pending = 0;
  private readonly begin: Database.Statement;
  private readonly commit: Database.Statement;

  constructor(db: Database.Database) {
    // Bytes arrive as blobs; CAST stores them as TEXT (same bytes, no conversion).
    const values = new Array<string>(ROWS_PER_STATEMENT).fill(BIND_AS_TEXT).join(',');
    this.many = db.prepare(`INSERT INTO rows(k, v) VALUES ${values}`);
    this.one = db.prepare(`INSERT INTO rows(k, v) VALUES ${BIND_AS_TEXT}`);
    this.begin = db.prepare('BEGIN');
    this.commit = db.prepare('COMMIT');
  }

  /** Runs `fn` in one transaction (one per chunk: no journal, so a commit only hands pages to the OS). */
  inTransaction(fn: () => void): void {
    this.begin.run();
    fn();
    this.flush();
    this.commit.run();
  }

  readonly sink = (b: RowBatch): void => {
    const { offs, count } = b;
    const ab = b.buf.buffer;
    const base = b.buf.byteOffset;
    const args = this.args;
    let n = this.pending;
    for (let i = 0; i < count; i++) {
      const start = offs[3 * i];
      const keyEnd = offs[3 * i + 1];
      const end = offs[3 * i + 2];
      args[2 * n] = new Uint8Array(ab, base + start, keyEnd - start);
      args[2 * n + 1] = keyEnd < end ? new Uint8Array(ab, base + keyEnd + 1, end - keyEnd - 1) : EMPTY;
      if (++n === ROWS_PER_STATEMENT) {
        // Spread, not the array: better-sqlite3 reads an array element by element through the
        // generic property lookup, arguments directly (measured ~5% of the load).
        this.many.run(...args);
        n = 0;
      }
    }
    this.pending = n;
  };

  private flush(): void {
    const args = this.args;
    for (let i = 0; i < this.pending; i++) this.one.run(args[2 * i], args[2 * i + 1]);
    this.pending = 0;
    args.fill(EMPTY); // drop the references to the chunk
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

/**
 * The file in chunks of `size` bytes, read into two recycled buffers: the next read runs while the
 * current chunk is processed, and no chunk memory is allocated after the first two. (A read
 * stream allocates a new buffer per chunk; the views bound to SQLite keep them alive until V8
 * collects them, which measured +60 MB of peak RSS with 4 MiB chunks.)
 * A chunk is valid until the next one is requested.
 */
async function* readChunks(path: string, size: number): AsyncGenerator<Buffer> {
  const file = await open(path, 'r');
  const buffers = [Buffer.allocUnsafeSlow(size), Buffer.allocUnsafeSlow(size)];
  let position = 0;
  let turn = 0;
  let next = file.read(buffers[0]!, 0, size, position);
  try {
    for (;;) {
      const { bytesRead, buffer } = await next;
      if (bytesRead === 0) return;
      position += bytesRead;
      turn ^= 1;
      next = file.read(buffers[turn]!, 0, size, position);
      yield buffer.subarray(0, bytesRead);
    }
  } finally {
    // Never close the file under a running read.
    await next.catch(() => undefined);
    await file.close();
  }
}

function configure(db: Database.Database, fresh: boolean): void {
  if (fresh) db.pragma(`page_size = ${PAGE_SIZE}`);
  // Invisible until recorded, deleted on failure: no rollback journal, no syncs while loading.
  db.pragma('journal_mode = OFF');
  db.pragma('synchronous = OFF');
  db.pragma('locking_mode = EXCLUSIVE');
  db.pragma(`cache_size = -${CACHE_KIB}`);
  // Index sorts and the duplicate clean-up spill to temp files, not to memory.
  db.pragma('temp_store = FILE');
}

/**
 * The UNIQUE key index, built once after the rows are in. Duplicate keys (also between copied rows
 * and new ones) keep the row inserted last, like INSERT OR REPLACE would.
 */
function buildKeyIndex(db: Database.Database): void {
  // The only statement whose failure is recovered from, so it gets a (memory) journal: a failed
  // statement without journal leaves whatever pages it already wrote. Pages added at the end of
  // the file are not journaled, so the journal stays small.
  db.pragma('journal_mode = MEMORY');
  try {
    db.exec(KEY_INDEX_SQL);
    return;
  } catch (error) {
    if ((error as { code?: unknown }).code !== 'SQLITE_CONSTRAINT_UNIQUE') throw error;
  }
  // Duplicates: journal off again (a failure here fails the whole load and deletes the file).
  db.pragma('journal_mode = OFF');
  db.exec('CREATE INDEX rows_dup ON rows(k)');
  db.exec('DELETE FROM rows WHERE rowid NOT IN (SELECT max(rowid) FROM rows GROUP BY k)');
  db.exec('DROP INDEX rows_dup');
  db.pragma('journal_mode = MEMORY');
  db.exec(KEY_INDEX_SQL);
}

async function load(data: UploadWorkerData, isCanceled: () => boolean, post: (m: UploadWorkerMessage) => void): Promise<UploadTaskResult> {
  const problem = checkUploadFile(data.file);
  if (problem) throw new Error(problem);
  const size = statSync(data.file).size;
  const store = new TableStore(data.tablesDir);
  const path = store.pathOf(data.location);
  // EXCL: never write over an existing location.
  if (data.copyFrom !== undefined) copyFileSync(store.pathOf(data.copyFrom), path, constants.COPYFILE_EXCL);
  else closeSync(openSync(path, 'wx'));

  const db = new Database(path);
  const sync = new BackgroundSync(path);
  let closed = false;
  try {
    configure(db, data.copyFrom === undefined);
    db.exec(ROWS_TABLE_SQL);
    // Appending to copied rows: drop their index so that inserts stay appends; rebuilt at the end.
    db.exec('DROP INDEX IF EXISTS rows_k');
    const writer = new RowWriter(db);
    const splitter = new LineSplitter(data.head);
    let bytes = 0;
    let lastPercent = -1;
    const chunks = readChunks(data.file, data.highWaterMark ?? DEFAULT_CHUNK_BYTES);
    try {
      for await (const chunk of chunks) {
        if (isCanceled()) throw new Canceled();
        writer.inTransaction(() => splitter.push(chunk, writer.sink));
        bytes += chunk.length;
        sync.progress(bytes);
        // Bytes read, capped at 99: the key index is still to come.
        const percent = Math.min(99, Math.floor((bytes * 100) / size));
        if (percent > lastPercent) {
          lastPercent = percent;
          post({ type: 'progress', percent, lines: splitter.lines });
        }
      }
    } catch (error) {
      if (error instanceof NotUtf8Error) throw new Error(`${data.file}: ${error.message}`);
      throw error;
    }
    writer.inTransaction(() => splitter.end(writer.sink));
    if (isCanceled()) throw new Canceled();
    // The rows go to disk while the keys are sorted.
    sync.start(bytes);
    buildKeyIndex(db);
    const countActual = (db.prepare('SELECT count(*) AS n FROM rows').get() as { n: number }).n;
    db.close();
    closed = true;
    await sync.finish();
    return {
      countUpload: splitter.lines,
      countActual,
      ...(splitter.sid !== undefined ? { header: splitter.header ?? '', sid: splitter.sid } : {}),
    };
  } finally {
    if (!closed) {
      db.close();
      await sync.close();
    }
  }
}

if (!isMainThread && parentPort) {
  const port = parentPort;
  let canceled = false;
  port.on('message', (m: UploadCancelMessage) => {
    if (m?.type === 'cancel') canceled = true;
  });
  const post = (m: UploadWorkerMessage): void => port.postMessage(m);
  load(workerData as UploadWorkerData, () => canceled, post).then(
    (result) => {
      const stats = { maxRssKiB: process.resourceUsage().maxRSS, heapTotalBytes: getHeapStatistics().total_heap_size };
      post({ type: 'done', ...result, stats });
      // Let the thread end by itself (the parent terminates it anyway); posted messages still arrive.
      port.unref();
    },
    (error: unknown) => {
      post({ type: 'error', message: error instanceof Error ? error.message : String(error) });
      port.unref();
    },
  );
}

// `fedflow replay`: a fresh data dir whose event log is the export's events, byte for byte where
// the chain looks (positions, ids, times, data, metadata and hashes kept), so `audit verify`
// passes on it and `as_of` positions mean what they meant at the origin. The export is read line
// by line (constant memory) and checked as it goes (replayCheck.ts); the log is written to a
// temporary file that becomes events.sqlite only when every line passed.
import { closeSync, createReadStream, existsSync, fsyncSync, openSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Database as Db, Statement } from 'better-sqlite3';
import { openEventsDatabase } from '../sqlite/eventsDatabase.js';
import { parseExportLine, type ExportedTable, type ExportEnd, type ExportHeader } from './exportFormat.js';
import { ExportChecker, ReplayRefusedError, type ReplayRow } from './replayCheck.js';
import { hashBytes } from './storedHash.js';

/** The events file of a data dir (openEventStore's EVENTS_FILE; not imported to keep this free of the adapters' index). */
const EVENTS_FILE = 'events.sqlite';
/** What the replayed dir was made from: the export's header, end line and table digests. */
export const REPLAY_SOURCE_FILE = 'replayed-from.json';
const BATCH = 5000;

export interface ReplaySummary {
  readonly events: number;
  readonly checkpoints: number;
  /** Holes left on purpose (a filtered export): each is recorded in chain_excerpt. */
  readonly gaps: number;
  readonly header: ExportHeader;
  readonly end: ExportEnd;
  readonly tables: readonly ExportedTable[];
}

/** Reads `exportFile` (or a stream of its lines) into `<dataDir>/events.sqlite`. */
export async function replayExport(exportFile: string | NodeJS.ReadableStream, dataDir: string): Promise<ReplaySummary> {
  const target = join(dataDir, EVENTS_FILE);
  if (existsSync(target)) throw new ReplayRefusedError(`${dataDir} already holds an event log; replay builds a fresh data dir`);
  if (existsSync(join(dataDir, 'views.sqlite'))) throw new ReplayRefusedError(`${dataDir} already holds views; replay builds a fresh data dir`);
  const temp = `${target}.replaying`;
  for (const f of [temp, `${temp}-wal`, `${temp}-shm`]) rmSync(f, { force: true });
  const db = openEventsDatabase(temp);
  let closed = false;
  try {
    const writer = new LogWriter(db);
    const checker = new ExportChecker();
    const tables: ExportedTable[] = [];
    const input = typeof exportFile === 'string' ? createReadStream(exportFile, { encoding: 'utf8', highWaterMark: 1 << 20 }) : exportFile;
    let lineNumber = 0;
    for await (const text of createInterface({ input, crlfDelay: Infinity })) {
      lineNumber += 1;
      if (text.trim() === '') continue;
      let step;
      try {
        step = checker.accept(parseExportLine(text, lineNumber), lineNumber);
      } catch (error) {
        if (error instanceof ReplayRefusedError) throw error;
        throw new ReplayRefusedError((error as Error).message);
      }
      if (step.kind === 'event') writer.event(step.row, step.gapBefore?.previousHash);
      else if (step.kind === 'checkpoint') writer.checkpoint(step.checkpoint);
      else if (step.kind === 'table') tables.push(step.table);
    }
    checker.finish(lineNumber);
    writer.flush();
    db.pragma('wal_checkpoint(TRUNCATE)');
    db.close();
    closed = true;
    syncFile(temp);
    renameSync(temp, target);
    const { header, end, events, checkpoints, gaps } = checker.summary;
    writeFileSync(join(dataDir, REPLAY_SOURCE_FILE), `${JSON.stringify({ header, end, tables, replayedAt: new Date().toISOString() }, null, 2)}\n`);
    return { events, checkpoints, gaps, header: header!, end: end!, tables };
  } finally {
    if (!closed) {
      db.close();
      for (const f of [temp, `${temp}-wal`, `${temp}-shm`]) rmSync(f, { force: true });
    }
  }
}

/** Inserts in transactions of BATCH rows: the log is written as fast as SQLite allows. */
class LogWriter {
  private readonly insertEvent: Statement;
  private readonly insertCheckpoint: Statement;
  private readonly insertGap: Statement;
  /** Rows waiting for the next transaction, each with the statement that writes it. */
  private pending: [Statement, unknown[]][] = [];
  private readonly writeBatch: (batch: [Statement, unknown[]][]) => void;

  constructor(private readonly db: Db) {
    // The holes of an excerpt and the hash before each: what `audit verify` accepts as left out.
    db.exec('CREATE TABLE IF NOT EXISTS chain_excerpt (position INTEGER PRIMARY KEY, previous_hash TEXT NOT NULL)');
    // A replay that stops leaves a temporary file that is thrown away, so no fsync per batch: the
    // finished file is synced once, before it becomes events.sqlite (replayExport).
    db.pragma('synchronous = OFF');
    this.insertEvent = db.prepare('INSERT INTO events (position, stream_id, revision, event_id, type, data, metadata, created, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)');
    this.insertCheckpoint = db.prepare('INSERT INTO chain_checkpoints (position, hash, created, key_id, public_key, signature) VALUES (?, ?, ?, ?, ?, ?)');
    this.insertGap = db.prepare('INSERT INTO chain_excerpt (position, previous_hash) VALUES (?, ?)');
    this.writeBatch = db.transaction((batch: [Statement, unknown[]][]) => {
      for (const [statement, values] of batch) statement.run(...values);
    });
  }

  event(r: ReplayRow, gapPreviousHash: string | undefined): void {
    if (gapPreviousHash !== undefined) this.queue(this.insertGap, [r.position, gapPreviousHash]);
    this.queue(this.insertEvent, [r.position, r.streamId, r.revision, r.eventId, r.type, r.data, r.metadata, r.created, hashBytes(r.hash)]);
  }

  checkpoint(cp: { position: bigint; hash: string; created: number; keyId: string; publicKey: string; signature: string }): void {
    this.queue(this.insertCheckpoint, [cp.position, cp.hash, cp.created, cp.keyId, cp.publicKey, cp.signature]);
  }

  private queue(statement: Statement, values: unknown[]): void {
    this.pending.push([statement, values]);
    if (this.pending.length >= BATCH) this.flush();
  }

  flush(): void {
    const batch = this.pending;
    this.pending = [];
    try {
      this.writeBatch(batch);
    } catch (error) {
      // Two events with one id, or one stream revision twice: the export repeats an event.
      throw new ReplayRefusedError(`the export cannot be a log: ${(error as Error).message}`);
    }
  }
}

/** The replayed log on disk before it takes its name (it was written without fsync). */
function syncFile(file: string): void {
  const fd = openSync(file, 'r+');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

// Opens the SQLite file that holds the event log and makes sure its schema exists.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database, { type Database as Db } from 'better-sqlite3';
import { eventHash, GENESIS_HASH } from '../audit/chain.js';
import { hashBytes } from '../audit/storedHash.js';

// `hash`: the chain hash's 32 bytes, a BLOB (TEXT affinity keeps a BLOB as it is); logs written
// before hold 64 hex characters there, and may go on taking appends (audit/storedHash.ts). Events
// the writer thread appends have none there: it links them after their commit, into `chain_links`
// (chainLinks.ts).
const SCHEMA = `
CREATE TABLE IF NOT EXISTS events (
  position  INTEGER PRIMARY KEY AUTOINCREMENT,
  stream_id TEXT    NOT NULL,
  revision  INTEGER NOT NULL,
  event_id  TEXT    NOT NULL UNIQUE,
  type      TEXT    NOT NULL,
  data      TEXT    NOT NULL,
  metadata  TEXT    NOT NULL,
  created   INTEGER NOT NULL,
  hash      TEXT,
  UNIQUE (stream_id, revision)
);
CREATE TABLE IF NOT EXISTS chain_checkpoints (
  position   INTEGER PRIMARY KEY,
  hash       TEXT    NOT NULL,
  created    INTEGER NOT NULL,
  key_id     TEXT    NOT NULL,
  public_key TEXT    NOT NULL,
  signature  TEXT    NOT NULL
);
CREATE TABLE IF NOT EXISTS chain_links (
  first  INTEGER PRIMARY KEY,
  hashes BLOB    NOT NULL
)`;

/** `readOnly`: an existing log, opened so that nothing can be written to it (a read-only node). */
export function openEventsDatabase(file: string, options: { readOnly?: boolean } = {}): Db {
  if (options.readOnly) {
    const db = new Database(file, { readonly: true, fileMustExist: true });
    db.pragma('busy_timeout = 5000');
    return db;
  }
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file);
  try {
    // WAL lets readers (other connections, other processes) work while one writer appends.
    db.pragma('journal_mode = WAL');
    // The log is the source of truth: a commit that was acknowledged must survive a power cut.
    db.pragma('synchronous = FULL');
    // Another connection may hold the write lock for a moment; wait instead of failing at once.
    db.pragma('busy_timeout = 5000');
    db.exec(SCHEMA);
    addHashChain(db);
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

/**
 * A log written before the hash chain existed gets the column and its chain, once: the hashes
 * then prove the log from this moment on, not what happened to it before.
 */
function addHashChain(db: Db): void {
  db.transaction(() => {
    const columns = (db.prepare('PRAGMA table_info(events)').all() as { name: string }[]).map((c) => c.name);
    if (columns.includes('hash')) return;
    db.exec('ALTER TABLE events ADD COLUMN hash TEXT');
    const update = db.prepare('UPDATE events SET hash = ? WHERE position = ?');
    let previous = GENESIS_HASH;
    for (const r of db.prepare('SELECT position, stream_id, revision, event_id, type, data, metadata, created FROM events ORDER BY position').all() as Array<{ position: number; stream_id: string; revision: number; event_id: string; type: string; data: string; metadata: string; created: number }>) {
      previous = eventHash(previous, { position: r.position, streamId: r.stream_id, revision: r.revision, eventId: r.event_id, type: r.type, created: r.created, data: r.data, metadata: r.metadata });
      update.run(hashBytes(previous), r.position);
    }
  }).immediate();
}

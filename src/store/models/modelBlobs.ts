// The SQL of the model blob store, shared by the node's connection and the writer thread.
import Database from 'better-sqlite3';
import type { Database as Db } from 'better-sqlite3';

export interface BlobToStore {
  readonly key: string;
  readonly sha256: string;
  readonly bytes: Uint8Array;
}

export class ModelConflictError extends Error {
  override readonly name = 'ModelConflictError';
}

/** What a put came to; plain data, so it can cross from the writer thread. */
export type PutOutcome = { ok: true } | { conflict: string } | { failure: string };

export function openModelsDatabase(path: string): Db {
  const db = new Database(path);
  try {
    db.pragma('journal_mode = WAL');
    // A saved model is referred to by an event: its bytes must survive a power cut first.
    db.pragma('synchronous = FULL');
    db.pragma('busy_timeout = 5000');
    db.exec(`
      CREATE TABLE IF NOT EXISTS model_buffer (
        party_model_id TEXT NOT NULL,
        model_version TEXT NOT NULL,
        buffer_key TEXT NOT NULL,
        sha256 TEXT NOT NULL,
        bytes BLOB NOT NULL,
        PRIMARY KEY (party_model_id, model_version, buffer_key)
      )`);
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

/** Every buffer of a model in one transaction; a stored key with other bytes refuses the whole put. */
export function putBlobs(db: Db, partyModelId: string, modelVersion: string, blobs: readonly BlobToStore[]): PutOutcome {
  const existing = db.prepare('SELECT sha256 FROM model_buffer WHERE party_model_id = ? AND model_version = ? AND buffer_key = ?');
  const insert = db.prepare('INSERT INTO model_buffer (party_model_id, model_version, buffer_key, sha256, bytes) VALUES (?, ?, ?, ?, ?)');
  try {
    db.transaction(() => {
      for (const b of blobs) {
        const row = existing.get(partyModelId, modelVersion, b.key) as { sha256: string } | undefined;
        if (row) {
          if (row.sha256 !== b.sha256) throw new ModelConflictError(`model ${partyModelId} version ${modelVersion} already stores other bytes under ${b.key}`);
          continue;
        }
        insert.run(partyModelId, modelVersion, b.key, b.sha256, Buffer.from(b.bytes));
      }
    })();
    return { ok: true };
  } catch (error) {
    if (error instanceof ModelConflictError) return { conflict: error.message };
    return { failure: error instanceof Error ? error.message : String(error) };
  }
}

// The party's model blobs (<dataDir>/models.sqlite): the protobuf bytes of each buffer of each
// pipeline model, keyed by (party model id, model_version, buffer key). Written before the
// PipelineModelSaved event and never changed afterwards: a put of other bytes under a stored key
// is refused; the same bytes again (a save retried after a crash) is a no-op.
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

export class ModelStore {
  private readonly db: Db;

  /** `path` = ':memory:' for tests and memory-backed nodes. */
  constructor(path: string) {
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS model_buffer (
        party_model_id TEXT NOT NULL,
        model_version TEXT NOT NULL,
        buffer_key TEXT NOT NULL,
        sha256 TEXT NOT NULL,
        bytes BLOB NOT NULL,
        PRIMARY KEY (party_model_id, model_version, buffer_key)
      )`);
  }

  /** Stores every buffer of a model atomically (all or none). */
  put(partyModelId: string, modelVersion: string, blobs: readonly BlobToStore[]): void {
    const existing = this.db.prepare('SELECT sha256 FROM model_buffer WHERE party_model_id = ? AND model_version = ? AND buffer_key = ?');
    const insert = this.db.prepare('INSERT INTO model_buffer (party_model_id, model_version, buffer_key, sha256, bytes) VALUES (?, ?, ?, ?, ?)');
    this.db.transaction(() => {
      for (const b of blobs) {
        const row = existing.get(partyModelId, modelVersion, b.key) as { sha256: string } | undefined;
        if (row) {
          if (row.sha256 !== b.sha256) throw new ModelConflictError(`model ${partyModelId} version ${modelVersion} already stores other bytes under ${b.key}`);
          continue;
        }
        insert.run(partyModelId, modelVersion, b.key, b.sha256, Buffer.from(b.bytes));
      }
    })();
  }

  /** Every stored buffer of a model: key → { sha256, bytes } (empty when none). */
  get(partyModelId: string, modelVersion: string): Map<string, { sha256: string; bytes: Uint8Array }> {
    const rows = this.db
      .prepare('SELECT buffer_key, sha256, bytes FROM model_buffer WHERE party_model_id = ? AND model_version = ? ORDER BY buffer_key')
      .all(partyModelId, modelVersion) as { buffer_key: string; sha256: string; bytes: Buffer }[];
    return new Map(rows.map((r) => [r.buffer_key, { sha256: r.sha256, bytes: new Uint8Array(r.bytes) }]));
  }

  close(): void {
    this.db.close();
  }
}
